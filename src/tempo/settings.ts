/**
 * What the coordinator knows besides its workers, as the builder's input.
 *
 * The schema is the single definition: callers parse their config/relation data with it and the
 * builder receives `TempoSettings` (the parsed output, defaults applied).
 */
import * as z from "zod";

/** Tempo minors the builder targets; 2.7 by default because Canonical ships Tempo 2.7.1. */
export const TEMPO_VERSIONS = ["2.7", "2.8", "2.9", "2.10"] as const;
export const TempoVersion = z.enum(TEMPO_VERSIONS);
export type TempoVersion = z.infer<typeof TempoVersion>;

export const ReceiverProtocolName = z.enum(["jaeger_grpc", "jaeger_thrift_http", "otlp_grpc", "otlp_http", "zipkin"]);

/**
 * Where the worker charm writes the internal TLS material (python-reference §4.7). The CA is the
 * worker-owned copy rather than the system store (`/usr/local/share/ca-certificates/ca.crt`, which
 * the Python config points at), so Tempo's config does not depend on `update-ca-certificates`.
 */
export const DEFAULT_TLS_PATHS = {
  caPath: "/etc/worker/ca.cert",
  certPath: "/etc/worker/server.cert",
  keyPath: "/etc/worker/private.key",
} as const;

/** Where the worker writes the S3 CA chain when the s3 relation provides one (python-reference §2.9). */
export const S3_CA_PATH = "/etc/worker/s3_ca.crt";

export const S3Storage = z.object({
  kind: z.literal("s3"),
  /** As the s3 provider gives it, with or without `http://` / `https://`. */
  endpoint: z.string().min(1),
  bucket: z.string().min(1),
  accessKey: z.string().min(1),
  secretKey: z.string().min(1),
  region: z.string().min(1).optional(),
  /** PEM chain of the S3 endpoint's CA; the worker writes it to `S3_CA_PATH`. */
  caCert: z.string().min(1).optional(),
});

/** Only sound for one `all` unit: CheckConfig warns that local storage breaks a distributed cluster. */
export const LocalStorage = z.object({ kind: z.literal("local") });

export const StorageSettings = z.discriminatedUnion("kind", [S3Storage, LocalStorage]);

export const TlsSettings = z.discriminatedUnion("enabled", [
  z.object({ enabled: z.literal(false) }),
  z.object({
    enabled: z.literal(true),
    caPath: z.string().min(1).default(DEFAULT_TLS_PATHS.caPath),
    certPath: z.string().min(1).default(DEFAULT_TLS_PATHS.certPath),
    keyPath: z.string().min(1).default(DEFAULT_TLS_PATHS.keyPath),
    /**
     * The name every internal TLS client verifies the server certificate against: a SAN of the
     * certificate the coordinator hands out (e.g. its service FQDN). It is a setting, not "the first
     * worker address" as in the Python coordinator (python-reference §6.6), so adding or removing a
     * worker never changes it.
     */
    serverName: z.string().min(1),
  }),
]);

export const RemoteWriteEndpoint = z.object({
  url: z.url({ protocol: /^https?$/ }),
  /** CA file on the worker for an https endpoint; defaults to the internal CA when TLS is on. */
  caFile: z.string().min(1).optional(),
  insecureSkipVerify: z.boolean().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

export const TempoSettings = z.object({
  storage: StorageSettings,
  /** Duplicates are harmless; the builder sorts and de-duplicates. */
  receivers: z.array(ReceiverProtocolName).default(["otlp_http"]),
  tls: TlsSettings.default({ enabled: false }),
  remoteWrite: z.array(RemoteWriteEndpoint).default([]),
  /** 720 h (30 days) is the Python coordinator's `retention-period` default. */
  retentionHours: z.number().int().positive().default(720),
  /** 0 = automatic: 3 with at least 3 ingester units, else 1. */
  replicationFactor: z.number().int().nonnegative().default(0),
  tempoVersion: TempoVersion.default("2.7"),
  /**
   * memberlist `cluster_label`, unique to this coordinator (e.g. `<model-uuid>-<app>`), so that two
   * Tempo clusters, or a Tempo and a Loki, in one namespace never merge their rings (field-notes §1.C).
   */
  clusterLabel: z.string().min(1),
  /** The Juju model; a worker address `<pod>.<app>-endpoints.<model>.svc.<domain>` is a Kubernetes pod FQDN. */
  modelName: z.string().min(1),
  /** Distributor span-attribute size limit; its key was renamed in 2.8 (#4633). */
  maxAttributeBytes: z.number().int().nonnegative().optional(),
});

/** Parsed settings, defaults applied: what the builder takes. */
export type TempoSettings = z.output<typeof TempoSettings>;
/** What callers may write before parsing (defaults optional). */
export type TempoSettingsInput = z.input<typeof TempoSettings>;
export type StorageSettings = z.output<typeof StorageSettings>;
export type TlsSettings = z.output<typeof TlsSettings>;
export type RemoteWriteEndpoint = z.output<typeof RemoteWriteEndpoint>;
