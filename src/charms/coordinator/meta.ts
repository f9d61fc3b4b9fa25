/**
 * What the coordinator charm is, as Juju reads it (rendered into metadata.yaml and config.yaml).
 *
 * The coordinator runs no Tempo process: its product is relation data — the one Tempo config every
 * worker runs — and workers gossip and serve each other directly. Its pod runs the cluster's front
 * door instead: nginx in the `nginx` container (src/charms/coordinator/nginx/), and an
 * nginx-prometheus-exporter beside it. Containers, resources and storage carry the Python
 * coordinator's names (anchor charm `tempo-coordinator-k8s`, charmcraft.yaml) so that
 * `juju refresh --switch` from it finds every one of them.
 */
import { type CharmMeta, JUJU_VERSION_ASSUMPTION } from "../../juju/charm-meta.js";
import { CONFIG_DEFAULTS } from "./config-options.js";

/** The front door's container and image resource (the Python coordinator's names). */
export const NGINX_CONTAINER = "nginx";
export const NGINX_IMAGE_RESOURCE = "nginx-image";
/** The Python coordinator's default image for it (charmcraft.yaml `upstream-source`). */
export const NGINX_DEFAULT_IMAGE = "ubuntu/nginx:1.24-24.04_beta";
export const NGINX_EXPORTER_CONTAINER = "nginx-prometheus-exporter";
export const NGINX_EXPORTER_IMAGE_RESOURCE = "nginx-prometheus-exporter-image";
export const NGINX_EXPORTER_DEFAULT_IMAGE = "nginx/nginx-prometheus-exporter:1.1.0";
/** Storage the Python coordinator declares (it buffers its charm traces there); kept so a refresh finds it. */
export const DATA_STORAGE = "data";
export const DATA_STORAGE_LOCATION = "/tempo-data";

/**
 * Endpoint names, used by the charm code so a rename happens in one place. They are the Python
 * `tempo-coordinator-k8s` charm's names and interfaces (data/python-charms/, checked by
 * test/charms/drop-in-names.test.ts), so `juju refresh --switch` keeps every relation.
 */
export const ENDPOINTS = {
  cluster: "tempo-cluster",
  s3: "s3",
  peers: "peers",
  certificates: "certificates",
  tracing: "tracing",
  remoteWrite: "send-remote-write",
  logging: "logging",
  grafanaSource: "grafana-source",
  grafanaDashboard: "grafana-dashboard",
  metrics: "metrics-endpoint",
  probes: "probes",
  tempoApi: "tempo-api",
  selfCharmTracing: "self-charm-tracing",
  selfWorkloadTracing: "self-workload-tracing",
  ingress: "ingress",
  receiveDatasource: "receive-datasource",
  catalogue: "catalogue",
} as const;

const receiverFlag = (protocol: string, defaultValue: boolean) => ({
  type: "boolean" as const,
  default: defaultValue,
  description: `Enable the ${protocol} receiver even when no related charm asks for it over tracing.`,
});

export const COORDINATOR_META: CharmMeta = {
  name: "tempo-coordinator",
  summary: "Coordinates a distributed Grafana Tempo cluster of tempo-worker applications.",
  description:
    "Collects the role and address of every related Tempo worker over tempo_cluster/v1 and publishes " +
    "the one Tempo configuration they all run, with the gossip ring, object storage and receivers filled in.",
  assumes: ["k8s-api", JUJU_VERSION_ASSUMPTION],
  containers: {
    [NGINX_CONTAINER]: { resource: NGINX_IMAGE_RESOURCE },
    [NGINX_EXPORTER_CONTAINER]: { resource: NGINX_EXPORTER_IMAGE_RESOURCE },
  },
  resources: {
    [NGINX_IMAGE_RESOURCE]: {
      type: "oci-image",
      description: "OCI image of nginx: the cluster's front door for traces and queries",
      "upstream-source": NGINX_DEFAULT_IMAGE,
    },
    [NGINX_EXPORTER_IMAGE_RESOURCE]: {
      type: "oci-image",
      description: "OCI image of the nginx Prometheus exporter",
      "upstream-source": NGINX_EXPORTER_DEFAULT_IMAGE,
    },
  },
  storage: {
    [DATA_STORAGE]: {
      type: "filesystem",
      description: "Kept for compatibility with the Python coordinator, which buffers its own traces here",
      location: DATA_STORAGE_LOCATION,
    },
  },
  provides: {
    [ENDPOINTS.cluster]: { interface: "tempo_cluster", description: "Tempo worker applications, one relation each." },
    [ENDPOINTS.grafanaDashboard]: { interface: "grafana_dashboard", optional: true, description: "Dashboards of the cluster, its writes and its reads." },
    [ENDPOINTS.grafanaSource]: { interface: "grafana_datasource", optional: true },
    [ENDPOINTS.metrics]: {
      interface: "prometheus_scrape",
      optional: true,
      description: "Scrape jobs for every Tempo process and nginx exporter, and alert rules.",
    },
    [ENDPOINTS.tracing]: {
      interface: "tracing",
      optional: true,
      description: "Charms that send traces ask here for receiver URLs.",
    },
    [ENDPOINTS.probes]: { interface: "blackbox_exporter_probes", optional: true, description: "A probe of the cluster's /ready." },
    [ENDPOINTS.tempoApi]: { interface: "tempo_api", optional: true },
  },
  requires: {
    [ENDPOINTS.s3]: { interface: "s3", limit: 1, description: "Object storage for traces (any s3 v0 provider)." },
    [ENDPOINTS.selfCharmTracing]: {
      interface: "tracing",
      limit: 1,
      optional: true,
      description: "Where both charms send their hooks' traces (else to this cluster).",
    },
    [ENDPOINTS.selfWorkloadTracing]: {
      interface: "tracing",
      limit: 1,
      optional: true,
      description: "Where Tempo sends its own traces (else to this cluster).",
    },
    [ENDPOINTS.logging]: { interface: "loki_push_api", optional: true },
    [ENDPOINTS.ingress]: { interface: "traefik_route", optional: true },
    [ENDPOINTS.certificates]: { interface: "tls-certificates", limit: 1, optional: true },
    [ENDPOINTS.remoteWrite]: { interface: "prometheus_remote_write", optional: true },
    [ENDPOINTS.receiveDatasource]: { interface: "grafana_datasource_exchange", optional: true },
    [ENDPOINTS.catalogue]: { interface: "catalogue", optional: true },
  },
  peers: {
    [ENDPOINTS.peers]: { interface: "tempo_peers" },
  },
  actions: {
    "list-receivers": {
      description:
        "Where to send traces: one key per enabled receiver (otlp-http, otlp-grpc, zipkin, jaeger-thrift-http, " +
        "jaeger-grpc), HTTP receivers as URLs, gRPC ones as host:port, through the ingress when there is one.",
    },
  },
  config: {
    options: {
      "retention-period": {
        type: "int",
        default: CONFIG_DEFAULTS["retention-period"],
        description: "How long Tempo keeps traces, in hours (at least 1).",
      },
      always_enable_zipkin: receiverFlag("Zipkin", CONFIG_DEFAULTS["always_enable_zipkin"]),
      always_enable_otlp_grpc: receiverFlag("OTLP gRPC", CONFIG_DEFAULTS["always_enable_otlp_grpc"]),
      always_enable_otlp_http: receiverFlag("OTLP HTTP", CONFIG_DEFAULTS["always_enable_otlp_http"]),
      always_enable_jaeger_thrift_http: receiverFlag(
        "Jaeger Thrift HTTP",
        CONFIG_DEFAULTS["always_enable_jaeger_thrift_http"],
      ),
      always_enable_jaeger_grpc: receiverFlag("Jaeger gRPC", CONFIG_DEFAULTS["always_enable_jaeger_grpc"]),
      "replication-factor": {
        type: "int",
        default: CONFIG_DEFAULTS["replication-factor"],
        description:
          "Copies of each trace the ingesters keep. 0 = automatic: 3 with at least 3 ingester units, else 1. " +
          "A value above the number of ingester units blocks the coordinator instead of losing data.",
      },
      "tempo-version": {
        type: "string",
        default: CONFIG_DEFAULTS["tempo-version"],
        description: "The Tempo minor version the workers run (2.7, 2.8, 2.9 or 2.10); the config is rendered for it.",
      },
    },
  },
};
