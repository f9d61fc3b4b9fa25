/**
 * `self-charm-tracing` and `self-workload-tracing` (requirers, interface `tracing` v2, limit 1):
 * where the charms' hook spans and Tempo's own traces go when another Tempo should hold them. The
 * leader asks each for `otlp_http` (the Python coordinator's request); the provider answers with
 * `receivers` = `[{"protocol": {"name", "type"}, "url"}]` in its application bag. Without such a
 * relation the cluster traces itself (tracing.ts gives its own receiver URLs instead).
 */
import * as z from "zod";
import type { Parsed } from "../../../interface/parsed.js";
import type { Databag } from "../../../juju/backend.js";
import type { Model } from "../../../juju/model.js";
import type { CoordinatorIntegration, IntegrationInputs } from "../integrations.js";
import { ENDPOINTS } from "../meta.js";
import { type NeighbourRelation, type Problem, unusableNeighbourData } from "../status.js";
import { parseReceiversKey } from "./tracing-requests.js";

/** What we ask every self-tracing provider for: OTLP over HTTP, which our hook exporter speaks. */
export const SELF_TRACING_REQUEST = JSON.stringify(["otlp_http"]);

const ProviderReceivers = z.array(
  z.object({
    protocol: z.object({ name: z.string(), type: z.enum(["http", "grpc"]) }),
    url: z.string().min(1),
  }),
  { error: "receivers must be a JSON list of {protocol, url}" },
);

/** A provider's receivers as protocol → URL (keys sorted); only http(s) URLs for http protocols. */
export function parseTracingProviderBag(appData: Readonly<Databag>): Parsed<Record<string, string>> {
  const parsed = parseReceiversKey(appData, ProviderReceivers);
  if (parsed.kind !== "valid") return parsed;
  const urls: Record<string, string> = {};
  for (const receiver of [...parsed.data].sort((a, b) => (a.protocol.name < b.protocol.name ? -1 : 1))) {
    if (receiver.protocol.type === "http" && !/^https?:\/\//.test(receiver.url)) {
      return { kind: "invalid", reasons: [`${receiver.protocol.name} url is not an http(s) URL`] };
    }
    urls[receiver.protocol.name] = receiver.url;
  }
  return { kind: "valid", data: urls };
}

/** The receivers the related Tempo offers on `endpoint` (limit 1), when it offers OTLP/HTTP. */
export function remoteTracingReceivers(model: Model, endpoint: string): Record<string, string> | undefined {
  const relation = model.relations(endpoint)[0];
  if (!relation) return undefined;
  const parsed = parseTracingProviderBag(relation.remoteAppData());
  return parsed.kind === "valid" && parsed.data.otlp_http ? parsed.data : undefined;
}

const SELF_TRACING_ENDPOINTS = [ENDPOINTS.selfCharmTracing, ENDPOINTS.selfWorkloadTracing] as const;

export const selfTracingIntegration: CoordinatorIntegration = {
  name: "self-tracing",
  gather(model: Model): Partial<IntegrationInputs> {
    const problems: Problem[] = [];
    for (const endpoint of SELF_TRACING_ENDPOINTS) {
      const relation = model.relations(endpoint)[0];
      if (!relation) continue;
      const parsed = parseTracingProviderBag(relation.remoteAppData());
      const from = { coordinator: model.app.name, endpoint, app: relation.app };
      if (parsed.kind === "invalid") problems.push(selfTracingInvalid(from, parsed.reasons));
      if (parsed.kind === "valid" && !parsed.data.otlp_http) problems.push(selfTracingInvalid(from, ["it offers no otlp_http receiver"]));
    }
    return { problems };
  },
  apply(model, outcome): void {
    if (!outcome.isLeader) return;
    for (const endpoint of SELF_TRACING_ENDPOINTS) {
      for (const relation of model.relations(endpoint)) relation.localAppData().set("receivers", SELF_TRACING_REQUEST);
    }
  },
};

export function selfTracingInvalid(from: NeighbourRelation, reasons: readonly string[]): Problem {
  return unusableNeighbourData(from, `${from.app} on ${from.endpoint} sent unusable receivers (${reasons.join(", ")})`, "traces go to this cluster instead");
}
