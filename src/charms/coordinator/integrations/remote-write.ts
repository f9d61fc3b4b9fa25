/**
 * `send-remote-write` (requirer, interface `prometheus_remote_write` v0): every provider unit able
 * to take remote writes puts `remote_write` = `{"url": "http://…/api/v1/write"}` (JSON) in its
 * unit bag (neighbour-interfaces/prometheus_remote_write-v0, provider.json). The endpoints turn on
 * Tempo's metrics-generator and travel to the workers as `remote_write_endpoints`; desired-state
 * does both. We send no alert rules: Tempo's metrics-generator has none of its own.
 */
import { z } from "zod";
import type { Parsed } from "../../../interface/parsed.js";
import type { Databag } from "../../../juju/backend.js";
import type { Model } from "../../../juju/model.js";
import { RemoteWriteEndpoint } from "../../../tempo/settings.js";
import type { CoordinatorIntegration, IntegrationInputs } from "../integrations.js";
import { ENDPOINTS } from "../meta.js";
import type { Problem } from "../status.js";

/** The same URL rule the Tempo settings apply, so an accepted endpoint never fails the builder. */
const RemoteWriteUnitData = z.object(
  { url: RemoteWriteEndpoint.shape.url },
  { error: "remote_write must be a JSON object with a url" },
);

export function parseRemoteWriteUnitData(unitData: Readonly<Databag>): Parsed<{ readonly url: string }> {
  const raw = unitData.remote_write;
  if (raw === undefined || raw === "") return { kind: "absent" };
  let decoded: unknown;
  try {
    decoded = JSON.parse(raw);
  } catch {
    return { kind: "invalid", reasons: ["remote_write is not JSON"] };
  }
  const parsed = RemoteWriteUnitData.safeParse(decoded);
  if (!parsed.success) return { kind: "invalid", reasons: [...new Set(parsed.error.issues.map((issue) => describeIssue(issue, decoded)))] };
  return { kind: "valid", data: { url: parsed.data.url } };
}

function describeIssue(issue: z.core.$ZodIssue, decoded: unknown): string {
  if (issue.path[0] !== "url") return issue.message;
  const hasUrl = typeof decoded === "object" && decoded !== null && "url" in decoded;
  return hasUrl ? "remote_write url is not an http(s) URL" : "remote_write has no url";
}

export const remoteWriteIntegration: CoordinatorIntegration = {
  name: "send-remote-write",
  gather(model: Model): Partial<IntegrationInputs> {
    const urls = new Set<string>();
    const problems: Problem[] = [];
    for (const relation of model.relations(ENDPOINTS.remoteWrite)) {
      for (const unit of relation.units) {
        const parsed = parseRemoteWriteUnitData(relation.remoteUnitData(unit));
        if (parsed.kind === "valid") urls.add(parsed.data.url);
        if (parsed.kind === "invalid") problems.push(remoteWriteInvalid(unit, parsed.reasons));
      }
    }
    return { remoteWrite: [...urls].sort().map((url) => ({ url })), problems };
  },
};

export function remoteWriteInvalid(unit: string, reasons: readonly string[]): Problem {
  return {
    severity: "blocked",
    message: `${unit} sent an unusable remote-write endpoint (${reasons.join(", ")}); metrics are not written to it`,
  };
}
