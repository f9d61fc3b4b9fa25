/**
 * Where traces are sent, as URLs: for charms related over `tracing` (the provider bag's
 * `receivers`) and for the workers themselves (`charm_tracing_receivers`,
 * `workload_tracing_receivers`). Pure: the integration gathers the inputs.
 *
 * The receivers run in the workers that run the distributor (role `distributor` or `all`): the
 * coordinator runs no Tempo and no proxy, and opens no port (meta.ts), so a URL naming the
 * coordinator would reach nothing. Juju gives every Kubernetes application a ClusterIP service
 * named after it, and a worker's `open-port` (its `worker_ports`) adds the receiver ports to that
 * service, which spreads traces over the application's units.
 */
import { RECEIVER_PORTS, type ReceiverProtocol } from "../../../interface/ports.js";
import type { Role } from "../../../interface/roles.js";

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

/** The service that receives traces and how to talk to it. */
export interface IngestEndpoint {
  readonly host: string;
  /** Internal TLS is on: every receiver then serves TLS (its `tls` block in the Tempo config). */
  readonly isTls: boolean;
}

/** A worker application as far as choosing the ingest service goes. */
export interface WorkerApplication {
  readonly app: string;
  readonly role: Role;
  readonly unitCount: number;
}

/**
 * The application whose service receives traces: a dedicated distributor if there is one (that is
 * its job), else an `all` node; the first by name when there are several, so the choice is stable.
 */
export function ingestApplication(workers: readonly WorkerApplication[]): string | undefined {
  const withUnits = workers.filter((worker) => worker.unitCount > 0);
  for (const role of ["distributor", "all"] as const) {
    const names = withUnits.filter((worker) => worker.role === role).map((worker) => worker.app);
    if (names.length > 0) return names.sort()[0];
  }
  return undefined;
}

/** The Kubernetes service Juju creates for an application: `<app>.<model>.svc.cluster.local`. */
export function applicationServiceHost(app: string, modelName: string): string {
  return `${app}.${modelName}.svc.cluster.local`;
}

/**
 * gRPC receivers are given as `host:port`, without a scheme (tracing v2: "If the protocol type is
 * grpc, the url will not contain a scheme"); HTTP ones as `http(s)://host:port`.
 */
export function receiverUrl(protocol: ReceiverProtocol, endpoint: IngestEndpoint): string {
  const hostPort = `${endpoint.host}:${RECEIVER_PORTS[protocol]}`;
  if (RECEIVER_TRANSPORT[protocol] === "grpc") return hostPort;
  return `${endpoint.isTls ? "https" : "http"}://${hostPort}`;
}

/** protocol → URL for those of `wanted` that are enabled; keys sorted. */
export function receiverUrlMap(
  wanted: readonly ReceiverProtocol[],
  enabled: readonly ReceiverProtocol[],
  endpoint: IngestEndpoint,
): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const protocol of [...wanted].filter((candidate) => enabled.includes(candidate)).sort()) {
    urls[protocol] = receiverUrl(protocol, endpoint);
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
  endpoint: IngestEndpoint,
): { readonly receivers: string } {
  const receivers = [...enabled].sort().map((protocol) => ({
    protocol: { name: protocol, type: RECEIVER_TRANSPORT[protocol] },
    url: receiverUrl(protocol, endpoint),
  }));
  return { receivers: JSON.stringify(receivers) };
}
