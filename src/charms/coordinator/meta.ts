/**
 * What the coordinator charm is, as Juju reads it (rendered into metadata.yaml and config.yaml).
 *
 * No workload container: this coordinator runs no Tempo process and no proxy. Its whole product is
 * relation data — the one Tempo config every worker runs — and workers gossip and serve each other
 * directly, so a pod with only the charm container is all it needs (and there is no image to pin,
 * patch or keep in step with the workers' Tempo).
 */
import type { CharmMeta } from "../../juju/charm-meta.js";
import { CONFIG_DEFAULTS } from "./config-options.js";

/** Endpoint names, used by the charm code so a rename happens in one place. */
export const ENDPOINTS = {
  cluster: "tempo-cluster",
  s3: "s3",
  peers: "peers",
  certificates: "certificates",
  tracing: "tracing",
  remoteWrite: "send-remote-write",
  logging: "logging",
  // COS (issue 13), named as the Python coordinator names them (anchor-features §1.1).
  metrics: "metrics-endpoint",
  grafanaDashboard: "grafana-dashboard",
  probes: "probes",
  charmTracing: "self-charm-tracing",
  workloadTracing: "self-workload-tracing",
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
  assumes: ["k8s-api"],
  provides: {
    [ENDPOINTS.cluster]: { interface: "tempo_cluster", description: "Tempo worker applications, one relation each." },
    [ENDPOINTS.tracing]: { interface: "tracing", description: "Charms that send traces ask here for receiver URLs." },
    [ENDPOINTS.metrics]: { interface: "prometheus_scrape", description: "Scrape jobs for every Tempo process and nginx exporter, and alert rules." },
    [ENDPOINTS.grafanaDashboard]: { interface: "grafana_dashboard", description: "Dashboards of the cluster, its writes and its reads." },
    [ENDPOINTS.probes]: { interface: "blackbox_exporter_probes", description: "A probe of the cluster's /ready." },
  },
  requires: {
    [ENDPOINTS.s3]: { interface: "s3", limit: 1, description: "Object storage for traces (any s3 v0 provider)." },
    [ENDPOINTS.certificates]: { interface: "tls-certificates", limit: 1, optional: true },
    [ENDPOINTS.remoteWrite]: { interface: "prometheus_remote_write", optional: true },
    [ENDPOINTS.logging]: { interface: "loki_push_api", optional: true },
    [ENDPOINTS.charmTracing]: { interface: "tracing", limit: 1, optional: true, description: "Where both charms send their hooks' traces (else to this cluster)." },
    [ENDPOINTS.workloadTracing]: { interface: "tracing", limit: 1, optional: true, description: "Where Tempo sends its own traces (else to this cluster)." },
  },
  peers: {
    [ENDPOINTS.peers]: { interface: "tempo_coordinator_peers" },
  },
  config: {
    options: {
      "retention-period": {
        type: "int",
        default: CONFIG_DEFAULTS["retention-period"],
        description: "How long Tempo keeps traces, in hours (at least 1).",
      },
      "always-enable-zipkin": receiverFlag("Zipkin", CONFIG_DEFAULTS["always-enable-zipkin"]),
      "always-enable-otlp-grpc": receiverFlag("OTLP gRPC", CONFIG_DEFAULTS["always-enable-otlp-grpc"]),
      "always-enable-otlp-http": receiverFlag("OTLP HTTP", CONFIG_DEFAULTS["always-enable-otlp-http"]),
      "always-enable-jaeger-thrift-http": receiverFlag(
        "Jaeger Thrift HTTP",
        CONFIG_DEFAULTS["always-enable-jaeger-thrift-http"],
      ),
      "always-enable-jaeger-grpc": receiverFlag("Jaeger gRPC", CONFIG_DEFAULTS["always-enable-jaeger-grpc"]),
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
