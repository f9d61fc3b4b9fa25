/**
 * What the coordinator tells the operator: every check yields a problem with a severity and a
 * message that names the fix; one fixed priority picks what `juju status` shows.
 *
 * Juju shows one message per unit, so the problems of the winning severity are joined (the first
 * few; the rest are counted) and every problem is also logged by the charm.
 */
import type { SettableStatus, StatusValue } from "../../juju/backend.js";
import { CONFIG_DEFAULTS, type ConfigProblem } from "./config-options.js";

export type Severity = "blocked" | "waiting" | "maintenance";

export interface Problem {
  readonly severity: Severity;
  readonly message: string;
}

const PRIORITY: readonly Severity[] = ["blocked", "waiting", "maintenance"];
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
  return { status: "active", message: activeMessage(summary) };
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
export const METRICS_GENERATOR_IDLE_NOTE = "metrics-generator idle: relate send-remote-write to a Prometheus";

// Problem builders: one per thing that can be wrong, each saying how to fix it.

/** `retention-period must be at least 1 (hours), got 0: juju config tempo retention-period=720`. */
export function invalidConfig(application: string, problem: ConfigProblem): Problem {
  const got = problem.got === undefined ? "" : `, got ${problem.got}`;
  const fallback = CONFIG_DEFAULTS[problem.option as keyof typeof CONFIG_DEFAULTS];
  const fix = fallback === undefined ? "" : `: juju config ${application} ${problem.option}=${String(fallback)}`;
  return { severity: "blocked", message: `${problem.message}${got}${fix}` };
}

export function noWorkerRelations(): Problem {
  return {
    severity: "blocked",
    message: "no workers: relate tempo-worker applications to the tempo-cluster endpoint",
  };
}

/**
 * Without a distributor (nor an `all` node) no worker runs a trace receiver: tracing clients are
 * given no URL, and anything already sending to the old service is lost, so the message says so.
 */
export function missingRoles(roles: readonly string[]): Problem {
  const consequence = roles.includes("distributor") ? "; no trace receiver runs until a distributor joins" : "";
  return { severity: "blocked", message: `missing roles: ${roles.join(", ")} (relate workers with those roles)${consequence}` };
}

/** An application or unit left out of the cluster; `subject` is `app` or `app/n`. */
export function rejectedWorker(subject: string, reasons: readonly string[]): Problem {
  return { severity: "blocked", message: `${subject}: ${reasons.join(", ")}` };
}

/** A worker application whose `role` is not exactly one Tempo role: left out of the cluster. */
export function invalidRole(application: string, role: string): Problem {
  return {
    severity: "blocked",
    message: `${application}: invalid role ${JSON.stringify(role)} (enable exactly one role-* option on ${application})`,
  };
}

export function noReceivers(application: string): Problem {
  return {
    severity: "blocked",
    message: `no trace receiver enabled: juju config ${application} always_enable_otlp_http=true, or relate a tracing client`,
  };
}

export function s3NotRelated(): Problem {
  return { severity: "blocked", message: "relate an s3 provider (distributed Tempo needs object storage)" };
}

export function s3AwaitingCredentials(provider: string): Problem {
  return { severity: "waiting", message: `waiting for ${provider} to share the s3 bucket and credentials` };
}

export function s3Invalid(provider: string, reasons: readonly string[]): Problem {
  return { severity: "blocked", message: `s3 data from ${provider} is unusable: ${reasons.join(", ")}` };
}

export function replicationFactorTooHigh(wanted: number, ingesterUnits: number): Problem {
  return {
    severity: "blocked",
    message: `replication-factor ${wanted} needs at least ${wanted} ingester units (have ${ingesterUnits})`,
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
