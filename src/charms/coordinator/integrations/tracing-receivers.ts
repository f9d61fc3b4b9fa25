/**
 * Where traces are sent, as URLs: for charms related over `tracing` (the provider bag's
 * `receivers`) and for the workers themselves (`charm_tracing_receivers`,
 * `workload_tracing_receivers`). Pure: the integration gathers the inputs.
 *
 * Every URL names the cluster's front door (front-door.ts): the coordinator's nginx, which routes
 * each receiver port to the workers that run the distributor, or the ingress in front of it.
 */
import { RECEIVER_PORTS, type ReceiverProtocol } from "../../../interface/ports.js";
import type { Role } from "../../../interface/roles.js";
import { type Door, grpcAddress, httpUrl } from "../front-door.js";

/** How each protocol travels; tracing v2 publishes it beside the URL (`protocol.type`). */
export const RECEIVER_TRANSPORT: Readonly<Record<ReceiverProtocol, "http" | "grpc">> = {
  otlp_grpc: "grpc",
  otlp_http: "http",
  zipkin: "http",
  jaeger_thrift_http: "http",
  jaeger_grpc: "grpc",
};

/** The charm tracing libraries speak OTLP over HTTP only. */
export const CHARM_TRACING_PROTOCOLS: readonly ReceiverProtocol[] = ["otlp_http"];
/** Tempo's own tracing exporter speaks OTLP (gRPC or HTTP). */
export const WORKLOAD_TRACING_PROTOCOLS: readonly ReceiverProtocol[] = ["otlp_grpc", "otlp_http"];

/** A worker application as far as choosing the ingest service goes. */
export interface WorkerApplication {
  readonly app: string;
  readonly role: Role;
  readonly unitCount: number;
}

/**
 * The application whose units receive traces behind the front door: a dedicated distributor if
 * there is one (that is its job), else an `all` node; the first by name when there are several.
 * Without one, nginx has nowhere to send traces, so no receiver URL is handed out.
 */
export function ingestApplication(workers: readonly WorkerApplication[]): string | undefined {
  const withUnits = workers.filter((worker) => worker.unitCount > 0);
  for (const role of ["distributor", "all"] as const) {
    const names = withUnits.filter((worker) => worker.role === role).map((worker) => worker.app);
    if (names.length > 0) return names.sort()[0];
  }
  return undefined;
}

/**
 * gRPC receivers are given as `host:port`, without a scheme (tracing v2: "If the protocol type is
 * grpc, the url will not contain a scheme"); HTTP ones as `http(s)://host:port`.
 */
export function receiverUrl(protocol: ReceiverProtocol, door: Door): string {
  const port = RECEIVER_PORTS[protocol];
  return RECEIVER_TRANSPORT[protocol] === "grpc" ? grpcAddress(door, port) : httpUrl(door, port);
}

/** protocol → URL for those of `wanted` that are enabled; keys sorted. */
export function receiverUrlMap(
  wanted: readonly ReceiverProtocol[],
  enabled: readonly ReceiverProtocol[],
  door: Door,
): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const protocol of [...wanted].filter((candidate) => enabled.includes(candidate)).sort()) {
    urls[protocol] = receiverUrl(protocol, door);
  }
  return urls;
}

/**
 * The provider application bag of a `tracing` relation: every enabled receiver, sorted by
 * protocol, as `[{"protocol": {"name", "type"}, "url"}]` (tracing v2 `TracingProviderData`).
 * Like Canonical's provider, every relation gets every enabled receiver, not only those it asked for.
 */
export function tracingProviderBag(
  enabled: readonly ReceiverProtocol[],
  door: Door,
): { readonly receivers: string } {
  const receivers = [...enabled].sort().map((protocol) => ({
    protocol: { name: protocol, type: RECEIVER_TRANSPORT[protocol] },
    url: receiverUrl(protocol, door),
  }));
  return { receivers: JSON.stringify(receivers) };
}
