/**
 * What the coordinator's integrations (issue 8) amount to in a simulated model, read from where it
 * really lands: the coordinator's answers in its relation bags, and each worker's Pebble plan and
 * files. Plain data for the demo to print or serialise.
 *
 * No certificate bytes, key material or fingerprints: keys are random per run (see
 * charms/certificates-authority.ts), and the demo's output is deterministic. The certificate is
 * described by its names instead, which are a function of the model.
 */
import { X509Certificate } from "node:crypto";
import { CONTAINER_NAME, readyCheckUrl } from "../charms/worker/index.js";
import { PRIVATE_KEY_PATH } from "../charms/worker/workload-files.js";
import type { Simulator } from "./simulator.js";
import { COORDINATOR_APP } from "./tempo-cluster.js";
import { workerUnits } from "./tempo-report.js";
import { type GrafanaDatasourceReport, type IngressReport, grafanaDatasources, ingressRoutes } from "./front-door-report.js";

export type TlsReport =
  | { readonly state: "off" }
  /** The certificates relation exists, but the workers have no certificate yet. */
  | { readonly state: "pending"; readonly provider: string }
  | {
      readonly state: "on";
      readonly provider?: string;
      readonly issuer: string;
      readonly subject: string;
      readonly dnsNames: readonly string[];
      /** When the certificate expires (RFC 3339): a renewal moves it. */
      readonly validUntil: string;
      /** Workers whose ready check probes https and whose container holds the key. */
      readonly workersServingHttps: number;
    };

export interface TracingClientReport {
  readonly app: string;
  readonly asked: readonly string[];
  /** protocol → URL, as offered to that application. */
  readonly offered: Readonly<Record<string, string>>;
}

export interface IntegrationsReport {
  readonly workers: number;
  readonly tls: TlsReport;
  readonly tracingClients: readonly TracingClientReport[];
  readonly charmTracingReceivers: Readonly<Record<string, string>>;
  readonly workloadTracingReceivers: Readonly<Record<string, string>>;
  readonly remoteWriteEndpoints: readonly string[];
  readonly lokiEndpoints: Readonly<Record<string, string>>;
  /** Workers whose Pebble plan forwards logs to at least one Loki. */
  readonly workersForwardingLogs: number;
  /** Only with a Grafana related: the datasource each coordinator unit became. */
  readonly grafana?: readonly GrafanaDatasourceReport[];
  /** Only with an ingress related: where Traefik listens and the routes it was given. */
  readonly ingress?: readonly IngressReport[];
}

export async function integrationsReport(sim: Simulator): Promise<IntegrationsReport> {
  const units = workerUnits(sim);
  const published = publishedToWorkers(sim);
  const plans = await Promise.all(units.map(async (unit) => ({ unit, plan: await sim.world.units.get(unit)?.containers.get(CONTAINER_NAME)?.getPlan() })));
  const servingHttps = plans.filter(
    ({ unit, plan }) =>
      readyCheckUrl(plan?.checks.ready)?.startsWith("https://") === true &&
      sim.world.units.get(unit)?.containers.get(CONTAINER_NAME)?.stat(PRIVATE_KEY_PATH) !== undefined,
  ).length;
  const forwarding = plans.filter(({ plan }) => Object.values(plan?.["log-targets"] ?? {}).some((target) => (target.services ?? []).length > 0)).length;
  const remoteWrite = decoded(published.remote_write_endpoints);
  return {
    workers: units.length,
    tls: tlsReport(sim, decoded(published.server_cert), servingHttps),
    tracingClients: tracingClients(sim),
    charmTracingReceivers: stringRecord(decoded(published.charm_tracing_receivers)),
    workloadTracingReceivers: stringRecord(decoded(published.workload_tracing_receivers)),
    remoteWriteEndpoints: Array.isArray(remoteWrite)
      ? remoteWrite.flatMap((entry: unknown) => (typeof entry === "object" && entry !== null && typeof (entry as { url?: unknown }).url === "string" ? [(entry as { url: string }).url] : []))
      : [],
    lokiEndpoints: stringRecord(decoded(published.loki_endpoints)),
    workersForwardingLogs: forwarding,
    ...(remoteEndOf(sim, "grafana-source").length > 0 ? { grafana: grafanaDatasources(sim) } : {}),
    ...(remoteEndOf(sim, "ingress").length > 0 ? { ingress: ingressRoutes(sim) } : {}),
  };
}

/** The coordinator's app bag on the first tempo-cluster relation (it publishes the same keys to all). */
function publishedToWorkers(sim: Simulator): Readonly<Record<string, string>> {
  const relations = [...sim.world.relations.values()]
    .filter((relation) => relation.ends.some((end) => end.app === COORDINATOR_APP && end.endpoint === "tempo-cluster"))
    .sort((a, b) => a.id - b.id);
  return relations[0]?.appData.get(COORDINATOR_APP) ?? {};
}

function remoteEndOf(sim: Simulator, endpoint: string): string[] {
  return [...sim.world.relations.values()]
    .filter((relation) => relation.ends.some((end) => end.app === COORDINATOR_APP && end.endpoint === endpoint))
    .sort((a, b) => a.id - b.id)
    .flatMap((relation) => relation.ends.filter((end) => end.app !== COORDINATOR_APP).map((end) => end.app));
}

function tlsReport(sim: Simulator, serverCert: unknown, workersServingHttps: number): TlsReport {
  const provider = remoteEndOf(sim, "certificates")[0];
  if (typeof serverCert !== "string") return provider === undefined ? { state: "off" } : { state: "pending", provider };
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(serverCert);
  } catch {
    return provider === undefined ? { state: "off" } : { state: "pending", provider };
  }
  const dnsNames = (certificate.subjectAltName ?? "")
    .split(", ")
    .filter((name) => name.startsWith("DNS:"))
    .map((name) => name.slice("DNS:".length))
    .sort();
  return {
    state: "on",
    ...(provider !== undefined ? { provider } : {}),
    issuer: certificate.issuer.replace(/^CN=/, ""),
    // The common name: node prints a subject one attribute a line, and a renewed certificate's
    // subject also carries the request's x500UniqueIdentifier.
    subject: certificate.subject.split("\n").find((line) => line.startsWith("CN="))?.slice("CN=".length) ?? certificate.subject,
    dnsNames,
    validUntil: new Date(certificate.validTo).toISOString().replace(".000Z", "Z"),
    workersServingHttps,
  };
}

function tracingClients(sim: Simulator): TracingClientReport[] {
  return remoteEndOf(sim, "tracing").map((app) => {
    const relation = sim.relationBetween(COORDINATOR_APP, app, "tracing");
    const asked = decoded(relation?.appData.get(app)?.receivers);
    const offered = decoded(relation?.appData.get(COORDINATOR_APP)?.receivers);
    const urls: Record<string, string> = {};
    if (Array.isArray(offered)) {
      for (const receiver of offered as { protocol?: { name?: unknown }; url?: unknown }[]) {
        if (typeof receiver?.protocol?.name === "string" && typeof receiver.url === "string") urls[receiver.protocol.name] = receiver.url;
      }
    }
    return {
      app,
      asked: Array.isArray(asked) ? asked.filter((name): name is string => typeof name === "string").sort() : [],
      offered: Object.fromEntries(Object.entries(urls).sort(([a], [b]) => (a < b ? -1 : 1))),
    };
  });
}

/** A JSON-encoded bag value, or undefined when absent or not JSON. */
function decoded(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value)
      .filter((entry): entry is [string, string] => typeof entry[1] === "string")
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}
