/**
 * The Tempo model the demo and the benchmarks simulate: a coordinator (`tempo`), an S3 provider,
 * and one tempo-worker application per role, each related to the coordinator over tempo-cluster;
 * optionally the neighbours of issue 8 too (a CA, a traced application, Loki).
 *
 * Workers are deployed before the coordinator so that, in the simulator's fixed schedule, they
 * write their databags before the coordinator first reads them: the coordinator then needs one
 * joined and one changed hook per worker unit, not a third for the worker's first write.
 */
import { COORDINATOR_INTEGRATIONS, createCoordinatorCharm } from "../charms/coordinator/index.js";
import { NO_POD_HOSTS, kubeletPodHosts } from "./pod-hosts.js";
import { NGINX_CONTAINER } from "../charms/coordinator/meta.js";
import { NGINX_CONFIG_PATH } from "../charms/coordinator/nginx/paths.js";
import { RESOLV_CONF_PATH } from "../charms/coordinator/nginx/resolv-conf.js";
import { createWorkerCharm } from "../charms/worker/index.js";
import { ROLES, type Role } from "../interface/roles.js";
import { CA_CERT_PATH, DEFAULT_IMAGE, ROLE_OPTION_NAMES, TRUSTED_CA_PATH } from "../charms/worker/index.js";
import { SYSTEM_CA_BUNDLE_PATH, type MemoryPebble } from "../testing/pebble-memory.js";
import type { Charm } from "../juju/charm.js";
import type { ConfigValue } from "../testing/world.js";
import { CERTIFICATES_ENDPOINT, certificatesAuthorityCharm } from "./charms/certificates-authority.js";
import { PROBES_ENDPOINT, blackboxExporterCharm } from "./charms/blackbox-exporter.js";
import { GRAFANA_DASHBOARD_ENDPOINT, GRAFANA_SOURCE_ENDPOINT, grafanaCharm } from "./charms/grafana.js";
import { PROMETHEUS_SCRAPE_ENDPOINT, prometheusScrapeCharm } from "./charms/prometheus-scrape.js";
import { LOKI_ENDPOINT, lokiCharm } from "./charms/loki.js";
import { REMOTE_WRITE_ENDPOINT, remoteWriteReceiverCharm } from "./charms/remote-write.js";
import { s3IntegratorCharm } from "./charms/s3-integrator.js";
import { TRACING_CLIENT_ENDPOINT, tracingClientCharm } from "./charms/tracing-client.js";
import { TRAEFIK_ROUTE_ENDPOINT, traefikCharm } from "./charms/traefik.js";
import type { Outcome } from "./simulator.js";
import { Simulator } from "./simulator.js";

export const COORDINATOR_APP = "tempo";
export const S3_APP = "s3-integrator";
export const REMOTE_WRITE_APP = "prometheus";
export const CA_APP = "self-signed-certificates";
export const TRACING_CLIENT_APP = "traced-app";
export const LOKI_APP = "loki";
export const GRAFANA_APP = "grafana";
export const TRAEFIK_APP = "traefik";
export const PROMETHEUS_SCRAPE_APP = "prometheus-scrape";
export const BLACKBOX_APP = "blackbox-exporter";

/**
 * The optional integrations a model can be built with, each a stand-in charm related to the
 * coordinator: `tls` a CA on `certificates`, `tracing` an application asking for receivers on
 * `tracing`, `logging` a Loki on `logging`, `grafana` a Grafana on `grafana-source`, `ingress` a
 * Traefik on `ingress`, `cos` a Prometheus on `metrics-endpoint`, a Grafana
 * on `grafana-dashboard`, a blackbox exporter on `probes` and a Loki on `logging`. (Remote-write
 * is on by default: see `withRemoteWrite`.)
 */
export const SIM_INTEGRATIONS = ["tls", "tracing", "logging", "grafana", "ingress", "cos"] as const;
export type SimIntegration = (typeof SIM_INTEGRATIONS)[number];

export interface WorkerGroup {
  readonly role: Role;
  readonly units: number;
}

/** The recommended distributed shape (issue 7): every role its own application. */
export const RECOMMENDED_SHAPE: readonly WorkerGroup[] = [
  { role: "query-frontend", units: 1 },
  { role: "querier", units: 1 },
  { role: "ingester", units: 3 },
  { role: "distributor", units: 1 },
  { role: "compactor", units: 1 },
  { role: "metrics-generator", units: 1 },
];

export const MONOLITHIC_SHAPE: readonly WorkerGroup[] = [{ role: "all", units: 1 }];

/**
 * Most worker units a shape may ask for. The simulator is linear in hooks, but the charms' hooks
 * cost more as the cluster grows (every worker parses a config listing every member), so larger
 * models take minutes (see bench/sim.bench.ts).
 */
export const MAX_WORKER_UNITS = 1000;

/** `tempo-ingester`, or `tempo-worker` for the all-in-one role (the name the Python bundles use). */
export function workerAppName(role: Role): string {
  return role === "all" ? "tempo-worker" : `tempo-${role}`;
}

/** The worker config that enables exactly `role`. */
export function roleConfig(role: Role): Record<string, ConfigValue> {
  return Object.fromEntries(ROLE_OPTION_NAMES.map((option) => [option, option === `role-${role}`]));
}

export const SIM_S3_CONFIG: Record<string, ConfigValue> = {
  endpoint: "http://minio.sim.svc.cluster.local:9000",
  bucket: "tempo",
  "access-key": "sim-access-key",
  "secret-key": "sim-secret-key",
};

/** The charms of the model; benchmarks pass instrumented ones. */
export interface TempoModelCharms {
  readonly coordinator: Charm;
  readonly worker: Charm;
  readonly s3: Charm;
  readonly remoteWrite: Charm;
}

export const TEMPO_MODEL_CHARMS: TempoModelCharms = {
  // Simulated pods have no kubelet-written /etc/hosts: the computed cluster.local forms, whatever
  // machine the simulator runs on.
  coordinator: createCoordinatorCharm(COORDINATOR_INTEGRATIONS, NO_POD_HOSTS),
  worker: createWorkerCharm(NO_POD_HOSTS),
  s3: s3IntegratorCharm,
  remoteWrite: remoteWriteReceiverCharm,
};

/** The stand-ins of the optional integrations; tests may pass others. */
export interface IntegrationCharms {
  readonly certificates: Charm;
  readonly tracingClient: Charm;
  readonly loki: Charm;
  readonly grafana: Charm;
  readonly traefik: Charm;
  readonly prometheusScrape: Charm;
  readonly blackbox: Charm;
}

export const INTEGRATION_CHARMS: IntegrationCharms = {
  certificates: certificatesAuthorityCharm,
  tracingClient: tracingClientCharm,
  loki: lokiCharm,
  grafana: grafanaCharm,
  traefik: traefikCharm,
  prometheusScrape: prometheusScrapeCharm,
  blackbox: blackboxExporterCharm,
};

/** The Tempo release in the worker's default image tag (`…/tempo:2.7.1-24.04_5` → 2.7.1). */
export const SIM_TEMPO_RELEASE = /:(\d+\.\d+\.\d+)/.exec(DEFAULT_IMAGE)?.[1] ?? "unknown";

/** How long a simulated Tempo takes to answer /ready with 200 after a start (the real one: up to ~70 s). */
export const SIM_TEMPO_READY_AFTER_MS = 20_000;

/**
 * The Tempo image: the process (ready SIM_TEMPO_READY_AFTER_MS after each start, serving a
 * certificate signed by the CA it read at start) and the executables the worker charm runs
 * through Pebble exec: `tempo -version` (Juju's workload version), `update-ca-certificates` (to
 * trust a cluster CA) and `curl` (the HTTPS ready check).
 */
export function tempoImage(_container: string, pebble: MemoryPebble): void {
  pebble.setWorkload("tempo", { readyAfterMs: SIM_TEMPO_READY_AFTER_MS, readsAtStart: [CA_CERT_PATH] });
  // curl --cacert <file> https://…/ready: verifies Tempo's certificate with the file as it is
  // now (curl reads it on every run), against the CA Tempo loaded when it started.
  pebble.setExecHandler("curl", (argv) => {
    const cacert = argv[argv.indexOf("--cacert") + 1];
    if (!pebble.isServiceReady("tempo")) return { exitCode: 22, stderr: "curl: (22) The requested URL returned error: 503\n" };
    const trusted = cacert === undefined ? undefined : pebble.readText(cacert);
    const served = pebble.loadedFile("tempo", CA_CERT_PATH);
    if (trusted === undefined || served === undefined || trusted !== served) {
      return { exitCode: 60, stderr: "curl: (60) SSL certificate problem: unable to get local issuer certificate\n" };
    }
    return { exitCode: 0 };
  });
  pebble.setExecHandler("/bin/tempo", (argv) =>
    argv.includes("-version")
      ? { exitCode: 0, stdout: `tempo, version ${SIM_TEMPO_RELEASE} (branch: HEAD, revision: simulated)\n` }
      : { exitCode: 2, stderr: "the simulated image runs tempo only through Pebble services\n" },
  );
  // Folds the trusted CA into the system bundle, which is what Go (Pebble) loads its roots from.
  pebble.setExecHandler("update-ca-certificates", () => {
    pebble.putText(SYSTEM_CA_BUNDLE_PATH, pebble.readText(TRUSTED_CA_PATH) ?? "");
    return { exitCode: 0, stdout: "Updating certificates in /etc/ssl/certs...\n" };
  });
}

/** The cluster DNS the kubelet writes into every pod's resolv.conf (MicroK8s' kube-dns address). */
export const SIM_CLUSTER_DNS = "10.152.183.10";

/**
 * What the coordinator's pod holds for its front door: in the `nginx` container, the kubelet's
 * resolv.conf and the `nginx` executable the charm runs for `nginx -s reload`. Real nginx parses
 * its config before it signals the master (nginx.c: ngx_init_cycle, then ngx_signal_process), so a
 * reload without a config fails; the simulated one does the same.
 */
export function coordinatorPod(container: string, pebble: MemoryPebble): void {
  if (container !== NGINX_CONTAINER) return;
  void pebble.push(RESOLV_CONF_PATH, `search tempo-sim.svc.cluster.local svc.cluster.local cluster.local\nnameserver ${SIM_CLUSTER_DNS}\noptions ndots:5\n`, {
    makeDirs: true,
  });
  pebble.setExecHandler("nginx", (argv) => {
    if (argv[1] !== "-s") return { exitCode: 2, stderr: "the simulated image runs nginx only through Pebble services and nginx -s\n" };
    if (pebble.readText(NGINX_CONFIG_PATH) === undefined) {
      return { exitCode: 1, stderr: `nginx: [emerg] open() "${NGINX_CONFIG_PATH}" failed (2: No such file or directory)\n` };
    }
    return { exitCode: 0 };
  });
}

export type ShapeParse = { kind: "valid"; shape: WorkerGroup[] } | { kind: "invalid"; reasons: string[] };

/** `ingester=3,querier=1,…` → worker groups; every mistake is named, none is guessed at. */
export function parseWorkerShape(text: string): ShapeParse {
  const reasons: string[] = [];
  const shape: WorkerGroup[] = [];
  const items = text.split(",").map((item) => item.trim());
  if (text.trim() === "") return { kind: "invalid", reasons: ["--workers is empty: give role=count pairs, e.g. ingester=3,querier=1"] };
  for (const item of items) {
    const match = /^([a-z-]+)\s*=\s*(\S+)$/.exec(item);
    if (!match) {
      reasons.push(`"${item}" is not role=count (e.g. ingester=3)`);
      continue;
    }
    const [, role, countText] = match as unknown as [string, string, string];
    if (!(ROLES as readonly string[]).includes(role)) {
      reasons.push(`"${role}" is not a Tempo role (roles: ${ROLES.join(", ")})`);
      continue;
    }
    if (!/^\d+$/.test(countText) || Number(countText) < 1 || Number(countText) > MAX_WORKER_UNITS) {
      reasons.push(`${role}: "${countText}" is not a unit count from 1 to ${MAX_WORKER_UNITS}`);
      continue;
    }
    if (shape.some((group) => group.role === role)) {
      reasons.push(`${role} is given more than once`);
      continue;
    }
    shape.push({ role: role as Role, units: Number(countText) });
  }
  const total = shape.reduce((sum, group) => sum + group.units, 0);
  if (reasons.length === 0 && total > MAX_WORKER_UNITS) reasons.push(`${total} worker units in all; the demo runs at most ${MAX_WORKER_UNITS}`);
  return reasons.length > 0 ? { kind: "invalid", reasons } : { kind: "valid", shape };
}

export type IntegrationsParse = { kind: "valid"; integrations: SimIntegration[] } | { kind: "invalid"; reasons: string[] };

/** `tls,logging` or `all` → the integrations, in SIM_INTEGRATIONS order; every unknown name is named. */
export function parseIntegrations(text: string): IntegrationsParse {
  const names = text.split(",").map((name) => name.trim()).filter((name) => name !== "");
  if (names.length === 0) return { kind: "invalid", reasons: [`name at least one integration: ${SIM_INTEGRATIONS.join(", ")} or all`] };
  if (names.includes("all")) return { kind: "valid", integrations: [...SIM_INTEGRATIONS] };
  const unknown = names.filter((name) => !(SIM_INTEGRATIONS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    const hint = unknown.includes("remote-write") ? " (remote-write is always on)" : "";
    return { kind: "invalid", reasons: [`unknown integration${unknown.length === 1 ? "" : "s"} ${unknown.map((name) => `"${name}"`).join(", ")}: choose from ${SIM_INTEGRATIONS.join(", ")} or all${hint}`] };
  }
  return { kind: "valid", integrations: SIM_INTEGRATIONS.filter((name) => names.includes(name)) };
}

export interface TempoModelOptions {
  readonly model?: string;
  /** A remote-write receiver (so a metrics-generator has a target, as it would with Prometheus); default on. */
  readonly withRemoteWrite?: boolean;
  /** The optional neighbours to deploy and relate to the coordinator; default none. */
  readonly integrations?: readonly SimIntegration[];
  readonly charms?: Partial<TempoModelCharms & IntegrationCharms>;
  /**
   * The Kubernetes cluster domain the simulated pods are named in: each coordinator and worker pod
   * then holds the /etc/hosts a kubelet writes. Without it, pods have none and the charms compute
   * `cluster.local` names.
   */
  readonly clusterDomain?: string;
}

function podsInDomain(clusterDomain: string): Pick<TempoModelCharms, "coordinator" | "worker"> {
  const readHosts = kubeletPodHosts(clusterDomain);
  return { coordinator: createCoordinatorCharm(COORDINATOR_INTEGRATIONS, readHosts), worker: createWorkerCharm(readHosts) };
}

/**
 * Deploy the whole model (nothing has run yet): workers, the S3 provider, the remote-write
 * receiver and the chosen integrations' stand-ins, the coordinator, and the relations between
 * them. Returns the simulator ready for `run()`.
 */
export function buildTempoModel(shape: readonly WorkerGroup[], options: TempoModelOptions = {}): Outcome<Simulator> {
  const inDomain = options.clusterDomain === undefined ? {} : podsInDomain(options.clusterDomain);
  const charms = { ...TEMPO_MODEL_CHARMS, ...INTEGRATION_CHARMS, ...inDomain, ...options.charms };
  const sim = new Simulator({ name: options.model ?? "tempo-sim" });
  const steps: Outcome<unknown>[] = [];
  for (const group of shape) steps.push(sim.deploy(workerAppName(group.role), charms.worker, { units: group.units, config: roleConfig(group.role), prepareContainer: tempoImage }));
  steps.push(sim.deploy(S3_APP, charms.s3, { config: SIM_S3_CONFIG }));
  const withRemoteWrite = options.withRemoteWrite ?? true;
  if (withRemoteWrite) steps.push(sim.deploy(REMOTE_WRITE_APP, charms.remoteWrite));
  // Like the S3 provider, the neighbours come before the coordinator: their data is then ready
  // when it first reads them.
  const integrations = new Set(options.integrations ?? []);
  if (integrations.has("tls")) steps.push(sim.deploy(CA_APP, charms.certificates));
  if (integrations.has("tracing")) steps.push(sim.deploy(TRACING_CLIENT_APP, charms.tracingClient));
  const withLoki = integrations.has("logging") || integrations.has("cos");
  if (withLoki) steps.push(sim.deploy(LOKI_APP, charms.loki));
  // One Grafana takes both the datasource (grafana) and the dashboards (cos).
  const withGrafana = integrations.has("grafana") || integrations.has("cos");
  if (withGrafana) steps.push(sim.deploy(GRAFANA_APP, charms.grafana));
  if (integrations.has("ingress")) steps.push(sim.deploy(TRAEFIK_APP, charms.traefik));
  if (integrations.has("cos")) {
    steps.push(sim.deploy(PROMETHEUS_SCRAPE_APP, charms.prometheusScrape));
    steps.push(sim.deploy(BLACKBOX_APP, charms.blackbox));
  }
  steps.push(sim.deploy(COORDINATOR_APP, charms.coordinator, { prepareContainer: coordinatorPod }));
  steps.push(sim.relate(`${COORDINATOR_APP}:s3`, `${S3_APP}:s3-credentials`));
  if (withRemoteWrite) steps.push(sim.relate(`${COORDINATOR_APP}:send-remote-write`, `${REMOTE_WRITE_APP}:${REMOTE_WRITE_ENDPOINT}`));
  if (integrations.has("tls")) steps.push(sim.relate(`${COORDINATOR_APP}:certificates`, `${CA_APP}:${CERTIFICATES_ENDPOINT}`));
  if (integrations.has("tracing")) steps.push(sim.relate(`${COORDINATOR_APP}:tracing`, `${TRACING_CLIENT_APP}:${TRACING_CLIENT_ENDPOINT}`));
  if (withLoki) steps.push(sim.relate(`${COORDINATOR_APP}:logging`, `${LOKI_APP}:${LOKI_ENDPOINT}`));
  if (integrations.has("grafana")) steps.push(sim.relate(`${COORDINATOR_APP}:grafana-source`, `${GRAFANA_APP}:${GRAFANA_SOURCE_ENDPOINT}`));
  if (integrations.has("ingress")) steps.push(sim.relate(`${COORDINATOR_APP}:ingress`, `${TRAEFIK_APP}:${TRAEFIK_ROUTE_ENDPOINT}`));
  if (integrations.has("cos")) {
    steps.push(sim.relate(`${COORDINATOR_APP}:metrics-endpoint`, `${PROMETHEUS_SCRAPE_APP}:${PROMETHEUS_SCRAPE_ENDPOINT}`));
    steps.push(sim.relate(`${COORDINATOR_APP}:grafana-dashboard`, `${GRAFANA_APP}:${GRAFANA_DASHBOARD_ENDPOINT}`));
    steps.push(sim.relate(`${COORDINATOR_APP}:probes`, `${BLACKBOX_APP}:${PROBES_ENDPOINT}`));
  }
  for (const group of shape) steps.push(sim.relate(`${COORDINATOR_APP}:tempo-cluster`, `${workerAppName(group.role)}:tempo-cluster`));
  const failed = steps.find((step) => step.kind === "rejected");
  return failed?.kind === "rejected" ? failed : { kind: "done", value: sim };
}
