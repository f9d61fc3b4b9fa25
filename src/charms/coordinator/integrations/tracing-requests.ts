/**
 * What a charm related over `tracing` (v2) asks for. Its leader writes `receivers` into its
 * application bag: a JSON list of protocol names, e.g. `["otlp_grpc", "otlp_http"]`
 * (neighbour-interfaces/tracing-v2, `TracingRequirerData`).
 *
 * Canonical's library refuses the whole bag when one name is not in its own list; we keep the
 * protocols Tempo can run and report the others, so one exotic name does not cost a charm its traces.
 */
import * as z from "zod";
import type { Parsed } from "../../../interface/parsed.js";
import { type ReceiverProtocol, isReceiverProtocol } from "../../../interface/ports.js";
import type { Databag } from "../../../juju/backend.js";

export interface TracingRequest {
  /** Protocols Tempo can run, sorted, without duplicates. */
  readonly supported: readonly ReceiverProtocol[];
  /** Names asked for that no Tempo receiver speaks, sorted, without duplicates. */
  readonly unsupported: readonly string[];
}

const RequestedProtocols = z.array(z.string({ error: "receivers must list protocol names (strings)" }), {
  error: "receivers must be a JSON list of protocol names",
});

/**
 * The `receivers` key of a tracing bag, JSON-decoded and checked against `schema`: both sides of the
 * interface use the key (requirers list names, providers list `{protocol, url}`).
 */
export function parseReceiversKey<T>(appData: Readonly<Databag>, schema: z.ZodType<T>): Parsed<T> {
  const raw = appData.receivers;
  if (raw === undefined || raw === "") return { kind: "absent" };
  let decoded: unknown;
  try {
    decoded = JSON.parse(raw);
  } catch {
    return { kind: "invalid", reasons: ["receivers is not JSON"] };
  }
  const parsed = schema.safeParse(decoded);
  if (!parsed.success) return { kind: "invalid", reasons: [...new Set(parsed.error.issues.map((issue) => issue.message))] };
  return { kind: "valid", data: parsed.data };
}

export function parseTracingRequest(appData: Readonly<Databag>): Parsed<TracingRequest> {
  const parsed = parseReceiversKey(appData, RequestedProtocols);
  if (parsed.kind !== "valid") return parsed;
  const names = [...new Set(parsed.data)].sort();
  return {
    kind: "valid",
    data: { supported: names.filter(isReceiverProtocol), unsupported: names.filter((name) => !isReceiverProtocol(name)) },
  };
}
