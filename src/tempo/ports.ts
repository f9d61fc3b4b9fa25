/**
 * The ports Tempo listens on, as the coordinator configures them.
 *
 * Tempo's own defaults are not relied on: 2.7.x defaults the HTTP port to 80 (3200 only since 2.8,
 * CHANGELOG v2.8.0 #4960) and receivers bind to localhost since 2.7, so every port is written
 * explicitly. The gRPC port is 9096 rather than Tempo's 9095 because that is what the Python
 * coordinator renders and what `worker_ports` opens (python-reference §2.6, §3).
 */

/** Tempo's HTTP server: API, `/ready`, `/metrics`. */
export const HTTP_PORT = 3200;
/** Tempo's gRPC server: every internal call (querier ↔ frontend, distributor → ingester/generator). */
export const GRPC_PORT = 9096;
/** memberlist gossip (TCP only in dskit), the ring every worker joins. */
export const MEMBERLIST_PORT = 7946;

/** Trace-ingestion protocols a distributor can enable, with the port each listens on. */
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
