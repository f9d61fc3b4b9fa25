/**
 * The part of Tempo's config model the builder writes. Key names are Tempo's YAML keys, so the
 * object renders as is; `validate.ts` checks any object (this one or a hand-written file) against the
 * full key lists of a Tempo version.
 */

export interface ServerTlsBlock {
  cert_file: string;
  key_file: string;
  client_ca_file: string;
  client_auth_type: "VerifyClientCertIfGiven";
}

/** dskit `tls.ClientConfig` inlined in every gRPC client and in memberlist. */
export interface ClientTlsBlock {
  tls_enabled: true;
  tls_cert_path: string;
  tls_key_path: string;
  tls_ca_path: string;
  tls_server_name: string;
}

/** OTel collector `configtls.ServerConfig` as the receivers read it. */
export interface ReceiverTlsBlock {
  ca_file: string;
  cert_file: string;
  key_file: string;
}

export interface ReceiverEndpoint {
  endpoint: string;
  tls?: ReceiverTlsBlock;
}

export interface Receivers {
  jaeger?: { protocols: { grpc?: ReceiverEndpoint; thrift_http?: ReceiverEndpoint } };
  otlp?: { protocols: { grpc?: ReceiverEndpoint; http?: ReceiverEndpoint } };
  zipkin?: ReceiverEndpoint;
}

export interface KvStore {
  kvstore: { store: "memberlist" };
}

export interface S3Block {
  bucket: string;
  endpoint: string;
  access_key: string;
  secret_key: string;
  insecure: boolean;
  region?: string;
  tls_ca_path?: string;
}

export interface RemoteWriteBlock {
  url: string;
  headers?: Record<string, string>;
  tls_config?: { ca_file?: string; insecure_skip_verify: boolean };
}

export interface TempoConfig {
  auth_enabled: false;
  server: {
    http_listen_port: number;
    grpc_listen_port: number;
    http_tls_config?: ServerTlsBlock;
    grpc_tls_config?: ServerTlsBlock;
  };
  memberlist: {
    join_members: string[];
    bind_port: number;
    abort_if_cluster_join_fails: false;
    /** 2.8+ only. */
    abort_if_cluster_fast_join_fails?: false;
    cluster_label: string;
    tls_enabled?: true;
    tls_cert_path?: string;
    tls_key_path?: string;
    tls_ca_path?: string;
    tls_server_name?: string;
  };
  distributor: {
    receivers: Receivers;
    ring: KvStore;
    /** 2.7 name of the attribute limit. */
    max_span_attr_byte?: number;
    /** 2.8+ name of the attribute limit. */
    max_attribute_bytes?: number;
  };
  ingester: {
    lifecycler: { ring: KvStore & { replication_factor: number }; tokens_file_path: string };
  };
  ingester_client?: { grpc_client_config: ClientTlsBlock };
  metrics_generator_client?: { grpc_client_config: ClientTlsBlock };
  querier: {
    frontend_worker: { frontend_address: string; grpc_client_config?: ClientTlsBlock };
  };
  compactor: {
    ring: KvStore;
    compaction: { block_retention: string };
  };
  storage: {
    trace: {
      backend: "s3" | "local";
      block: { version: "vParquet4" };
      wal: { path: string };
      s3?: S3Block;
      local?: { path: string };
    };
  };
  metrics_generator?: {
    ring: KvStore;
    storage: { path: string; remote_write: RemoteWriteBlock[] };
    processor: { service_graphs: Record<string, never>; span_metrics: Record<string, never> };
  };
  overrides?: {
    defaults: { metrics_generator: { processors: string[] } };
  };
}
