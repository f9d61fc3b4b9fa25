/**
 * Cluster view + coordinator settings → the one Tempo config every worker runs.
 *
 * Pure: no I/O, no clock, no dependence on input order (every list is sorted before it is emitted).
 * Problems a coordinator must report instead of publishing (a replication factor the cluster cannot
 * honour, no query-frontend, local storage on a cluster) come back as `{kind: "error"}`.
 * Section references (§n) are to `reference/tempo-distributed.md` in the shared reference material.
 */
import type { ClusterView } from "../interface/cluster-view.js";
import type {
  ClientTlsBlock,
  ReceiverEndpoint,
  ReceiverTlsBlock,
  Receivers,
  RemoteWriteBlock,
  S3Block,
  ServerTlsBlock,
  TempoConfig,
} from "./config-model.js";
import { queryFrontendAddress } from "./frontend-address.js";
import { joinHostPort } from "./host-port.js";
import { GRPC_PORT, HTTP_PORT, MEMBERLIST_PORT, RECEIVER_PORTS, type ReceiverProtocol } from "../interface/ports.js";
import { S3_CA_PATH, type RemoteWriteEndpoint, type TempoSettings, type TlsSettings } from "./settings.js";

export type BuildResult = { kind: "ok"; config: TempoConfig } | { kind: "error"; problems: string[] };

/**
 * Paths on the worker's `data` storage (mounted at /data), so the WAL survives a pod restart; the
 * Python coordinator's /etc/tempo/... paths do not (python-reference §6.21).
 */
export const WAL_PATH = "/data/tempo/wal";
export const METRICS_GENERATOR_WAL_PATH = "/data/tempo/metrics-generator-wal";
export const LOCAL_TRACES_PATH = "/data/tempo/traces";
/** An ingester keeps its ring tokens across restarts, as Helm does with /var/tempo/tokens.json (§3). */
export const INGESTER_TOKENS_PATH = "/data/tempo/tokens.json";

/** The RF Helm and the jsonnet use for HA (§3); only when the cluster has that many ingesters. */
const HIGH_AVAILABILITY_REPLICATION_FACTOR = 3;

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Units that run an ingester: the `ingester` role, and `all`, which runs every component. */
export function ingesterUnitCount(cluster: ClusterView): number {
  return cluster.applications
    .filter((app) => app.role === "ingester" || app.role === "all")
    .reduce((count, app) => count + app.units.length, 0);
}

function unitCount(cluster: ClusterView): number {
  return cluster.applications.reduce((count, app) => count + app.units.length, 0);
}

/** Every worker unit, any role, `host:7946`, sorted and de-duplicated (§3: "list every peer"). */
export function memberlistJoinMembers(cluster: ClusterView): string[] {
  const members = new Set<string>();
  for (const app of cluster.applications) for (const unit of app.units) members.add(joinHostPort(unit.address, MEMBERLIST_PORT));
  // sort() without a comparator orders strings by code unit, as byText does, without a call per comparison.
  return [...members].sort();
}

function chooseReplicationFactor(
  cluster: ClusterView,
  requested: number,
): { kind: "ok"; value: number } | { kind: "error"; problem: string } {
  const ingesters = ingesterUnitCount(cluster);
  if (requested === 0) {
    return { kind: "ok", value: ingesters >= HIGH_AVAILABILITY_REPLICATION_FACTOR ? HIGH_AVAILABILITY_REPLICATION_FACTOR : 1 };
  }
  if (requested > ingesters) {
    return {
      kind: "error",
      problem:
        `replication factor ${requested} is larger than the ${ingesters} ingester unit(s) ` +
        `(ingester and all roles): add ingester units or lower the replication factor`,
    };
  }
  return { kind: "ok", value: requested };
}

function serverTls(tls: Extract<TlsSettings, { enabled: true }>): ServerTlsBlock {
  // Clients that present no certificate (receivers' senders, probes) are still served; a
  // certificate that is presented must verify (the Python coordinator's choice, python-reference §3).
  return {
    cert_file: tls.certPath,
    key_file: tls.keyPath,
    client_ca_file: tls.caPath,
    client_auth_type: "VerifyClientCertIfGiven",
  };
}

function clientTls(tls: Extract<TlsSettings, { enabled: true }>): ClientTlsBlock {
  return {
    tls_enabled: true,
    tls_cert_path: tls.certPath,
    tls_key_path: tls.keyPath,
    tls_ca_path: tls.caPath,
    tls_server_name: tls.serverName,
  };
}

/**
 * Explicit `0.0.0.0:<port>` endpoints: since 2.7 the OTel receivers default to localhost (§2).
 * Only the requested protocols appear; an empty `receivers` map would make Tempo start its own
 * default set (§2), so the builder refuses it instead.
 */
function buildReceivers(protocols: readonly ReceiverProtocol[], tls: TlsSettings): Receivers {
  const tlsBlock: ReceiverTlsBlock | undefined = tls.enabled
    ? { ca_file: tls.caPath, cert_file: tls.certPath, key_file: tls.keyPath }
    : undefined;
  const endpoint = (protocol: ReceiverProtocol): ReceiverEndpoint => ({
    endpoint: `0.0.0.0:${RECEIVER_PORTS[protocol]}`,
    ...(tlsBlock ? { tls: { ...tlsBlock } } : {}),
  });
  const wanted = new Set(protocols);
  const receivers: Receivers = {};
  if (wanted.has("jaeger_grpc") || wanted.has("jaeger_thrift_http")) {
    receivers.jaeger = {
      protocols: {
        ...(wanted.has("jaeger_grpc") ? { grpc: endpoint("jaeger_grpc") } : {}),
        ...(wanted.has("jaeger_thrift_http") ? { thrift_http: endpoint("jaeger_thrift_http") } : {}),
      },
    };
  }
  if (wanted.has("otlp_grpc") || wanted.has("otlp_http")) {
    receivers.otlp = {
      protocols: {
        ...(wanted.has("otlp_grpc") ? { grpc: endpoint("otlp_grpc") } : {}),
        ...(wanted.has("otlp_http") ? { http: endpoint("otlp_http") } : {}),
      },
    };
  }
  if (wanted.has("zipkin")) receivers.zipkin = endpoint("zipkin");
  return receivers;
}

/** `http://host:port` → `host:port` and `insecure` (plain HTTP) unless https or a CA is given (§5, python-reference §2.9). */
function buildS3(storage: Extract<TempoSettings["storage"], { kind: "s3" }>): S3Block {
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(storage.endpoint);
  const scheme = schemeMatch?.[1]?.toLowerCase();
  const endpoint = storage.endpoint.slice(schemeMatch?.[0].length ?? 0).replace(/\/+$/, "");
  const hasCa = storage.caCert !== undefined;
  return {
    bucket: storage.bucket,
    endpoint,
    access_key: storage.accessKey,
    secret_key: storage.secretKey,
    insecure: !(scheme === "https" || hasCa),
    ...(storage.region !== undefined ? { region: storage.region } : {}),
    ...(hasCa ? { tls_ca_path: S3_CA_PATH } : {}),
  };
}

function buildRemoteWrite(endpoint: RemoteWriteEndpoint, tls: TlsSettings): RemoteWriteBlock {
  const isHttps = endpoint.url.toLowerCase().startsWith("https://");
  const caFile = endpoint.caFile ?? (isHttps && tls.enabled ? tls.caPath : undefined);
  const needsTlsConfig = caFile !== undefined || endpoint.insecureSkipVerify !== undefined;
  return {
    url: endpoint.url,
    ...(endpoint.headers && Object.keys(endpoint.headers).length > 0 ? { headers: { ...endpoint.headers } } : {}),
    ...(needsTlsConfig
      ? {
          tls_config: {
            ...(caFile !== undefined ? { ca_file: caFile } : {}),
            insecure_skip_verify: endpoint.insecureSkipVerify ?? false,
          },
        }
      : {}),
  };
}

function isSingleAllUnit(cluster: ClusterView): boolean {
  const units = cluster.applications.flatMap((app) => app.units.map(() => app.role));
  return units.length === 1 && units[0] === "all";
}

export function buildTempoConfig(cluster: ClusterView, settings: TempoSettings): BuildResult {
  const problems: string[] = [];

  if (unitCount(cluster) === 0) {
    problems.push("no worker unit has joined: relate a tempo worker (juju integrate <coordinator> <worker>)");
  }
  const replication = chooseReplicationFactor(cluster, settings.replicationFactor);
  if (replication.kind === "error") problems.push(replication.problem);

  const frontendAddress = queryFrontendAddress(cluster, settings.modelName);
  if (frontendAddress === null && unitCount(cluster) > 0) {
    problems.push("no query-frontend (or all) unit: queriers need a frontend address; deploy a query-frontend worker");
  }
  if (settings.storage.kind === "local" && unitCount(cluster) > 0 && !isSingleAllUnit(cluster)) {
    problems.push(
      `local storage only works for a single unit with role all, and this cluster has ${unitCount(cluster)} unit(s): ` +
        `relate an s3 provider (juju integrate <coordinator> s3-integrator)`,
    );
  }
  const receiverProtocols = [...new Set(settings.receivers)].sort(byText);
  if (receiverProtocols.length === 0) {
    problems.push("no trace receiver requested: with an empty receivers map Tempo starts its own defaults on localhost");
  }
  if (problems.length > 0 || replication.kind === "error" || frontendAddress === null) {
    return { kind: "error", problems };
  }

  const tls = settings.tls;
  const isAtLeast28 = settings.tempoVersion !== "2.7";
  const memberlistKv = () => ({ kvstore: { store: "memberlist" as const } });
  const remoteWrite = [...settings.remoteWrite]
    .sort((a, b) => byText(a.url, b.url))
    .map((endpoint) => buildRemoteWrite(endpoint, tls));

  const config: TempoConfig = {
    auth_enabled: false,
    server: {
      // 2.7.x defaults the HTTP port to 80 (§2), so both ports are always explicit.
      http_listen_port: HTTP_PORT,
      grpc_listen_port: GRPC_PORT,
      ...(tls.enabled ? { http_tls_config: serverTls(tls), grpc_tls_config: serverTls(tls) } : {}),
    },
    memberlist: {
      join_members: memberlistJoinMembers(cluster),
      bind_port: MEMBERLIST_PORT,
      // With `true` the first unit of a new cluster dies: it has nobody to join yet (§3).
      abort_if_cluster_join_fails: false,
      ...(isAtLeast28 ? { abort_if_cluster_fast_join_fails: false as const } : {}),
      cluster_label: settings.clusterLabel,
      ...(tls.enabled
        ? {
            tls_enabled: true as const,
            tls_cert_path: tls.certPath,
            tls_key_path: tls.keyPath,
            tls_ca_path: tls.caPath,
            tls_server_name: tls.serverName,
          }
        : {}),
    },
    distributor: {
      receivers: buildReceivers(receiverProtocols, tls),
      ring: memberlistKv(),
      ...(settings.maxAttributeBytes !== undefined
        ? isAtLeast28
          ? { max_attribute_bytes: settings.maxAttributeBytes }
          : { max_span_attr_byte: settings.maxAttributeBytes }
        : {}),
    },
    ingester: {
      lifecycler: {
        ring: { ...memberlistKv(), replication_factor: replication.value },
        tokens_file_path: INGESTER_TOKENS_PATH,
      },
    },
    ...(tls.enabled
      ? {
          ingester_client: { grpc_client_config: clientTls(tls) },
          metrics_generator_client: { grpc_client_config: clientTls(tls) },
        }
      : {}),
    querier: {
      frontend_worker: {
        frontend_address: frontendAddress,
        ...(tls.enabled ? { grpc_client_config: clientTls(tls) } : {}),
      },
    },
    compactor: {
      // The compactor ring defaults to "" (unsharded): every compactor would claim every job (§3).
      ring: memberlistKv(),
      compaction: { block_retention: `${settings.retentionHours}h` },
    },
    storage: {
      trace: {
        backend: settings.storage.kind,
        // Pinned rather than defaulted: valid on every 2.x minor, while vParquet2 is gone in 2.10 (§5).
        block: { version: "vParquet4" },
        wal: { path: WAL_PATH },
        ...(settings.storage.kind === "s3"
          ? { s3: buildS3(settings.storage) }
          : { local: { path: LOCAL_TRACES_PATH } }),
      },
    },
    ...(remoteWrite.length > 0
      ? {
          metrics_generator: {
            ring: memberlistKv(),
            storage: { path: METRICS_GENERATOR_WAL_PATH, remote_write: remoteWrite },
            // `{}` keeps each processor's defaults; a null would zero them (§1).
            processor: { service_graphs: {}, span_metrics: {} },
          },
          // Processors are switched on through overrides, not through metrics_generator.processor (§8).
          overrides: { defaults: { metrics_generator: { processors: ["service-graphs", "span-metrics"] } } },
        }
      : {}),
  };
  return { kind: "ok", config };
}
