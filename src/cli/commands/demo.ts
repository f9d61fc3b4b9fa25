/**
 * `tempo-cluster demo`: a Tempo cluster in a simulated Juju model, run to convergence with the
 * real charms, shown the way an operator would look at it — `juju status`, the gossip ring, the
 * one Tempo config every worker runs — and then, step by step, how it reacts to operator actions.
 *
 * All the work is the simulator's (src/sim); this module parses untrusted input, orders the
 * output, and is the only place that writes files (`--out`).
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ParsedArgs } from "../args.js";
import { type CliCommand, type CliIo, EXIT } from "../command.js";
import { CONTAINER_NAME } from "../../charms/worker/index.js";
import { isClusterDomain } from "../../juju/kubernetes-names.js";
import { type IntegrationsReport, integrationsReport } from "../../sim/integrations-report.js";
import { type ListReceiversReport, listReceivers } from "../../sim/front-door-report.js";
import { type ModelStatus, modelStatus } from "../../sim/model-status.js";
import type { RunOutcome, Simulator, TimelineEntry } from "../../sim/simulator.js";
import { type Step, STEP_USAGE, applyStep, describeStep, parseStep } from "../../sim/steps.js";
import {
  COORDINATOR_APP,
  MONOLITHIC_SHAPE,
  RECOMMENDED_SHAPE,
  SIM_INTEGRATIONS,
  type SimIntegration,
  type WorkerGroup,
  buildTempoModel,
  parseIntegrations,
  parseWorkerShape,
} from "../../sim/tempo-cluster.js";
import { type TempoReport, ringDiff, tempoReport, workerUnits } from "../../sim/tempo-report.js";
import { type FrontDoorRoutesReport, frontDoorRoutes } from "../../sim/front-door-routes.js";
import { renderTable } from "../../sim/text-table.js";
import type { TerminalStyle } from "../terminal-style.js";

const TOPOLOGIES = ["distributed", "monolithic"] as const;

export const command: CliCommand = {
  name: "demo",
  summary: "Run a simulated Juju model with the real charms and show the converged cluster.",
  usage: "demo [--topology distributed|monolithic | --workers role=n,…] [--with tls,tracing,logging,grafana,ingress|all] [--then STEP]… [--cluster-domain DOMAIN] [--out DIR] [--timeline] [--json]",
  description: `Deploys a Tempo cluster into an in-memory Juju model — the tempo coordinator, one
tempo-worker application per role, and two small stand-ins: an S3 provider (s3-integrator) and a
remote-write receiver (prometheus) for the metrics-generator — runs every hook Juju would run, in
Juju's order, with the real charms, until nothing is pending, and prints:

  - a juju status-like table of applications and units,
  - how many hooks ran,
  - the gossip ring (memberlist.join_members) the workers will join,
  - the Tempo config every worker received, checked to be byte-identical on all of them, and
    what each worker adds of its own in the file it runs,
  - the front door: where users send traces, as \`juju run tempo/0 list-receivers\` answers (the
    coordinator's service, or the ingress once there is one),
  - with --with, what each integration gives the workers: TLS (the certificate's names and how
    many workers serve HTTPS), tracing receiver URLs, remote-write and Loki endpoints, and what
    Grafana and Traefik received.

Integrations (--with, comma-separated, or all): each adds a stand-in charm related to tempo:
  tls       self-signed-certificates, a CA on tempo:certificates (tls-certificates v1): the
            workers get a certificate and key, serve HTTPS and the config turns to its TLS variant
  tracing   traced-app, an application asking tempo:tracing for otlp_grpc and zipkin receivers
  logging   loki, a Loki on tempo:logging: every worker forwards its logs through Pebble
  grafana   grafana, a Grafana on tempo:grafana-source: it makes a tempo datasource per
            coordinator unit at the front door and answers with the datasource UIDs
  ingress   traefik, a Traefik on tempo:ingress (traefik_route): it gets an entry point and a
            route per Tempo port, and every front-door URL moves to its address
  cos       prometheus-scrape, grafana, blackbox-exporter and loki on tempo:metrics-endpoint,
            tempo:grafana-dashboard, tempo:probes and tempo:logging: each shows in its status
            what it received (scrape jobs and alert rules, dashboards by title, the probe target,
            log alert rule groups)
The remote-write receiver (prometheus) is always there. Certificates are made afresh on every run,
so the demo shows their names, never their bytes.

A step that makes a hook fail (fail-hook UNIT HOOK) arms the failure; the next step that causes
that hook shows it failing, its writes discarded, and Juju retrying it.

Shapes:
  --topology distributed   (default) query-frontend 1, querier 1, ingester 3, distributor 1,
                           compactor 1, metrics-generator 1, each its own application (tempo-<role>)
  --topology monolithic    one tempo-worker application with role all
  --workers ingester=5,querier=2,…   any shape; roles: all, querier, query-frontend, ingester,
                           distributor, compactor, metrics-generator

Steps (--then, repeatable, applied in order, each run to convergence and its effect shown):
  ${STEP_USAGE.join("\n  ")}

Examples:
  tempo-cluster demo
  tempo-cluster demo --then "remove-unit tempo-ingester/2" --then "add-unit tempo-querier 2"
  tempo-cluster demo --workers all=3 --out ./demo-files
  tempo-cluster demo --with all --then "remove-relation tempo self-signed-certificates"
  tempo-cluster demo --then "fail-hook tempo/0 config-changed" --then "config tempo retention-period=72"
  tempo-cluster demo --timeline --then "config tempo retention-period=48"   (workers restart one unit at a time)
  tempo-cluster demo --with tls --cluster-domain cluster.example   (every name the charms publish ends in cluster.example)

Exit codes: 0 the model converged; 1 it did not (a unit is stuck in error); 2 bad arguments or a
step the model rejects.`,
  options: [
    { name: "topology", type: "string", valueName: "NAME", description: "distributed (default) or monolithic." },
    { name: "workers", type: "string", valueName: "ROLE=N,…", description: "Any worker shape instead of a topology, e.g. ingester=3,querier=1." },
    { name: "with", type: "string", valueName: "NAME,…", description: `Also deploy and relate integrations: ${SIM_INTEGRATIONS.join(", ")}, or all.` },
    { name: "then", type: "string", valueName: "STEP", multiple: true, description: 'An operator step after convergence, e.g. "remove-unit tempo-ingester/2" (repeatable).' },
    {
      name: "cluster-domain",
      type: "string",
      valueName: "DOMAIN",
      description: "Simulate a Kubernetes cluster whose DNS domain is DOMAIN (each pod's /etc/hosts says so); default: none, so cluster.local.",
    },
    { name: "out", type: "string", valueName: "DIR", description: "Write every worker's container files under DIR/<unit>/…" },
    { name: "timeline", type: "boolean", description: "Also print every hook that ran (unit, hook, remote unit, outcome)." },
    { name: "json", type: "boolean", description: "Print one JSON document instead of text." },
  ],
  positionals: { min: 0, max: 0 },
  run: runDemo,
};

type Usage = { kind: "usage"; message: string };


function chooseShape(args: ParsedArgs): { kind: "shape"; shape: readonly WorkerGroup[] } | Usage {
  const topology = args.values.topology;
  const workers = args.values.workers;
  if (topology !== undefined && workers !== undefined) return { kind: "usage", message: "give either --topology or --workers, not both" };
  if (workers !== undefined) {
    const parsed = parseWorkerShape(workers);
    if (parsed.kind === "invalid") return { kind: "usage", message: `--workers ${JSON.stringify(workers)}:\n  ${parsed.reasons.join("\n  ")}` };
    return { kind: "shape", shape: parsed.shape };
  }
  if (topology === undefined || topology === "distributed") return { kind: "shape", shape: RECOMMENDED_SHAPE };
  if (topology === "monolithic") return { kind: "shape", shape: MONOLITHIC_SHAPE };
  return { kind: "usage", message: `unknown topology "${topology}" (choose ${TOPOLOGIES.join(" or ")})` };
}

/** One phase of the demo: the initial deployment, or one --then step. */
interface Phase {
  readonly title: string;
  readonly outcome: RunOutcome;
  readonly hooks: readonly TimelineEntry[];
  /** Hooks queued during the phase (its operation's and those its hooks caused), and those coalesced. */
  readonly events: number;
  readonly coalesced: number;
  readonly relationSets: number;
  readonly status: ModelStatus;
  readonly tempo: TempoReport;
  /** What the coordinator's nginx routes where, read back from the config it was pushed. */
  readonly routes: FrontDoorRoutesReport;
  /** Only when the demo was asked for integrations, so the default output stays as it was. */
  readonly integrations?: IntegrationsReport;
  /** `juju run tempo/0 list-receivers`: where users send traces. */
  readonly frontDoor: ListReceiversReport;
}

async function runDemo(args: ParsedArgs, io: CliIo): Promise<number> {
  const fail = (message: string) => {
    io.stderr(`tempo-cluster demo: ${message}\n`);
    return EXIT.usage;
  };
  const shape = chooseShape(args);
  if (shape.kind === "usage") return fail(shape.message);
  const steps: Step[] = [];
  for (const text of args.lists.then ?? []) {
    const parsed = parseStep(text);
    if (parsed.kind === "invalid") return fail(`--then ${parsed.reason}`);
    steps.push(parsed.step);
  }
  let integrations: SimIntegration[] | undefined;
  if (args.values.with !== undefined) {
    const parsed = parseIntegrations(args.values.with);
    if (parsed.kind === "invalid") return fail(`--with ${JSON.stringify(args.values.with)}: ${parsed.reasons.join("; ")}`);
    integrations = parsed.integrations;
  }
  const clusterDomain = args.values["cluster-domain"];
  if (clusterDomain !== undefined && !isClusterDomain(clusterDomain)) {
    return fail(`--cluster-domain ${JSON.stringify(clusterDomain)}: not a DNS domain (lower-case labels of letters, digits and hyphens, e.g. cluster.example)`);
  }
  const built = buildTempoModel(shape.shape, {
    ...(integrations === undefined ? {} : { integrations }),
    ...(clusterDomain === undefined ? {} : { clusterDomain }),
  });
  if (built.kind === "rejected") return fail(built.reason);
  const sim = built.value;
  const isReportingIntegrations = integrations !== undefined;

  // Deployment queued its hooks while building; count them in the first phase.
  const phases: Phase[] = [await runPhase(sim, "deploy", NOTHING_QUEUED, isReportingIntegrations)];
  let rejection: string | undefined;
  for (const step of steps) {
    const before = { ...sim.stats };
    const applied = applyStep(sim, step);
    if (applied.kind === "rejected") {
      rejection = `step "${describeStep(step)}" was rejected: ${applied.reason}`;
      break;
    }
    phases.push(await runPhase(sim, describeStep(step), before, isReportingIntegrations));
  }

  if (args.values.out !== undefined) {
    const written = writeWorkerFiles(sim, path.resolve(io.cwd, args.values.out));
    if (written.kind === "failed") return fail(`--out ${args.values.out}: ${written.message}`);
  }

  if (args.flags.json) io.stdout(`${JSON.stringify(jsonReport(sim, phases, rejection), null, 2)}\n`);
  else io.stdout(textReport(phases, io.style, { showTimeline: args.flags.timeline === true, outDir: args.values.out }));

  if (rejection !== undefined) return fail(rejection);
  return phases.every((phase) => phase.outcome.kind === "quiet") ? EXIT.ok : EXIT.problems;
}

const NOTHING_QUEUED = { events: 0, coalesced: 0, relationSets: 0 };

/** Run to quiet; `before` is the simulator's counters before the phase's operation queued anything. */
async function runPhase(
  sim: Simulator,
  title: string,
  before: { events: number; coalesced: number; relationSets: number },
  isReportingIntegrations: boolean,
): Promise<Phase> {
  const firstHook = sim.timeline.length;
  const outcome = await sim.run();
  return {
    ...(isReportingIntegrations ? { integrations: await integrationsReport(sim) } : {}),
    title,
    outcome,
    hooks: sim.timeline.slice(firstHook),
    events: sim.stats.events - before.events,
    coalesced: sim.stats.coalesced - before.coalesced,
    relationSets: sim.stats.relationSets - before.relationSets,
    status: modelStatus(sim),
    tempo: tempoReport(sim),
    routes: frontDoorRoutes(sim, COORDINATOR_APP),
    frontDoor: await listReceivers(sim),
  };
}

// ---------------------------------------------------------------------------------------------
// Text

function textReport(
  phases: readonly Phase[],
  style: TerminalStyle,
  options: { showTimeline: boolean; outDir: string | undefined },
): string {
  const [deploy, ...later] = phases as [Phase, ...Phase[]];
  const out: string[] = [];
  out.push(
    `${style.bold(`Model ${deploy.status.model}`)}: ${deploy.status.apps.length} applications, ${deploy.status.units.length} units — ${describeOutcome(deploy, style)}`,
    "",
    statusTables(deploy.status, style),
  );
  if (options.showTimeline) out.push("", timelineText(deploy.hooks, style));
  out.push("", frontDoorText(deploy.frontDoor, style), "", routesText(deploy.routes, style));
  if (deploy.integrations !== undefined) out.push("", integrationsText(deploy.integrations, style));
  out.push("", ringText(deploy.tempo, style), "", configText(deploy.tempo, style));

  let previous = deploy;
  for (const phase of later) {
    out.push("", style.bold(`── then: ${phase.title} ${"─".repeat(Math.max(3, 60 - phase.title.length))}`), describeOutcome(phase, style));
    if (options.showTimeline) out.push(timelineText(phase.hooks, style));
    out.push(statusChanges(previous.status, phase.status, style));
    const diff = ringDiff(previous.tempo.ring, phase.tempo.ring);
    if (diff.added.length + diff.removed.length === 0) out.push(`Ring: unchanged (${plural(phase.tempo.ring.length, "member")})`);
    else {
      out.push(`Ring: ${plural(phase.tempo.ring.length, "member")}`);
      for (const member of diff.removed) out.push(style.red(`  - ${member}`));
      for (const member of diff.added) out.push(style.green(`  + ${member}`));
    }
    out.push(configSummary(phase.tempo, previous.tempo));
    if (phase.integrations !== undefined && previous.integrations !== undefined) out.push(integrationsSummary(phase.integrations, previous.integrations));
    previous = phase;
  }
  if (options.outDir !== undefined) out.push("", `Worker files written under ${options.outDir}/<unit>/`);
  return `${out.join("\n")}\n`;
}

/** The cluster's one address for traces, as `juju run <leader> list-receivers` answers. */
function frontDoorText(report: ListReceiversReport, style: TerminalStyle): string {
  if (report.kind === "no-leader") return `${style.bold("Front door")}: no coordinator leader to ask`;
  const title = `${style.bold("Front door")} (juju run ${report.unit} list-receivers):`;
  if (report.kind === "failed") return `${title}
  failed: ${report.message}`;
  const width = Math.max(0, ...Object.keys(report.results).map((name) => name.length));
  return [title, ...Object.entries(report.results).map(([name, url]) => `  ${name.padEnd(width)}  ${url}`)].join("\n");
}

function describeOutcome(phase: Phase, style: TerminalStyle): string {
  const failed = phase.hooks.filter((entry) => entry.outcome === "failed").length;
  const hooks =
    `${plural(phase.hooks.length, "hook")}${failed > 0 ? `, ${failed} failed and retried` : ""}` +
    ` (${plural(phase.events, "event")} queued, ${phase.coalesced} more coalesced into pending ones; ${plural(phase.relationSets, "relation-set")})`;
  switch (phase.outcome.kind) {
    case "quiet":
      return `${style.green("converged")} after ${hooks}.`;
    case "stuck":
      return `${style.red("stuck")} after ${hooks}: ${phase.outcome.units.map((unit) => `${unit.unit} keeps failing ${unit.hook} (${unit.error})`).join("; ")}.`;
    case "hook-limit":
      return `${style.red("did not converge")}: stopped after ${hooks}.`;
  }
}

function statusStyle(status: string, style: TerminalStyle): (text: string) => string {
  if (status === "active" || status === "idle") return style.green;
  if (status === "blocked" || status === "error") return style.red;
  if (status === "waiting" || status === "maintenance") return style.yellow;
  return (text) => text;
}

function statusTables(status: ModelStatus, style: TerminalStyle): string {
  const apps = renderTable(
    ["App", "Version", "Charm", "Units", "Status", "Message"],
    status.apps.map((row) => [row.app, row.version, row.charm, String(row.units), { text: row.status, style: statusStyle(row.status, style) }, row.message]),
    style.bold,
  );
  const units = renderTable(
    ["Unit", "Workload", "Agent", "Address", "Message"],
    status.units.map((row) => [
      `${row.unit}${row.isLeader ? "*" : ""}`,
      { text: row.workload, style: statusStyle(row.workload, style) },
      { text: row.agent, style: statusStyle(row.agent, style) },
      row.address,
      row.message,
    ]),
    style.bold,
  );
  return `${apps}\n\n${units}`;
}

function timelineText(hooks: readonly TimelineEntry[], style: TerminalStyle): string {
  if (hooks.length === 0) return "Hooks: none ran.";
  return renderTable(
    ["#", "Unit", "Hook", "Remote", "Outcome", "Workload"],
    hooks.map((entry) => [
      String(entry.seq),
      entry.unit,
      entry.hook,
      entry.remote ?? "",
      entry.outcome === "ok" ? "ok" : { text: `failed: ${entry.error ?? ""}`, style: style.red },
      (entry.serviceActions ?? []).join("; "),
    ]),
    style.bold,
  );
}

function routesText(report: FrontDoorRoutesReport, style: TerminalStyle): string {
  if (report.unit === undefined || report.routes.length === 0) return `${style.bold("Front door routes")}: nginx has no config yet.`;
  const rows = report.routes.flatMap((route) => {
    const [first = "none: nginx answers 503", ...rest] = route.upstream;
    return [[String(route.port), route.scheme, route.name, first], ...rest.map((member) => ["", "", "", member])];
  });
  return `${style.bold("Front door routes")} (nginx in ${report.unit}, port → role upstream):\n${indent(renderTable(["Port", "Proto", "Route", "Worker units"], rows, style.dim))}`;
}

function ringText(tempo: TempoReport, style: TerminalStyle): string {
  if (tempo.ring.length === 0) return `${style.bold("Gossip ring")}: empty (no worker has a config yet).`;
  const rows = tempo.ring.map((entry) => [entry.member, entry.unit ?? ""]);
  return `${style.bold("Gossip ring")} (memberlist.join_members, ${plural(tempo.ring.length, "member")}):\n${indent(renderTable(["Member", "Unit"], rows, style.dim))}`;
}

function configText(tempo: TempoReport, style: TerminalStyle): string {
  if (tempo.received.length === 0) return `${style.bold("Tempo config")}: no workers.`;
  if (tempo.sharedConfig === undefined) {
    const rows = tempo.received.map((copy) => [copy.unit, copy.sha256 === undefined ? "(nothing yet)" : `${copy.sha256.slice(0, 16)}…`, String(copy.bytes)]);
    const what = tempo.distinctConfigs === 0 ? "no worker has received one (is the coordinator related?)" : `${tempo.distinctConfigs} different configs received`;
    return `${style.bold("Tempo config")}: ${style.yellow(what)}:\n${indent(renderTable(["Worker", "sha256", "Bytes"], rows, style.dim))}`;
  }
  const first = tempo.received.find((copy) => copy.sha256 !== undefined)!;
  const lines = [
    `${style.bold("Tempo config")} received by every worker: ${style.green(`identical on ${identicalOn(tempo)}`)} ` +
      `(sha256 ${first.sha256!.slice(0, 16)}…, ${first.bytes} bytes).`,
  ];
  const runningAsReceived = tempo.files.filter((file) => file.sha256 === first.sha256).length;
  lines.push(`${runningAsReceived} of ${tempo.files.length} run it verbatim as /etc/worker/config.yaml.`);
  for (const local of tempo.localAdditions) {
    lines.push(`${local.units.join(", ")} run${local.units.length === 1 ? "s" : ""} it with ${plural(local.addedLines.length, "line")} of ${local.units.length === 1 ? "its" : "their"} own:`);
    for (const line of local.addedLines) lines.push(style.green(`  + ${line}`));
    for (const line of local.removedLines) lines.push(style.red(`  - ${line}`));
  }
  lines.push("", indent(tempo.sharedConfig.trimEnd()));
  return lines.join("\n");
}

/** "all 8 workers", or "7 of 8 workers (nothing yet on tempo-metrics-generator/0)". */
function identicalOn(tempo: TempoReport): string {
  const total = tempo.received.length;
  if (tempo.withoutConfig.length === 0) return total === 1 ? "the only worker" : `all ${total} workers`;
  return `${total - tempo.withoutConfig.length} of ${total} workers (nothing yet on ${tempo.withoutConfig.join(", ")})`;
}

function configSummary(now: TempoReport, before: TempoReport): string {
  const checksum = now.sharedConfig === undefined ? undefined : now.received.find((copy) => copy.sha256 !== undefined)?.sha256;
  const previous = before.sharedConfig === undefined ? undefined : before.received.find((copy) => copy.sha256 !== undefined)?.sha256;
  if (checksum === undefined) {
    return now.distinctConfigs === 0
      ? `Config: no worker has one from a coordinator now (${plural(now.received.length, "worker")})`
      : `Config: ${now.distinctConfigs} different configs received across ${plural(now.received.length, "worker")}`;
  }
  return `Config: ${checksum === previous ? "unchanged" : "changed"}, identical on ${identicalOn(now)} (sha256 ${checksum.slice(0, 16)}…)`;
}

function statusChanges(before: ModelStatus, after: ModelStatus, style: TerminalStyle): string {
  const lines: string[] = [];
  const describe = (row: { workload: string; message: string }) => `${row.workload}${row.message ? `: ${row.message}` : ""}`;
  const beforeUnits = new Map(before.units.map((row) => [row.unit, row]));
  const afterUnits = new Map(after.units.map((row) => [row.unit, row]));
  for (const row of before.units) if (!afterUnits.has(row.unit)) lines.push(style.red(`  - ${row.unit} removed`));
  for (const row of after.units) {
    const was = beforeUnits.get(row.unit);
    if (was === undefined) lines.push(style.green(`  + ${row.unit}${row.isLeader ? "*" : ""}  ${describe(row)}`));
    else if (describe(was) !== describe(row)) {
      lines.push(`  ~ ${row.unit}${row.isLeader ? "*" : ""}  ${describe(was)}  →  ${statusStyle(row.workload, style)(describe(row))}`);
    } else if (was.isLeader !== row.isLeader) {
      lines.push(`  ~ ${row.unit}${row.isLeader ? "*  is now the leader" : "  is no longer the leader"}`);
    }
  }
  const beforeApps = new Set(before.apps.map((row) => row.app));
  const afterApps = new Set(after.apps.map((row) => row.app));
  for (const app of beforeApps) if (!afterApps.has(app)) lines.push(style.red(`  - application ${app} removed`));
  return lines.length === 0 ? "Status: no unit changed." : `Status changes:\n${lines.join("\n")}`;
}

/** Each integration as a label and its lines, the same for the full section and the per-step summary. */
function integrationLines(report: IntegrationsReport): [string, string[]][] {
  // "1 of 8 workers serve", "1 of 1 worker serves": the verb agrees with the count before it.
  const ofWorkers = (count: number, verb: string) => `${count} of ${plural(report.workers, "worker")} ${count === 1 ? `${verb}s` : verb}`;
  const urlList = (urls: Readonly<Record<string, string>>) =>
    Object.keys(urls).length === 0 ? "none" : Object.entries(urls).map(([name, url]) => `${name} ${url}`).join(", ");
  const tls = report.tls;
  const tlsLines =
    tls.state === "off"
      ? ["off: the workers serve plain HTTP and gRPC"]
      : tls.state === "pending"
        ? [`waiting for ${tls.provider} to issue the certificate; the workers serve plain HTTP and gRPC meanwhile`]
        : [
            `on: certificate for ${tls.subject} from ${tls.provider ?? "an earlier provider"} (issuer "${tls.issuer}"), ${plural(tls.dnsNames.length, "DNS name")}, valid until ${tls.validUntil}`,
            `${ofWorkers(tls.workersServingHttps, "serve")} HTTPS with it (ready check on https, key file 0600)`,
          ];
  const urlLines = (urls: Readonly<Record<string, string>>) => {
    const width = Math.max(0, ...Object.keys(urls).map((name) => name.length));
    return Object.entries(urls).map(([name, url]) => `  ${name.padEnd(width)}  ${url}`);
  };
  const tracingLines = [
    ...report.tracingClients.flatMap((client) => [
      `${client.app} asked for ${client.asked.join(", ") || "nothing"}; offered ${Object.keys(client.offered).length === 0 ? "nothing yet" : "every receiver Tempo runs:"}`,
      ...urlLines(client.offered),
    ]),
    `the workers' charms send their traces to ${urlList(report.charmTracingReceivers)}`,
    `Tempo's own traces may go to ${urlList(report.workloadTracingReceivers)}`,
  ];
  const remoteWriteLines =
    report.remoteWriteEndpoints.length === 0 ? ["none: the metrics-generator writes nowhere"] : report.remoteWriteEndpoints.map((url) => `${url} (metrics-generator)`);
  const lokiNames = Object.keys(report.lokiEndpoints);
  const loggingLines =
    lokiNames.length === 0
      ? [`none: ${ofWorkers(report.workersForwardingLogs, "forward")} ${report.workersForwardingLogs === 1 ? "its" : "their"} logs`]
      : [...Object.entries(report.lokiEndpoints).map(([name, url]) => `${name} ${url}`), `${ofWorkers(report.workersForwardingLogs, "forward")} ${report.workersForwardingLogs === 1 ? "its" : "their"} logs there through Pebble`];
  const grafanaLines = (report.grafana ?? []).map(
    (ds) => `${ds.grafana} has a ${ds.type} datasource for ${ds.unit} at ${ds.url}${ds.uid ? ` (uid ${ds.uid})` : " (no uid yet)"}`,
  );
  const ingressLines = (report.ingress ?? []).flatMap((ingress) => {
    const width = Math.max(0, ...ingress.routes.map((route) => route.entryPoint.length));
    return [
      `${ingress.traefik} listens at ${ingress.listensAt ?? "(not yet said)"}; ${plural(ingress.routes.length, "route")}:`,
      ...ingress.routes.map((route) => `  ${route.entryPoint.padEnd(width)}  ${route.address.padEnd(6)} → ${route.servers.join(", ") || "nowhere"}`),
    ];
  });
  return [
    ["TLS", tlsLines],
    ["Tracing", tracingLines],
    ["Remote-write", remoteWriteLines],
    ["Logging", loggingLines],
    ...(report.grafana ? [["Grafana", grafanaLines.length > 0 ? grafanaLines : ["no datasource yet"]] as [string, string[]]] : []),
    ...(report.ingress ? [["Ingress", ingressLines] as [string, string[]]] : []),
  ];
}

function integrationsText(report: IntegrationsReport, style: TerminalStyle): string {
  const lines = [`${style.bold("Integrations")} (what the coordinator shares with the workers):`];
  for (const [label, texts] of integrationLines(report)) {
    texts.forEach((text, index) => lines.push(`  ${(index === 0 ? label : "").padEnd(13)}${text}`));
  }
  return lines.join("\n");
}

/** Only the integrations whose lines changed, in full; "unchanged" otherwise. */
function integrationsSummary(now: IntegrationsReport, before: IntegrationsReport): string {
  const was = new Map(integrationLines(before).map(([label, texts]) => [label, texts.join("\n")]));
  const changed = integrationLines(now).filter(([label, texts]) => was.get(label) !== texts.join("\n"));
  if (changed.length === 0) return "Integrations: unchanged";
  const lines = ["Integrations changed:"];
  for (const [label, texts] of changed) texts.forEach((text, index) => lines.push(`  ${(index === 0 ? label : "").padEnd(13)}${text}`));
  return lines.join("\n");
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => (line === "" ? line : `  ${line}`))
    .join("\n");
}

// ---------------------------------------------------------------------------------------------
// JSON

function jsonReport(sim: Simulator, phases: readonly Phase[], rejection: string | undefined) {
  const last = phases[phases.length - 1]!;
  return {
    model: last.status.model,
    phases: phases.map((phase) => ({
      step: phase.title,
      outcome: phase.outcome,
      hooks: phase.hooks.length,
      events: phase.events,
      coalesced: phase.coalesced,
      relation_sets: phase.relationSets,
      failed_hooks: phase.hooks.filter((entry) => entry.outcome === "failed").length,
      applications: phase.status.apps,
      units: phase.status.units,
      ring: phase.tempo.ring,
      front_door: { list_receivers: phase.frontDoor, routes: phase.routes.routes },
      received_configs: phase.tempo.received,
      config_files: phase.tempo.files,
      config_identical: phase.tempo.sharedConfig !== undefined,
      local_additions: phase.tempo.localAdditions,
      ...(phase.integrations !== undefined ? { integrations: phase.integrations } : {}),
    })),
    stats: sim.stats,
    config: last.tempo.sharedConfig ?? null,
    ...(rejection !== undefined ? { rejected: rejection } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Files

function writeWorkerFiles(sim: Simulator, directory: string): { kind: "written" } | { kind: "failed"; message: string } {
  try {
    for (const unit of workerUnits(sim)) {
      const container = sim.world.units.get(unit)?.containers.get(CONTAINER_NAME);
      if (container === undefined) continue;
      for (const file of container.toState().files) {
        if (file.type !== "file") continue;
        const target = path.join(directory, unit, file.path);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, file.encoding === "base64" ? Buffer.from(file.content, "base64") : file.content);
        // The container's modes, so a private key (with --with tls) is not left world-readable on disk.
        if (file.permissions !== undefined) chmodSync(target, file.permissions);
      }
    }
    return { kind: "written" };
  } catch (error) {
    return { kind: "failed", message: error instanceof Error ? error.message : String(error) };
  }
}
