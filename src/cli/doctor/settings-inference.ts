/**
 * The coordinator's settings, recovered from what it already published. `juju show-unit` shows
 * relation data but not `juju config`, so to recompute the config the doctor reads the settings
 * back out of the published `worker_config` (retention, receivers, replication, version, TLS,
 * remote-write, cluster label), lets `--config key=value` override any of them, and records every
 * choice as an assumption the report prints.
 */
import { CONFIG_DEFAULTS } from "../../charms/coordinator/config-options.js";
import type { ReceiverProtocol } from "../../interface/ports.js";

export type ConfigValue = string | number | boolean;

export interface InferredSettings {
  /** Coordinator options (`juju config` names) to recompute with. */
  readonly config: Record<string, ConfigValue>;
  /** Receivers the published config enables (all passed as requested, always_enable_* off). */
  readonly receivers: ReceiverProtocol[];
  readonly remoteWriteUrls: string[];
  /** `memberlist.tls_server_name`, when the published config runs internal TLS. */
  readonly tlsServerName?: string;
  readonly clusterLabel?: string;
  /** What was assumed and why, one sentence each, in a fixed order. */
  readonly assumptions: string[];
}

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function at(root: unknown, ...path: string[]): unknown {
  let node = root;
  for (const key of path) {
    if (!isMapping(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** Which receiver protocols a `distributor.receivers` block turns on. */
function receiversOf(config: unknown): ReceiverProtocol[] {
  const found: ReceiverProtocol[] = [];
  if (at(config, "distributor", "receivers", "jaeger", "protocols", "grpc") !== undefined) found.push("jaeger_grpc");
  if (at(config, "distributor", "receivers", "jaeger", "protocols", "thrift_http") !== undefined) found.push("jaeger_thrift_http");
  if (at(config, "distributor", "receivers", "otlp", "protocols", "grpc") !== undefined) found.push("otlp_grpc");
  if (at(config, "distributor", "receivers", "otlp", "protocols", "http") !== undefined) found.push("otlp_http");
  if (at(config, "distributor", "receivers", "zipkin") !== undefined) found.push("zipkin");
  return found.sort();
}

const RECEIVER_OPTIONS = [
  "always_enable_jaeger_grpc",
  "always_enable_jaeger_thrift_http",
  "always_enable_otlp_grpc",
  "always_enable_otlp_http",
  "always_enable_zipkin",
] as const;

/**
 * @param published the published worker_config, parsed; undefined when none is visible
 * @param overrides `--config` options, which win over anything inferred
 */
export function inferSettings(published: unknown, overrides: Readonly<Record<string, ConfigValue>>): InferredSettings {
  const config: Record<string, ConfigValue> = {};
  const assumptions: string[] = [];
  const setInferred = (option: string, value: ConfigValue, because: string) => {
    if (option in overrides) return;
    config[option] = value;
    assumptions.push(`${option}=${String(value)} (${because})`);
  };

  if (!isMapping(published)) {
    for (const [option, value] of Object.entries(CONFIG_DEFAULTS)) {
      if (!(option in overrides)) config[option] = value;
    }
    assumptions.push("the coordinator's config options are at their defaults (no published worker_config to read them from)");
  } else {
    const retention = at(published, "compactor", "compaction", "block_retention");
    const hours = typeof retention === "string" ? /^(\d+)h$/.exec(retention)?.[1] : undefined;
    if (hours !== undefined) setInferred("retention-period", Number(hours), `from compactor.compaction.block_retention ${String(retention)}`);
    else setInferred("retention-period", CONFIG_DEFAULTS["retention-period"], "the default; the published block_retention is not in hours");

    const replication = at(published, "ingester", "lifecycler", "ring", "replication_factor");
    if (replication === 1 || replication === 3 || replication === undefined) {
      setInferred("replication-factor", 0, `automatic: the published replication_factor ${String(replication ?? "(none)")} is what automatic gives`);
    } else {
      setInferred("replication-factor", Number(replication), "from ingester.lifecycler.ring.replication_factor");
    }

    const isAtLeast28 = at(published, "memberlist", "abort_if_cluster_fast_join_fails") !== undefined;
    setInferred(
      "tempo-version",
      isAtLeast28 ? "2.8" : "2.7",
      isAtLeast28
        ? "memberlist.abort_if_cluster_fast_join_fails is set, so 2.8 or later; 2.8 to 2.10 render the same config"
        : "no memberlist.abort_if_cluster_fast_join_fails, so 2.7",
    );
  }

  const receivers = isMapping(published) ? receiversOf(published) : [];
  if (isMapping(published)) {
    // The published set is the union of always_enable_* and tracing requests; which one asked does
    // not change the config, so all are treated as requested and the options as off.
    for (const option of RECEIVER_OPTIONS) if (!(option in overrides)) config[option] = false;
    assumptions.push(`receivers ${receivers.length > 0 ? receivers.join(", ") : "(none)"} (from distributor.receivers)`);
  }

  const remoteWrite = at(published, "metrics_generator", "storage", "remote_write");
  const remoteWriteUrls = Array.isArray(remoteWrite)
    ? remoteWrite.map((endpoint) => at(endpoint, "url")).filter((url): url is string => typeof url === "string").sort()
    : [];
  if (remoteWriteUrls.length > 0) assumptions.push(`remote-write to ${remoteWriteUrls.join(", ")} (from metrics_generator.storage.remote_write)`);

  const serverName = at(published, "memberlist", "tls_server_name");
  const tlsServerName = typeof serverName === "string" ? serverName : undefined;
  if (tlsServerName !== undefined) assumptions.push(`internal TLS with server name ${tlsServerName} (from memberlist.tls_server_name)`);

  const label = at(published, "memberlist", "cluster_label");
  for (const [option, value] of Object.entries(overrides)) {
    config[option] = value;
    assumptions.push(`${option}=${String(value)} (given with --config)`);
  }
  return {
    config,
    receivers,
    remoteWriteUrls,
    ...(tlsServerName !== undefined ? { tlsServerName } : {}),
    ...(typeof label === "string" ? { clusterLabel: label } : {}),
    assumptions,
  };
}

/** `key=value` from the command line: booleans and whole numbers typed as `juju config` would. */
export function parseConfigOverride(text: string): { kind: "valid"; option: string; value: ConfigValue } | { kind: "invalid"; message: string } {
  const match = /^([a-z][a-z0-9_-]*)=(.*)$/s.exec(text);
  if (!match) return { kind: "invalid", message: `--config ${JSON.stringify(text)}: expected option=value, e.g. retention-period=168` };
  const [, option = "", raw = ""] = match;
  const value: ConfigValue = raw === "true" ? true : raw === "false" ? false : /^-?\d+$/.test(raw) ? Number(raw) : raw;
  return { kind: "valid", option, value };
}
