/**
 * What the coordinator tells the operator: every check yields a problem with a severity and a
 * message that names the fix; one fixed priority picks what `juju status` shows.
 *
 * Juju shows one message per unit, so the problems of the winning severity are joined (the first
 * few; the rest are counted) and every problem is also logged by the charm.
 */
import type { SettableStatus, StatusValue } from "../../juju/backend.js";
import { ROLES } from "../../interface/roles.js";
import { CONFIG_DEFAULTS, type ConfigProblem } from "./config-options.js";

/**
 * `note`: something is wrong beside a cluster that works (a neighbour's unusable data, a worker
 * application scaled to zero). It never takes the status from Active; it is appended to the Active
 * message, so the operator sees it without being told the cluster is down. Blocked is kept for what
 * stops the cluster (issue 15, "Statuses that help").
 */
export type Severity = "blocked" | "waiting" | "maintenance" | "note";

export interface Problem {
  readonly severity: Severity;
  readonly message: string;
}

const PRIORITY: readonly Exclude<Severity, "note">[] = ["blocked", "waiting", "maintenance"];
/** Enough to read in `juju status` without the line running off the screen. */
const MESSAGES_SHOWN = 3;

export interface ClusterSummary {
  readonly workerUnits: number;
  readonly applications: number;
  readonly storage: "s3" | "local";
  /** Things that work but could be better, appended to the active message. */
  readonly notes?: readonly string[];
  /**
   * Where related tracing clients are told to send traces, when any asked: the worker application
   * whose Kubernetes service receives them, and how many of its units published an address.
   */
  readonly ingest?: { readonly application: string; readonly units: number };
}

export function decideStatus(problems: readonly Problem[], summary: ClusterSummary): StatusValue & {
  readonly status: SettableStatus;
} {
  for (const severity of PRIORITY) {
    const messages = problems.filter((problem) => problem.severity === severity).map((problem) => problem.message);
    if (messages.length === 0) continue;
    const shown = messages.slice(0, MESSAGES_SHOWN).join("; ");
    const hidden = messages.length - MESSAGES_SHOWN;
    return { status: severity, message: hidden > 0 ? `${shown}; and ${hidden} more (see juju debug-log)` : shown };
  }
  const notes = problems.filter((problem) => problem.severity === "note").map((problem) => problem.message);
  return { status: "active", message: activeMessage({ ...summary, notes: [...(summary.notes ?? []), ...notes] }) };
}

/** `8 workers in 6 applications`: the shape of the cluster at a glance. */
export function activeMessage(summary: ClusterSummary): string {
  const workers = `${summary.workerUnits} ${summary.workerUnits === 1 ? "worker" : "workers"}`;
  const applications = `${summary.applications} ${summary.applications === 1 ? "application" : "applications"}`;
  const storage = summary.storage === "local" ? " (local storage: relate an s3 provider to keep traces)" : "";
  const notes = summary.notes && summary.notes.length > 0 ? `; ${summary.notes.join("; ")}` : "";
  return `${workers} in ${applications}${storage}${ingestNote(summary.ingest)}${notes}`;
}

/**
 * Until the coordinator serves a front door of its own, traces go to the ingest application's
 * Kubernetes service, which routes only to its ready pods (Juju points the readiness probe at
 * Pebble's `level=ready` checks). The coordinator cannot see those checks: what it can see is which
 * application that is and how many of its units are up far enough to publish an address, so that
 * is what it says, naming where to look (`juju status <app>`) when traces do not arrive.
 */
function ingestNote(ingest: ClusterSummary["ingest"]): string {
  if (ingest === undefined) return "";
  return `; traces received by ${ingest.application} (${ingest.units} ${ingest.units === 1 ? "unit" : "units"})`;
}

/**
 * A dedicated metrics-generator application has nothing to do without a remote-write target (the
 * config then has no metrics_generator section). Only for the explicit role: `all` nodes run fine
 * without it, and flagging them (as the Python charm does, python-reference §6.20) is noise.
 */
export function metricsGeneratorIdleNote(coordinator: string): string {
  return `metrics-generator idle: juju integrate ${coordinator}:send-remote-write <prometheus>`;
}

// Problem builders: one per thing that can be wrong, each saying how to fix it.

/** The relation a neighbour's data came over, as `juju remove-relation` names it. */
export interface NeighbourRelation {
  /** This coordinator's application. */
  readonly coordinator: string;
  readonly endpoint: string;
  /** The remote application. */
  readonly app: string;
}

/**
 * A neighbour sent data we cannot use: only what depended on it is lost (its traces, its logs, a
 * link in Grafana), so it is a note on an Active cluster, not a Blocked one. The fix is usually on
 * the neighbour's side; the command that always exists is dropping the relation.
 */
export function unusableNeighbourData(from: NeighbourRelation, what: string, consequence: string): Problem {
  return {
    severity: "note",
    message: `${what}; ${consequence} (fix ${from.app}, or: juju remove-relation ${from.coordinator}:${from.endpoint} ${from.app})`,
  };
}

/** `retention-period must be at least 1 (hours), got 0: juju config tempo retention-period=720`. */
export function invalidConfig(application: string, problem: ConfigProblem): Problem {
  const got = problem.got === undefined ? "" : `, got ${problem.got}`;
  const fallback = CONFIG_DEFAULTS[problem.option as keyof typeof CONFIG_DEFAULTS];
  const fix = fallback === undefined ? "" : `: juju config ${application} ${problem.option}=${String(fallback)}`;
  return { severity: "blocked", message: `${problem.message}${got}${fix}` };
}

export function noWorkerRelations(application: string): Problem {
  return {
    severity: "blocked",
    message: `no workers: juju integrate ${application}:tempo-cluster <tempo-worker application>`,
  };
}

/**
 * Without a distributor (nor an `all` node) no worker runs a trace receiver: tracing clients are
 * given no URL, and anything already sending to the old service is lost, so the message says so.
 * A role whose only application is related but scaled to zero is one `juju add-unit` away, and the
 * message says that instead of asking for a relation that exists.
 */
export function missingRoles(
  roles: readonly string[],
  coordinator: string,
  scaledToZero: Readonly<Record<string, readonly string[]>> = {},
): Problem {
  const idle = [...new Set(roles.flatMap((role) => scaledToZero[role] ?? []))].sort();
  const unrelated = roles.filter((role) => (scaledToZero[role] ?? []).length === 0);
  const fixes = [
    ...(unrelated.length > 0 ? [`per role, a tempo-worker with role-all=false role-<role>=true: juju integrate ${coordinator} <worker>`] : []),
    ...idle.map((app) => `juju add-unit ${app}`),
  ];
  const consequence = roles.includes("distributor") ? "; no trace receiver runs until a distributor joins" : "";
  return { severity: "blocked", message: `missing roles: ${roles.join(", ")} (${fixes.join("; ")})${consequence}` };
}

/**
 * A worker application related with no units: harmless while the rest of the cluster runs its
 * roles, so a note (when it held the only units of a role, missingRoles says so instead).
 */
export function scaledToZero(application: string, coordinator: string): Problem {
  return {
    severity: "note",
    message: `${application} has no units (juju add-unit ${application}, or juju remove-relation ${coordinator} ${application})`,
  };
}

/** An application or unit left out of the cluster; `subject` is `app` or `app/n`. */
export function rejectedWorker(subject: string, reasons: readonly string[]): Problem {
  return { severity: "blocked", message: `${subject}: ${reasons.join(", ")}` };
}

/**
 * A worker application whose `role` is not exactly one Tempo role: left out of the cluster. Several
 * known roles (the Python worker joins every enabled `role-*` option with commas) have a command:
 * keep the first, turn the others off.
 */
export function invalidRole(application: string, role: string): Problem {
  const enabled = role.split(",").map((part) => part.trim());
  const isKnownList = enabled.length > 1 && enabled.every((part) => (ROLES as readonly string[]).includes(part));
  const fix = isKnownList
    ? `keep one role: juju config ${application} ${enabled.slice(1).map((part) => `role-${part}=false`).join(" ")}`
    : `enable exactly one role-* option on ${application}`;
  return { severity: "blocked", message: `${application}: invalid role ${JSON.stringify(role)} (${fix})` };
}

export function noReceivers(application: string): Problem {
  return {
    severity: "blocked",
    message: `no trace receiver enabled: juju config ${application} always_enable_otlp_http=true, or relate a tracing client`,
  };
}

export function s3NotRelated(coordinator: string): Problem {
  return {
    severity: "blocked",
    message: `relate an s3 provider (distributed Tempo needs object storage): juju integrate ${coordinator}:s3 s3-integrator`,
  };
}

/** s3-integrator, the usual provider, shares nothing until its credentials action has run. */
export function s3AwaitingCredentials(provider: string): Problem {
  return {
    severity: "waiting",
    message: `waiting for ${provider} to share the s3 bucket and credentials (s3-integrator: juju run ${provider}/leader sync-s3-credentials access-key=… secret-key=…)`,
  };
}

export function s3Invalid(provider: string, reasons: readonly string[]): Problem {
  return { severity: "blocked", message: `s3 data from ${provider} is unusable: ${reasons.join(", ")}` };
}

/** Either more ingesters (in the first application that runs them) or a lower factor. */
export function replicationFactorTooHigh(wanted: number, ingesterUnits: number, coordinator: string, ingesterApp: string | undefined): Problem {
  const addUnits = ingesterApp === undefined ? "" : `juju add-unit ${ingesterApp} -n ${wanted - ingesterUnits}, or `;
  return {
    severity: "blocked",
    message: `replication-factor ${wanted} needs at least ${wanted} ingester units (have ${ingesterUnits}): ${addUnits}juju config ${coordinator} replication-factor=${Math.max(1, ingesterUnits)}`,
  };
}

/**
 * The builder refused the inputs (e.g. no receiver enabled) or the strict validator refused its
 * output; either way nothing is published and the first reason is shown.
 */
export function tempoConfigRejected(problems: readonly string[]): Problem {
  const first = problems[0] ?? "unknown problem";
  const more = problems.length > 1 ? ` (+${problems.length - 1} more in juju debug-log)` : "";
  return { severity: "blocked", message: `cannot build the Tempo config: ${first}${more}` };
}
