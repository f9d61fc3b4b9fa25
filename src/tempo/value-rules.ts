/**
 * Value types for the keys whose Go types the model knows: the ones the builder writes and a few
 * whose wrong values Tempo only reports at start-up. A key not listed here is checked for existence
 * only. Paths use the key-list notation (`a[].b`).
 */
import type { KeySetVersion } from "./key-sets.js";

/** A message when the value is wrong, else null. */
export type ValueRule = (value: unknown, version: KeySetVersion) => string | null;

const describe = (value: unknown): string =>
  Array.isArray(value) ? "a list" : value === null ? "null" : typeof value === "object" ? "a mapping" : `${typeof value} ${JSON.stringify(value)}`;

const isBoolean: ValueRule = (value) => (typeof value === "boolean" ? null : `expected a boolean, found ${describe(value)}`);

const isString: ValueRule = (value) => (typeof value === "string" ? null : `expected a string, found ${describe(value)}`);

const isNonEmptyString: ValueRule = (value) =>
  typeof value === "string" && value.length > 0 ? null : `expected a non-empty string, found ${describe(value)}`;

const isPort: ValueRule = (value) =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 65535
    ? null
    : `expected a port number (0-65535), found ${describe(value)}`;

const isPositiveInteger: ValueRule = (value) =>
  typeof value === "number" && Number.isInteger(value) && value > 0 ? null : `expected a positive integer, found ${describe(value)}`;

const isNonNegativeInteger: ValueRule = (value) =>
  typeof value === "number" && Number.isInteger(value) && value >= 0
    ? null
    : `expected a non-negative integer, found ${describe(value)}`;

/** Go `time.ParseDuration` syntax, e.g. `720h`, `1h30m`, `0`. */
const GO_DURATION = /^(0|([0-9]+(\.[0-9]+)?(ns|us|\u00b5s|ms|s|m|h))+)$/;
const isDuration: ValueRule = (value) =>
  typeof value === "string" && GO_DURATION.test(value) ? null : `expected a Go duration such as "720h", found ${describe(value)}`;

const isStringList: ValueRule = (value) =>
  Array.isArray(value) && value.every((item) => typeof item === "string")
    ? null
    : `expected a list of strings, found ${describe(value)}`;

const oneOf =
  (allowed: readonly string[]): ValueRule =>
  (value) =>
    typeof value === "string" && allowed.includes(value) ? null : `expected one of ${allowed.join(", ")}, found ${describe(value)}`;

/** `host:port` with a numeric port (an IPv6 host in brackets), as dskit dials it. */
const isHostPort: ValueRule = (value) => {
  if (typeof value !== "string") return `expected "host:port", found ${describe(value)}`;
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):([0-9]{1,5})$/.exec(value);
  return match && Number(match[2]) <= 65535 ? null : `expected "host:port", found ${JSON.stringify(value)}`;
};

/** `tempodb/backend/backend.go`: anything else fails at start-up with "unknown backend" (§5). */
const isStorageBackend = oneOf(["azure", "gcs", "local", "s3"]);

/** Block encodings per minor (§5): vParquet2 is gone in 2.10, vParquet5 final from 2.10, v2 gone in 3.0. */
const BLOCK_VERSIONS: Record<KeySetVersion, readonly string[]> = {
  "2.7": ["v2", "vParquet2", "vParquet3", "vParquet4"],
  "2.8": ["v2", "vParquet2", "vParquet3", "vParquet4"],
  "2.9": ["v2", "vParquet2", "vParquet3", "vParquet4", "vParquet5-preview1", "vParquet5-preview2"],
  "2.10": ["v2", "vParquet3", "vParquet4", "vParquet5"],
  "3.0": ["vParquet3", "vParquet4", "vParquet5"],
};
const isBlockVersion: ValueRule = (value, version) => oneOf(BLOCK_VERSIONS[version])(value, version);

const isKvStore = oneOf(["", "consul", "etcd", "inmemory", "memberlist", "multi"]);

/** `ListToMap`: a list of processor names or a map keyed by them (§8). */
const GENERATOR_PROCESSORS = ["local-blocks", "service-graphs", "span-metrics"];
const isProcessorList: ValueRule = (value) => {
  const names = Array.isArray(value) ? value : value !== null && typeof value === "object" ? Object.keys(value) : null;
  if (names === null) return `expected a list of processor names, found ${describe(value)}`;
  const unknown = names.filter((name) => typeof name !== "string" || !GENERATOR_PROCESSORS.includes(name));
  return unknown.length === 0 ? null : `unknown processor(s) ${JSON.stringify(unknown)}; known: ${GENERATOR_PROCESSORS.join(", ")}`;
};

const CLIENT_TLS_RULES = (prefix: string): Record<string, ValueRule> => ({
  [`${prefix}.tls_enabled`]: isBoolean,
  [`${prefix}.tls_cert_path`]: isString,
  [`${prefix}.tls_key_path`]: isString,
  [`${prefix}.tls_ca_path`]: isString,
  [`${prefix}.tls_server_name`]: isString,
  [`${prefix}.tls_insecure_skip_verify`]: isBoolean,
});

const SERVER_TLS_RULES = (prefix: string): Record<string, ValueRule> => ({
  [`${prefix}.cert_file`]: isString,
  [`${prefix}.key_file`]: isString,
  [`${prefix}.client_ca_file`]: isString,
  [`${prefix}.client_auth_type`]: oneOf([
    "NoClientCert",
    "RequestClientCert",
    "RequireAnyClientCert",
    "VerifyClientCertIfGiven",
    "RequireAndVerifyClientCert",
  ]),
});

export const VALUE_RULES: Readonly<Record<string, ValueRule>> = {
  auth_enabled: isBoolean,
  multitenancy_enabled: isBoolean,
  "server.http_listen_port": isPort,
  "server.grpc_listen_port": isPort,
  ...SERVER_TLS_RULES("server.http_tls_config"),
  ...SERVER_TLS_RULES("server.grpc_tls_config"),
  "memberlist.join_members": isStringList,
  "memberlist.bind_port": isPort,
  "memberlist.advertise_port": isPort,
  "memberlist.abort_if_cluster_join_fails": isBoolean,
  "memberlist.abort_if_cluster_fast_join_fails": isBoolean,
  "memberlist.cluster_label": isString,
  "memberlist.cluster_label_verification_disabled": isBoolean,
  ...CLIENT_TLS_RULES("memberlist"),
  "distributor.max_span_attr_byte": isNonNegativeInteger,
  "distributor.max_attribute_bytes": isNonNegativeInteger,
  "distributor.ring.kvstore.store": isKvStore,
  "ingester.lifecycler.ring.kvstore.store": isKvStore,
  "ingester.lifecycler.ring.replication_factor": isPositiveInteger,
  "ingester.trace_idle_period": isDuration,
  "ingester.max_block_duration": isDuration,
  ...CLIENT_TLS_RULES("ingester_client.grpc_client_config"),
  ...CLIENT_TLS_RULES("metrics_generator_client.grpc_client_config"),
  ...CLIENT_TLS_RULES("querier.frontend_worker.grpc_client_config"),
  "querier.frontend_worker.frontend_address": isHostPort,
  "compactor.ring.kvstore.store": isKvStore,
  "compactor.compaction.block_retention": isDuration,
  "compactor.compaction.compacted_block_retention": isDuration,
  "compactor.compaction.compaction_window": isDuration,
  "storage.trace.backend": isStorageBackend,
  "storage.trace.block.version": isBlockVersion,
  "storage.trace.wal.path": isNonEmptyString,
  "storage.trace.local.path": isNonEmptyString,
  "storage.trace.blocklist_poll": isDuration,
  "storage.trace.s3.bucket": isNonEmptyString,
  "storage.trace.s3.endpoint": isNonEmptyString,
  "storage.trace.s3.access_key": isString,
  "storage.trace.s3.secret_key": isString,
  "storage.trace.s3.region": isString,
  "storage.trace.s3.insecure": isBoolean,
  "storage.trace.s3.forcepathstyle": isBoolean,
  // S3 inlines dskit's client TLS keys, without `tls_enabled`: TLS is on unless `insecure` (§5).
  "storage.trace.s3.tls_ca_path": isString,
  "storage.trace.s3.tls_cert_path": isString,
  "storage.trace.s3.tls_key_path": isString,
  "storage.trace.s3.tls_server_name": isString,
  "storage.trace.s3.tls_insecure_skip_verify": isBoolean,
  "metrics_generator.ring.kvstore.store": isKvStore,
  "metrics_generator.storage.path": isNonEmptyString,
  "metrics_generator.storage.remote_write[].url": isNonEmptyString,
  "metrics_generator.storage.remote_write[].send_exemplars": isBoolean,
  "metrics_generator.storage.remote_write[].tls_config.ca_file": isString,
  "metrics_generator.storage.remote_write[].tls_config.insecure_skip_verify": isBoolean,
  "overrides.defaults.metrics_generator.processors": isProcessorList,
  "overrides.per_tenant_override_config": isString,
};
