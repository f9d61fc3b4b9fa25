/**
 * The ports a Tempo worker listens on, as far as tempo_cluster/v1 is concerned.
 *
 * They decide `worker_ports` (spec §3) and the gossip ring (`<host>:7946`), so they are wire
 * vocabulary and live with the interface; the Tempo builder imports them rather than repeating them.
 *
 * The builder writes every one of them explicitly instead of relying on Tempo's defaults: 2.7.x
 * defaults the HTTP port to 80 (3200 only since 2.8, CHANGELOG v2.8.0 #4960) and receivers bind to
 * localhost since 2.7. gRPC is 9096 rather than Tempo's 9095 because that is what the Python
 * coordinator renders and what its workers open (python-reference §2.6, §3).
 */

/** Tempo's HTTP server: API, `/ready`, `/metrics`. */
export const HTTP_PORT = 3200;
/** Tempo's gRPC server: the query-frontend ↔ querier stream. */
export const GRPC_PORT = 9096;
/** hashicorp/memberlist gossip, the ring every worker joins. */
export const MEMBERLIST_PORT = 7946;

/** Trace-ingestion protocols a distributor can enable, with Tempo's default port for each. */
export const RECEIVER_PORTS = {
  otlp_grpc: 4317,
  otlp_http: 4318,
  zipkin: 9411,
  jaeger_thrift_http: 14268,
  jaeger_grpc: 14250,
} as const;
export type ReceiverProtocol = keyof typeof RECEIVER_PORTS;

/** Sorted, so that anything derived from "every protocol" is emitted in a stable order. */
export const RECEIVER_PROTOCOLS = (Object.keys(RECEIVER_PORTS) as ReceiverProtocol[]).sort();

export function isReceiverProtocol(value: unknown): value is ReceiverProtocol {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(RECEIVER_PORTS, value);
}
