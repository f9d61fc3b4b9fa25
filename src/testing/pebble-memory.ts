/**
 * Pebble's semantics in memory: layers and the flattened plan, service lifecycle, a small file
 * system, checks, and a journal of the service actions a charm asked for.
 *
 * Used by the test harness and by the simulator (which creates one per unit, so construction is
 * cheap: plain maps, nothing computed until asked). Behaviour follows Pebble's documented rules:
 * - layers are ordered by when their label was first added; adding a label again needs `combine`;
 *   every service/check/log-target in a layer must say `override: merge|replace`
 *   (https://canonical-pebble.readthedocs-hosted.com/en/latest/reference/layer-specification/);
 * - `replan` restarts every service whose configuration changed since it was last started
 *   (Pebble even starts such a service if it had been stopped since), and starts every
 *   `startup: enabled` service that is not running;
 * - time is simulated: nothing happens until a test or the simulator calls `advanceTime(ms)`,
 *   which runs Pebble's timers in order (check probes, service exits, backoff restarts); no real
 *   clock or sleep is involved, so a 70 s Tempo start costs nothing;
 * - checks follow checkstate (internals/overlord/checkstate/handlers.go, manager.go): a check
 *   starts `up` with 0 successes when it enters the plan and is first probed one `period` later
 *   (a Go ticker); a failure adds to `failures` and, at `threshold`, turns it `down` and starts
 *   a recover-check change (a "check-failed" notice, which Juju turns into pebble-check-failed);
 *   while recovering, the first success sets successes to 1, failures to 0 and starts a new
 *   perform-check change ("check-recovered"); a success while performing adds to `successes`
 *   and clears `failures`; a changed check config restarts it from 0 (PlanChanged);
 * - what a probe finds comes from the workload's modelled behaviour (`setWorkload`): an http or
 *   tcp check passes once the service it watches has been running `readyAfterMs`, unless a test
 *   forces it (`setCheckStatus`); an exec check runs the container's fake command;
 * - an https http check verifies with the system roots Pebble loaded at its first https probe
 *   (Go's crypto/x509 loads them once per process, behind a sync.Once): once the system bundle
 *   changes after that, it fails as Go would ("certificate signed by unknown authority");
 * - services follow servstate (internals/overlord/servstate/handlers.go): a process that exits
 *   within the 1 s okay delay fails its start change ("exited quickly with code N, will
 *   restart") and goes to `backoff`; one that exits later goes to `backoff` too; a backoff
 *   restarts it after backoff-delay (500 ms), doubled per attempt up to backoff-limit (30 s),
 *   without jitter (getJitter adds 0-10 %), and a process that ran for backoff-limit starts
 *   over from backoff-delay (backoffResetElapsed); each start writes the workload's output to the
 *   service log, which `getLogs` returns as `GET /v1/logs` does;
 * - starting a running service or stopping a stopped one is a no-op, not an error;
 * - exec runs fake commands: a handler a test registers (`setExecHandler`) or a canned answer in
 *   the snapshot (`execs`); any other executable is missing, and Pebble refuses to run it
 *   (400 `cannot find executable "<name>"`). A fake command never sleeps: its `durationMs` is
 *   only compared with the exec's timeout.
 */
import { posix as posixPath } from "node:path";
import * as z from "zod";
import {
  PebbleApiError,
  PebbleChangeError,
  PebbleConnectionError,
  type CheckInfo,
  type CheckSpec,
  type CheckStatus,
  type ExecOptions,
  type ExecResult,
  type FileInfo,
  type Layer,
  type LogEntry,
  type PebbleClient,
  type Plan,
  type PushOptions,
  type ServiceCurrent,
  type ServiceInfo,
  type ServiceSpec,
} from "../juju/pebble.js";

export const DEFAULT_FILE_PERMISSIONS = 0o644;
export const DEFAULT_DIRECTORY_PERMISSIONS = 0o755;
/** Pebble's default check threshold (failures before a check is "down"). */
export const DEFAULT_CHECK_THRESHOLD = 3;
export const MEMORY_PEBBLE_VERSION = "v1.19.0-memory";

export type ServiceAction = "start" | "stop" | "restart" | "replan";
export interface ServiceActionRecord {
  readonly action: ServiceAction;
  /** For start/stop/restart: the names asked for. For replan: the services it (re)started, sorted. */
  readonly services: readonly string[];
  /** Replan only: the services that were running and were restarted because their plan changed. */
  readonly restarted?: readonly string[];
}

/** What a fake command does with its argv and stdin. */
export interface ExecOutcome {
  readonly exitCode: number;
  readonly stdout?: string;
  readonly stderr?: string;
  /** How long the command runs; an exec whose timeout is shorter is killed (no clock involved). */
  readonly durationMs?: number;
}
export type ExecHandler = (argv: readonly string[], stdin: Uint8Array) => ExecOutcome;

// ---------------------------------------------------------------------------------------------
// Plain-data snapshot (the harness's boundary)

const ExecJournalRecord = z.object({
  command: z.array(z.string()),
  /** Standard input as UTF-8 (what the charm sent). */
  stdin: z.string().default(""),
  environment: z.record(z.string(), z.string()).optional(),
  workingDir: z.string().optional(),
  timeoutMs: z.number().optional(),
  user: z.string().optional(),
  group: z.string().optional(),
  /** The exit code, or "timed-out" when the exec's timeout killed it. */
  outcome: z.union([z.number().int(), z.literal("timed-out")]),
});
export type ExecJournalRecord = z.infer<typeof ExecJournalRecord>;

const CheckRunSchema = z.object({
  successes: z.number().int().nonnegative(),
  failures: z.number().int().nonnegative(),
  changeId: z.string(),
  /** perform-check (`up`) or recover-check (`down`). */
  mode: z.enum(["perform", "recover"]),
  nextProbeAtMs: z.number(),
  /** The check config this run was started with (a changed one starts a new run). */
  spec: z.custom<CheckSpec>(),
});
type CheckRun = z.infer<typeof CheckRunSchema>;

/** How a service's process behaves (a model of the workload, not of Pebble). */
const WorkloadBehaviourSchema = z.object({
  /** Exits this long after each start; omitted = runs until stopped. */
  exitAfterMs: z.number().nonnegative().optional(),
  exitCode: z.number().int().default(1),
  /** Its ready endpoint answers 200 once it has run this long (503 before). */
  readyAfterMs: z.number().nonnegative().default(0),
  /** Lines it prints at each start. */
  output: z.array(z.string()).default([]),
  /** Files it reads once at start (a config, a certificate): kept with the running process. */
  readsAtStart: z.array(z.string()).default([]),
});
export type WorkloadBehaviour = z.input<typeof WorkloadBehaviourSchema>;

const LayerSchema = z.custom<Layer>((value) => typeof value === "object" && value !== null && !Array.isArray(value), {
  message: "a layer must be an object",
});

export const MemoryPebbleState = z.object({
  canConnect: z.boolean().default(true),
  layers: z.array(z.object({ label: z.string().min(1), layer: LayerSchema })).default([]),
  /** Services not listed here are inactive. */
  services: z
    .record(
      z.string(),
      z.object({
        current: z.enum(["active", "inactive", "error", "backoff"]),
        /** The plan entry the service was started with; omitted = the current plan's (nothing to replan). */
        startedWith: z.custom<ServiceSpec>().optional(),
        /** When the running process started (simulated ms). */
        startedAtMs: z.number().optional(),
        /** Backoff: how many restarts in a row, the last delay, and when the next restart is due. */
        backoffNum: z.number().int().optional(),
        backoffMs: z.number().optional(),
        backoffUntilMs: z.number().optional(),
        /** Files the running process read when it started (`WorkloadBehaviour.readsAtStart`). */
        loaded: z.record(z.string(), z.string()).optional(),
      }),
    )
    .default({}),
  files: z
    .array(
      z.object({
        path: z.string(),
        type: z.enum(["file", "directory"]).default("file"),
        content: z.string().default(""),
        encoding: z.enum(["utf-8", "base64"]).default("utf-8"),
        permissions: z.number().int().min(0).max(0o7777).optional(),
        user: z.string().optional(),
        group: z.string().optional(),
      }),
    )
    .default([]),
  checkStatusOverrides: z.record(z.string(), z.enum(["up", "down"])).default({}),
  /** The simulated clock, in ms since the container started. */
  nowMs: z.number().nonnegative().default(0),
  /** Pebble's change counter (check changes, service changes, execs). */
  changeCount: z.number().int().nonnegative().default(0),
  /** The running state of each check in the plan; a plan check missing here starts at `nowMs`. */
  checkRuns: z.record(z.string(), CheckRunSchema).default({}),
  /** How each service's process behaves when started. */
  workloads: z.record(z.string(), WorkloadBehaviourSchema).default({}),
  /** The services' output, oldest first. */
  logs: z.array(z.object({ atMs: z.number(), service: z.string(), message: z.string() })).default([]),
  /** The system CA bundle as Pebble loaded it at its first https probe (Go caches it for good). */
  pebbleRoots: z.string().optional(),
  /** Services whose command fails as they start, with the reason Pebble would report. */
  startFailures: z.record(z.string(), z.string()).default({}),
  journal: z
    .array(
      z.object({
        action: z.enum(["start", "stop", "restart", "replan"]),
        services: z.array(z.string()),
        restarted: z.array(z.string()).optional(),
      }),
    )
    .default([]),
  /**
   * Commands the container can run, as canned answers (like Scenario's `Exec`): the first entry
   * whose `command` is a prefix of the exec's argv answers it.
   */
  execs: z
    .array(
      z.object({
        command: z.array(z.string()).min(1),
        exitCode: z.number().int().default(0),
        stdout: z.string().default(""),
        stderr: z.string().default(""),
        durationMs: z.number().nonnegative().default(0),
      }),
    )
    .default([]),
  /** Every command exec ran, in order. */
  execJournal: z.array(ExecJournalRecord).default([]),
});
export type MemoryPebbleState = z.infer<typeof MemoryPebbleState>;
export type MemoryPebbleStateInput = z.input<typeof MemoryPebbleState>;

/**
 * What is wrong with a container snapshot (empty when `fromState` will accept it), for the
 * harness's consistency checks: unknown fields, duplicate labels, a layer Pebble would refuse,
 * a service state for a service the plan does not have.
 */
export function memoryPebbleStateProblems(input: unknown): string[] {
  const parsed = MemoryPebbleState.safeParse(input);
  if (!parsed.success) return parsed.error.issues.map((issue) => `${issue.path.join(".") || "container"}: ${issue.message}`);
  try {
    MemoryPebble.fromState(parsed.data);
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

// ---------------------------------------------------------------------------------------------
// Layers: parse-time validation, combination, plan validation (pure). Rules and messages follow
// canonical/pebble internals/plan/plan.go (ParseLayer, Layer.Validate, CombineLayers, Plan.Validate).

type SectionName = "services" | "checks" | "log-targets";
const SECTIONS: readonly SectionName[] = ["services", "checks", "log-targets"];
const SECTION_NOUN: Record<SectionName, string> = { services: "service", checks: "check", "log-targets": "log target" };

/** Pebble decodes layers with unknown fields rejected; these are the fields it knows. */
const KNOWN_FIELDS: Record<SectionName | "layer" | "http" | "tcp" | "exec", readonly string[]> = {
  layer: ["summary", "description", "services", "checks", "log-targets"],
  services: [
    "summary", "description", "startup", "override", "command", "after", "before", "requires", "environment",
    "user-id", "user", "group-id", "group", "working-dir", "on-success", "on-failure", "on-check-failure",
    "backoff-delay", "backoff-factor", "backoff-limit", "kill-delay",
  ],
  checks: ["override", "level", "startup", "period", "timeout", "threshold", "http", "tcp", "exec"],
  "log-targets": ["type", "location", "services", "override", "labels"],
  http: ["url", "headers"],
  tcp: ["port", "host"],
  exec: ["command", "service-context", "environment", "user-id", "user", "group-id", "group", "working-dir"],
};
const GO_TYPE: Record<SectionName, string> = { services: "plan.Service", checks: "plan.Check", "log-targets": "plan.LogTarget" };
const SERVICE_ACTIONS = ["", "restart", "shutdown", "ignore"];
const LOG_TARGET_TYPES = ["loki", "syslog", "opentelemetry"];

/** `override: merge` rules: maps merge key by key, lists append (duplicates kept, as Pebble does). */
const MAP_FIELDS: Record<SectionName, readonly string[]> = {
  services: ["environment", "on-check-failure"],
  checks: [],
  "log-targets": ["labels"],
};
const LIST_FIELDS: Record<SectionName, readonly string[]> = {
  services: ["after", "before", "requires"],
  checks: [],
  "log-targets": ["services"],
};
/** A check's probe merges field by field, its own maps key by key. */
const PROBE_FIELDS = ["http", "tcp", "exec"] as const;

/** Deep copy of plain data (layers are JSON-shaped); far cheaper than structuredClone. */
function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clone) as T;
  if (value instanceof Uint8Array) return new Uint8Array(value) as T;
  if (typeof value === "object" && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) copy[key] = clone(inner);
    return copy as T;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function badRequest(message: string): PebbleApiError {
  return new PebbleApiError(400, "", message);
}

/** What Pebble's ParseLayer rejects; the API reports it as "cannot parse layer YAML: …". */
export function validateLayer(label: string, layer: unknown): void {
  const fail = (message: string): never => {
    throw badRequest(`cannot parse layer YAML: ${message}`);
  };
  if (!isPlainObject(layer)) return fail(`cannot parse layer "${label}": a layer must be a mapping`);
  if (label.startsWith("pebble-")) fail(`cannot use reserved label prefix "pebble-"`);
  for (const field of Object.keys(layer).sort()) {
    if (!KNOWN_FIELDS.layer.includes(field)) fail(`cannot parse layer "${label}": unknown section "${field}"`);
  }
  for (const section of SECTIONS) {
    const entries = layer[section];
    if (entries === undefined || entries === null) continue;
    if (!isPlainObject(entries)) fail(`cannot parse layer "${label}" section "${section}": expected a mapping`);
    for (const name of Object.keys(entries as Record<string, unknown>).sort()) {
      const entry = (entries as Record<string, unknown>)[name];
      if (name === "") fail(`cannot use empty string as ${SECTION_NOUN[section]} name`);
      if (!isPlainObject(entry)) fail(`${SECTION_NOUN[section]} object cannot be null for ${SECTION_NOUN[section]} "${name}"`);
      const fields = entry as Record<string, unknown>;
      for (const field of Object.keys(fields).sort()) {
        if (!KNOWN_FIELDS[section].includes(field)) fail(`cannot parse layer "${label}" section "${section}": field ${field} not found in type ${GO_TYPE[section]}`);
      }
      if (section === "services") validateServiceEntry(name, fields, fail);
      if (section === "checks") validateCheckEntry(label, name, fields, fail);
      if (section === "log-targets" && fields["type"] !== undefined && !LOG_TARGET_TYPES.includes(String(fields["type"]))) {
        fail(`log target "${name}" has unsupported type "${String(fields["type"])}", must be "loki" or "syslog"`);
      }
    }
  }
}

function validateServiceEntry(name: string, service: Record<string, unknown>, fail: (message: string) => never): void {
  if (name === "pebble") fail(`cannot use reserved service name "pebble"`);
  if (name.startsWith("-")) fail(`cannot use service name "${name}": starting with "-" not allowed`);
  if (service["startup"] !== undefined && !["enabled", "disabled", ""].includes(String(service["startup"]))) {
    fail(`plan service "${name}" startup must be "enabled" or "disabled"`);
  }
  for (const field of ["on-success", "on-failure"] as const) {
    const action = service[field];
    if (action !== undefined && !SERVICE_ACTIONS.includes(String(action))) fail(`plan service "${name}" ${field} action "${String(action)}" invalid`);
  }
  const onCheckFailure = service["on-check-failure"];
  if (isPlainObject(onCheckFailure)) {
    for (const action of Object.values(onCheckFailure)) {
      if (!SERVICE_ACTIONS.includes(String(action))) fail(`plan service "${name}" on-check-failure action "${String(action)}" invalid`);
    }
  }
  const factor = service["backoff-factor"];
  if (typeof factor === "number" && factor < 1) fail(`plan service "${name}" backoff-factor must be 1.0 or greater, not ${factor}`);
}

function validateCheckEntry(label: string, name: string, check: Record<string, unknown>, fail: (message: string) => never): void {
  if (check["level"] !== undefined && !["alive", "ready", ""].includes(String(check["level"]))) fail(`plan check "${name}" level must be "alive" or "ready"`);
  if (check["startup"] !== undefined && !["enabled", "disabled", ""].includes(String(check["startup"]))) {
    fail(`plan check "${name}" startup must be "enabled" or "disabled"`);
  }
  for (const probe of PROBE_FIELDS) {
    const value = check[probe];
    if (value === undefined || value === null) continue;
    if (!isPlainObject(value)) fail(`cannot parse layer "${label}" section "checks": ${probe} of check "${name}" must be a mapping`);
    for (const field of Object.keys(value as Record<string, unknown>).sort()) {
      const goType = probe === "http" ? "plan.HTTPCheck" : probe === "tcp" ? "plan.TCPCheck" : "plan.ExecCheck";
      if (!KNOWN_FIELDS[probe].includes(field)) fail(`cannot parse layer "${label}" section "checks": field ${field} not found in type ${goType}`);
    }
  }
}

function mergeEntry(section: SectionName, base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    // Pebble's Merge leaves `override` as it was: it says how to combine, it is not configuration.
    if (value === undefined || value === null || value === "" || key === "override") continue;
    const previous = merged[key];
    if (MAP_FIELDS[section].includes(key) && isPlainObject(previous) && isPlainObject(value)) {
      merged[key] = { ...previous, ...value };
    } else if (LIST_FIELDS[section].includes(key) && Array.isArray(previous) && Array.isArray(value)) {
      merged[key] = [...previous, ...value];
    } else if (section === "checks" && (PROBE_FIELDS as readonly string[]).includes(key) && isPlainObject(previous) && isPlainObject(value)) {
      const probe: Record<string, unknown> = { ...previous, ...value };
      for (const mapKey of ["headers", "environment"]) {
        if (isPlainObject(previous[mapKey]) && isPlainObject(value[mapKey])) probe[mapKey] = { ...previous[mapKey], ...value[mapKey] };
      }
      merged[key] = probe;
    } else {
      merged[key] = clone(value);
    }
  }
  return merged;
}

/**
 * Combine `over` into `base` with Pebble's override rules (merge: fold into what exists;
 * replace: take the new entry whole); throws PebbleApiError for a missing or unknown override.
 */
export function combineLayers(label: string, base: Layer, over: Layer): Layer {
  const combined: Layer = clone(base);
  // Like Pebble, the combined layer's summary and description are the last layer's.
  if (over.summary !== undefined) combined.summary = over.summary;
  else delete combined.summary;
  if (over.description !== undefined) combined.description = over.description;
  else delete combined.description;
  for (const section of SECTIONS) {
    const entries = over[section] as Record<string, Record<string, unknown>> | undefined;
    if (entries === undefined || entries === null) continue;
    const target = { ...((combined[section] ?? {}) as Record<string, Record<string, unknown>>) };
    for (const name of Object.keys(entries).sort()) {
      const entry = entries[name]!;
      const existing = target[name];
      if (entry.override === "merge" && existing !== undefined) target[name] = mergeEntry(section, existing, entry);
      else if (entry.override === "merge" || entry.override === "replace") target[name] = clone(entry);
      else if (entry.override === undefined || entry.override === "") {
        throw badRequest(`layer "${label}" must define "override" for ${SECTION_NOUN[section]} "${name}"`);
      } else throw badRequest(`layer "${label}" has invalid "override" value for ${SECTION_NOUN[section]} "${name}"`);
    }
    (combined as Record<string, unknown>)[section] = target;
  }
  return combined;
}

/** Flatten labelled layers (in order) into the plan, with Pebble's defaults, and validate it. */
export function flattenLayers(layers: readonly { label: string; layer: Layer }[]): Plan {
  let combined: Layer = {};
  for (const { label, layer } of layers) combined = combineLayers(label, combined, layer);
  const checks: Plan["checks"] = {};
  for (const [name, check] of Object.entries(combined.checks ?? {})) {
    // Pebble fills in the default failure threshold, and shows it in the plan.
    checks[name] = check.threshold ? check : { ...check, threshold: DEFAULT_CHECK_THRESHOLD };
  }
  const plan: Plan = {
    services: sortRecord(combined.services ?? {}),
    checks: sortRecord(checks),
    "log-targets": sortRecord(combined["log-targets"] ?? {}),
  };
  validatePlan(plan);
  return plan;
}

function validatePlan(plan: Plan): void {
  for (const name of Object.keys(plan.services)) {
    const command = plan.services[name]!.command;
    if (typeof command !== "string" || command === "") throw badRequest(`plan must define "command" for service "${name}"`);
  }
  for (const name of Object.keys(plan.checks)) {
    const check = plan.checks[name]!;
    if (check.http !== undefined && !check.http.url) throw badRequest(`plan must set "url" for http check "${name}"`);
    if (check.tcp !== undefined && !check.tcp.port) throw badRequest(`plan must set "port" for tcp check "${name}"`);
    if (check.exec !== undefined && !check.exec.command) throw badRequest(`plan must set "command" for exec check "${name}"`);
    const probes = PROBE_FIELDS.filter((probe) => check[probe] !== undefined && check[probe] !== null);
    if (probes.length !== 1) throw badRequest(`plan must specify one of "http", "tcp", or "exec" for check "${name}"`);
  }
  for (const name of Object.keys(plan["log-targets"])) {
    const target = plan["log-targets"][name]!;
    if (!target.type) throw badRequest(`plan must define "type" ("loki" or "syslog") for log target "${name}"`);
    for (const service of target.services ?? []) {
      const serviceName = service.replace(/^-/, "");
      if (serviceName !== "all" && plan.services[serviceName] === undefined) {
        throw badRequest(`log target "${name}" specifies unknown service "${serviceName}"`);
      }
    }
    if (!target.location) throw badRequest(`plan must define "location" for log target "${name}"`);
  }
}

function sortRecord<T>(record: Record<string, T>): Record<string, T> {
  const sorted: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) sorted[key] = record[key] as T;
  return sorted;
}

/**
 * Compare two plan entries ignoring key order and `override`, which says how layers combine and
 * not how the service runs (what "changed since started" means for replan).
 */
function sameSpec(a: ServiceSpec | undefined, b: ServiceSpec | undefined): boolean {
  const runConfig = (spec: ServiceSpec | undefined) => {
    if (spec === undefined) return undefined;
    const { override: _override, ...rest } = spec;
    return rest;
  };
  return canonicalJson(runConfig(a)) === canonicalJson(runConfig(b));
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => (isPlainObject(inner) ? sortRecord(inner) : inner));
}

// ---------------------------------------------------------------------------------------------
// The in-memory file system

interface FileNode {
  type: "file" | "directory";
  content: Uint8Array;
  permissions: number;
  user?: string;
  group?: string;
}

/**
 * Pebble's refusal of a file operation. A missing file is an everyday answer (a charm checks its
 * files on every hook), and capturing the stack is most of what an Error costs; a stack would only
 * point into this fake, so none is captured. Callers see the same class, status, kind and message.
 */
function fileError(statusCode: number, kind: "not-found" | "permission-denied" | "generic-file-error", message: string): PebbleApiError {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new PebbleApiError(statusCode, kind, message);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

function absolutePath(path: string): string {
  if (!path.startsWith("/")) throw fileError(400, "generic-file-error", `paths must be absolute, got "${path}"`);
  const normalized = posixPath.normalize(path);
  return normalized.length > 1 && normalized.endsWith("/") ? normalized.slice(0, -1) : normalized;
}

/** Shell-style match of a file name (`*`, `?`, `[...]`), as Go's path.Match that Pebble uses. */
function matchesPattern(name: string, pattern: string): boolean {
  let source = "^";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else if (char === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) throw fileError(400, "generic-file-error", `syntax error in pattern "${pattern}"`);
      const body = pattern.slice(i + 1, end).replace(/^\^/, "!");
      source += "[" + (body.startsWith("!") ? "^" + body.slice(1) : body).replace(/\\/g, "\\\\") + "]";
      i = end;
    } else source += char.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(source + "$").test(name);
}

const textEncoder = new TextEncoder();
const strictTextDecoder = new TextDecoder("utf-8", { fatal: true });

// ---------------------------------------------------------------------------------------------

interface ServiceRuntime {
  current: ServiceCurrent;
  startedWith?: ServiceSpec;
  startedAtMs?: number;
  backoffNum?: number;
  backoffMs?: number;
  backoffUntilMs?: number;
  loaded?: Record<string, string>;
}

/** servstate okayDelay: a process that exits sooner fails its start change. */
export const OKAY_DELAY_MS = 1_000;
/** plan.go defaults for a service's backoff and a check's period and timeout. */
export const DEFAULT_BACKOFF_DELAY_MS = 500;
export const DEFAULT_BACKOFF_FACTOR = 2;
export const DEFAULT_BACKOFF_LIMIT_MS = 30_000;
export const DEFAULT_CHECK_PERIOD_MS = 10_000;
/** Where Debian's update-ca-certificates writes the system bundle Go reads its roots from. */
export const SYSTEM_CA_BUNDLE_PATH = "/etc/ssl/certs/ca-certificates.crt";

/** What Juju learns from Pebble's notices about a check (Juju ≥ 3.6 dispatches it as a hook). */
export interface CheckEvent {
  readonly kind: "pebble-check-failed" | "pebble-check-recovered";
  readonly check: string;
  readonly atMs: number;
}

/** A probe's result: passed, or failed with Pebble's error text. */
type ProbeResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

export class MemoryPebble implements PebbleClient {
  /** When false, every PebbleClient call throws PebbleConnectionError (the container is not up). */
  canConnect = true;
  private layers: { label: string; layer: Layer }[] = [];
  private cachedPlan: Plan | undefined;
  private readonly services = new Map<string, ServiceRuntime>();
  private readonly files = new Map<string, FileNode>();
  private readonly checkOverrides = new Map<string, CheckStatus>();
  private readonly actions: ServiceActionRecord[] = [];
  private readonly startFailures = new Map<string, string>();
  private failedStarts: { name: string; reason: string }[] = [];
  private changeCount = 0;
  private nowMs = 0;
  private readonly checkRuns = new Map<string, CheckRun>();
  private readonly workloads = new Map<string, z.infer<typeof WorkloadBehaviourSchema>>();
  private logLines: { atMs: number; service: string; message: string }[] = [];
  private pebbleRoots: string | undefined;
  private checkEvents: CheckEvent[] = [];
  private readonly execHandlers = new Map<string, ExecHandler>();
  private cannedExecs: MemoryPebbleState["execs"] = [];
  private readonly execs: ExecJournalRecord[] = [];

  constructor(options: { canConnect?: boolean } = {}) {
    if (options.canConnect !== undefined) this.canConnect = options.canConnect;
  }

  // --- snapshot --------------------------------------------------------------------------------

  static fromState(input: MemoryPebbleStateInput): MemoryPebble {
    const state = MemoryPebbleState.parse(input);
    const pebble = new MemoryPebble({ canConnect: state.canConnect });
    for (const { label, layer } of state.layers) {
      if (pebble.layers.some((existing) => existing.label === label)) throw new Error(`container layers: label "${label}" appears twice`);
      try {
        validateLayer(label, layer);
      } catch (error) {
        throw new Error(`container layer "${label}": ${(error as Error).message}`);
      }
      pebble.layers.push({ label, layer: clone(layer) });
    }
    let plan: Plan;
    try {
      plan = pebble.plan();
    } catch (error) {
      throw new Error(`container layers do not form a valid plan: ${(error as Error).message}`);
    }
    pebble.nowMs = state.nowMs;
    pebble.changeCount = state.changeCount;
    for (const [name, behaviour] of Object.entries(state.workloads)) pebble.workloads.set(name, clone(behaviour));
    for (const name of Object.keys(state.services).sort()) {
      const service = state.services[name]!;
      if (plan.services[name] === undefined) throw new Error(`container services: "${name}" has a state but no layer defines it`);
      const startedWith = service.startedWith ?? (service.current === "inactive" ? undefined : plan.services[name]);
      const { current, startedWith: _given, ...timing } = service;
      pebble.services.set(name, {
        current,
        ...(startedWith ? { startedWith: clone(startedWith) } : {}),
        ...(current === "active" && timing.startedAtMs === undefined ? { startedAtMs: state.nowMs } : {}),
        ...clone(timing),
      });
    }
    for (const [name, run] of Object.entries(state.checkRuns)) pebble.checkRuns.set(name, clone(run));
    pebble.logLines = clone(state.logs);
    pebble.pebbleRoots = state.pebbleRoots;
    pebble.syncCheckRuns();
    for (const file of [...state.files].sort((a, b) => byCodePoint(a.path, b.path))) {
      const path = absolutePath(file.path);
      pebble.ensureParents(path, {});
      pebble.files.set(path, {
        type: file.type,
        content: file.type === "file" ? (file.encoding === "base64" ? Buffer.from(file.content, "base64") : textEncoder.encode(file.content)) : new Uint8Array(),
        permissions: file.permissions ?? (file.type === "directory" ? DEFAULT_DIRECTORY_PERMISSIONS : DEFAULT_FILE_PERMISSIONS),
        ...(file.user !== undefined ? { user: file.user } : {}),
        ...(file.group !== undefined ? { group: file.group } : {}),
      });
    }
    for (const [name, status] of Object.entries(state.checkStatusOverrides)) pebble.checkOverrides.set(name, status);
    for (const [name, reason] of Object.entries(state.startFailures)) pebble.startFailures.set(name, reason);
    for (const record of state.journal) pebble.actions.push(copyRecord(record));
    pebble.cannedExecs = clone(state.execs);
    for (const record of state.execJournal) pebble.execs.push(clone(record));
    return pebble;
  }

  /** A plain-data snapshot, sorted, that `fromState` restores. */
  toState(): MemoryPebbleState {
    const services: MemoryPebbleState["services"] = {};
    for (const name of [...this.services.keys()].sort()) {
      const runtime = this.services.get(name)!;
      if (runtime.current === "inactive" && runtime.startedWith === undefined) continue;
      services[name] = clone(runtime) as MemoryPebbleState["services"][string];
    }
    const files: MemoryPebbleState["files"] = [];
    for (const path of [...this.files.keys()].sort()) {
      const node = this.files.get(path)!;
      const text = node.type === "file" ? decodeUtf8(node.content) : "";
      files.push({
        path,
        type: node.type,
        content: text ?? Buffer.from(node.content).toString("base64"),
        encoding: text === undefined ? "base64" : "utf-8",
        permissions: node.permissions,
        ...(node.user !== undefined ? { user: node.user } : {}),
        ...(node.group !== undefined ? { group: node.group } : {}),
      });
    }
    return {
      canConnect: this.canConnect,
      layers: this.layers.map(({ label, layer }) => ({ label, layer: clone(layer) })),
      services,
      files,
      checkStatusOverrides: Object.fromEntries([...this.checkOverrides.entries()].sort(([a], [b]) => byCodePoint(a, b))),
      nowMs: this.nowMs,
      changeCount: this.changeCount,
      checkRuns: Object.fromEntries([...this.checkRuns.entries()].sort(([a], [b]) => byCodePoint(a, b)).map(([name, run]) => [name, clone(run)])),
      workloads: Object.fromEntries([...this.workloads.entries()].sort(([a], [b]) => byCodePoint(a, b)).map(([name, behaviour]) => [name, clone(behaviour)])),
      logs: clone(this.logLines),
      ...(this.pebbleRoots !== undefined ? { pebbleRoots: this.pebbleRoots } : {}),
      startFailures: Object.fromEntries([...this.startFailures.entries()].sort(([a], [b]) => byCodePoint(a, b))),
      journal: this.actions.map(copyRecord),
      execs: clone(this.cannedExecs),
      execJournal: this.execs.map(clone),
    };
  }

  // --- test controls (never fail on canConnect: the test owns the container) ---------------------

  /** Every service action asked for, in order. */
  get journal(): readonly ServiceActionRecord[] {
    return this.actions;
  }

  /** How many times `service` was restarted: by `restart`, or by a `replan` that found its plan changed. */
  restartCount(service: string): number {
    return this.actions.filter((record) =>
      record.action === "restart" ? record.services.includes(service) : (record.restarted ?? []).includes(service),
    ).length;
  }

  /** The labels of the layers, in plan order. */
  get layerLabels(): readonly string[] {
    return this.layers.map((entry) => entry.label);
  }

  /** Force a check's status while its workload runs (a stopped service's checks are down regardless). */
  setCheckStatus(name: string, status: CheckStatus | undefined): void {
    if (status === undefined) this.checkOverrides.delete(name);
    else this.checkOverrides.set(name, status);
  }

  /**
   * Make `service`'s command fail whenever it is started (undefined: it starts fine again). The
   * start, restart or replan then fails as a Pebble change does (PebbleChangeError) and the
   * service is left in "error".
   */
  setStartFailure(service: string, reason: string | undefined): void {
    if (reason === undefined) this.startFailures.delete(service);
    else this.startFailures.set(service, reason);
  }

  /**
   * Make `commandName` (matched exactly against argv[0], so `/bin/tempo` and `tempo` differ, as
   * they do on a PATH lookup) a command the container can run. Handlers win over canned `execs`
   * and are not part of the snapshot. `undefined` removes it again.
   */
  setExecHandler(commandName: string, handler: ExecHandler | undefined): void {
    if (handler === undefined) this.execHandlers.delete(commandName);
    else this.execHandlers.set(commandName, handler);
  }

  /** Every command exec ran, in order (a missing executable never runs, so it is not here). */
  get execJournal(): readonly ExecJournalRecord[] {
    return this.execs;
  }

  /** Whether exec can find `executable` (Pebble checks this before it creates the exec change). */
  hasExecutable(executable: string): boolean {
    return this.execHandlers.has(executable) || this.cannedExecs.some((canned) => canned.command[0] === executable);
  }

  /** Put a service into a state the workload reached by itself (it crashed into backoff, say). */
  setServiceCurrent(name: string, current: ServiceCurrent): void {
    const runtime = this.services.get(name);
    if (runtime) runtime.current = current;
    else this.services.set(name, { current });
  }

  /** How `service`'s process behaves from its next start on (undefined: runs, ready at once, prints nothing). */
  setWorkload(service: string, behaviour: WorkloadBehaviour | undefined): void {
    if (behaviour === undefined) this.workloads.delete(service);
    else this.workloads.set(service, WorkloadBehaviourSchema.parse(behaviour));
  }

  /** The simulated clock, in ms. */
  get now(): number {
    return this.nowMs;
  }

  /**
   * Let `ms` of simulated time pass: every Pebble timer due in that time fires in order (check
   * probes, process exits, backoff restarts). Check transitions are queued for `takeCheckEvents`.
   */
  advanceTime(ms: number): void {
    const until = this.nowMs + Math.max(0, ms);
    for (;;) {
      const next = this.nextTimer();
      if (next === undefined || next.atMs > until) break;
      this.nowMs = Math.max(this.nowMs, next.atMs);
      next.fire();
    }
    this.nowMs = until;
  }

  /** The check transitions since the last call, oldest first (what Juju would dispatch). */
  takeCheckEvents(): CheckEvent[] {
    const events = this.checkEvents;
    this.checkEvents = [];
    return events;
  }

  /** Whether `service` runs and has run long enough to answer its ready endpoint (for fake commands). */
  isServiceReady(service: string): boolean {
    const runtime = this.services.get(service);
    if (runtime?.current !== "active" || runtime.startedAtMs === undefined) return false;
    return this.nowMs - runtime.startedAtMs >= (this.workloads.get(service)?.readyAfterMs ?? 0);
  }

  /** The content `service` read from `path` when its process last started (for fake commands). */
  loadedFile(service: string, path: string): string | undefined {
    return this.services.get(service)?.loaded?.[absolutePath(path)];
  }

  /** Write a file at once, parents made (for fake commands that write files, like update-ca-certificates). */
  putText(path: string, content: string): void {
    const normalized = absolutePath(path);
    this.ensureParents(normalized, {});
    this.files.set(normalized, { type: "file", content: textEncoder.encode(content), permissions: DEFAULT_FILE_PERMISSIONS });
  }

  /** The file's content as text, or undefined when there is no such file (for assertions). */
  readText(path: string): string | undefined {
    const node = this.files.get(absolutePath(path));
    return node?.type === "file" ? Buffer.from(node.content).toString("utf-8") : undefined;
  }

  /** Metadata of a path without the connection check (for assertions). */
  stat(path: string): FileInfo | undefined {
    const normalized = absolutePath(path);
    const node = this.files.get(normalized);
    return node ? this.fileInfo(normalized, node) : normalized === "/" ? this.fileInfo("/", this.rootNode()) : undefined;
  }

  // --- PebbleClient ------------------------------------------------------------------------------

  async systemInfo(): Promise<{ version: string }> {
    this.assertConnected();
    return { version: MEMORY_PEBBLE_VERSION };
  }

  async addLayer(label: string, layer: Layer, options: { combine?: boolean } = {}): Promise<void> {
    this.assertConnected();
    if (label === "") throw badRequest("label must be set");
    validateLayer(label, layer);
    const index = this.layers.findIndex((existing) => existing.label === label);
    let next: { label: string; layer: Layer }[];
    if (index >= 0) {
      if (!options.combine) throw badRequest(`layer "${label}" already exists`);
      next = [...this.layers];
      next[index] = { label, layer: combineLayers(label, this.layers[index]!.layer, layer) };
    } else {
      // Combining into nothing checks the overrides of a new layer, as Pebble does for every layer.
      next = [...this.layers, { label, layer: combineLayers(label, {}, layer) }];
    }
    flattenLayers(next); // throws on an invalid plan, leaving the layers unchanged
    this.layers = next;
    this.cachedPlan = undefined;
    this.syncCheckRuns();
  }

  async getPlan(): Promise<Plan> {
    this.assertConnected();
    return clone(this.plan());
  }

  async getServices(names?: readonly string[]): Promise<ServiceInfo[]> {
    this.assertConnected();
    const plan = this.plan();
    const wanted = names && names.length > 0 ? new Set(names) : undefined;
    return Object.keys(plan.services)
      .filter((name) => wanted === undefined || wanted.has(name))
      .map((name) => ({
        name,
        startup: plan.services[name]!.startup === "enabled" || plan.services[name]!.startup === "disabled" ? plan.services[name]!.startup! : "unknown",
        current: this.services.get(name)?.current ?? "inactive",
      }));
  }

  async startServices(names: readonly string[]): Promise<void> {
    this.assertConnected();
    this.requireKnownServices("start", names);
    this.actions.push({ action: "start", services: [...names] });
    // serviceForStart: a running service is left alone; one in backoff is started afresh.
    for (const name of names) if (this.services.get(name)?.current !== "active") this.run(name);
    this.finishChange();
  }

  async stopServices(names: readonly string[]): Promise<void> {
    this.assertConnected();
    this.requireKnownServices("stop", names);
    this.actions.push({ action: "stop", services: [...names] });
    for (const name of names) this.halt(name);
  }

  async restartServices(names: readonly string[]): Promise<void> {
    this.assertConnected();
    this.requireKnownServices("restart", names);
    this.actions.push({ action: "restart", services: [...names] });
    for (const name of names) {
      this.halt(name);
      this.run(name);
    }
    this.finishChange();
  }

  async replan(): Promise<void> {
    this.assertConnected();
    const plan = this.plan();
    // Pebble compares every service it has ever started (running or not) with the plan; a changed
    // one is stopped and started again, even if it had been stopped (servstate Replan).
    const changed: string[] = [];
    for (const name of [...this.services.keys()].sort()) {
      const startedWith = this.services.get(name)!.startedWith;
      if (startedWith === undefined) continue;
      const spec = plan.services[name];
      if (spec === undefined || !sameSpec(spec, startedWith)) changed.push(name);
    }
    const wasRunning = new Set(changed.filter((name) => this.isRunning(name)));
    const toStart = Object.keys(plan.services).filter(
      (name) => changed.includes(name) || (plan.services[name]!.startup === "enabled" && !this.isRunning(name)),
    );
    for (const name of changed) this.halt(name);
    for (const name of toStart) this.run(name);
    this.actions.push({
      action: "replan",
      services: [...toStart].sort(),
      restarted: toStart.filter((name) => wasRunning.has(name)).sort(),
    });
    this.finishChange();
  }

  async push(path: string, content: string | Uint8Array, options: PushOptions = {}): Promise<void> {
    this.assertConnected();
    const normalized = absolutePath(path);
    const existing = this.files.get(normalized);
    if (existing?.type === "directory" || normalized === "/") throw fileError(400, "generic-file-error", `open ${normalized}: is a directory`);
    const owner = { user: options.user, group: options.group };
    if (options.makeDirs) this.ensureParents(normalized, owner);
    else this.requireParentDirectory(normalized, "open");
    this.files.set(normalized, {
      type: "file",
      content: typeof content === "string" ? textEncoder.encode(content) : new Uint8Array(content),
      permissions: options.permissions ?? DEFAULT_FILE_PERMISSIONS,
      ...(options.user !== undefined ? { user: options.user } : {}),
      ...(options.group !== undefined ? { group: options.group } : {}),
    });
  }

  async pull(path: string): Promise<Uint8Array> {
    this.assertConnected();
    const normalized = absolutePath(path);
    const node = this.files.get(normalized);
    if (normalized === "/" || node?.type === "directory") throw fileError(400, "generic-file-error", `can only read a regular file: "${normalized}"`);
    if (node === undefined) throw fileError(404, "not-found", `stat ${normalized}: no such file or directory`);
    return new Uint8Array(node.content);
  }

  async listFiles(path: string, options: { itself?: boolean; pattern?: string } = {}): Promise<FileInfo[]> {
    this.assertConnected();
    const normalized = absolutePath(path);
    const node = normalized === "/" ? this.rootNode() : this.files.get(normalized);
    if (node === undefined) throw fileError(404, "not-found", `stat ${normalized}: no such file or directory`);
    let entries: FileInfo[];
    if (node.type === "file" || options.itself) {
      entries = [this.fileInfo(normalized, node)];
    } else {
      entries = this.childrenOf(normalized).map((child) => this.fileInfo(child, this.files.get(child)!));
    }
    if (options.pattern !== undefined && options.pattern !== "") {
      const pattern = options.pattern;
      entries = entries.filter((entry) => matchesPattern(entry.name, pattern));
    }
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async makeDir(path: string, options: { makeParents?: boolean; permissions?: number; user?: string; group?: string } = {}): Promise<void> {
    this.assertConnected();
    const normalized = absolutePath(path);
    const existing = normalized === "/" ? this.rootNode() : this.files.get(normalized);
    if (existing !== undefined) {
      if (options.makeParents && existing.type === "directory") return;
      throw fileError(400, "generic-file-error", `mkdir ${normalized}: file exists`);
    }
    const owner = { user: options.user, group: options.group };
    if (options.makeParents) this.ensureParents(normalized, owner);
    else this.requireParentDirectory(normalized, "mkdir");
    this.files.set(normalized, this.directoryNode(options.permissions ?? DEFAULT_DIRECTORY_PERMISSIONS, owner));
  }

  async removePath(path: string, options: { recursive?: boolean } = {}): Promise<void> {
    this.assertConnected();
    const normalized = absolutePath(path);
    if (normalized === "/") throw fileError(400, "generic-file-error", `remove /: cannot remove the root directory`);
    const node = this.files.get(normalized);
    if (node === undefined) {
      // Pebble's recursive remove is os.RemoveAll, which succeeds on a missing path.
      if (options.recursive) return;
      throw fileError(404, "not-found", `remove ${normalized}: no such file or directory`);
    }
    const descendants = [...this.files.keys()].filter((candidate) => candidate.startsWith(normalized + "/"));
    if (descendants.length > 0 && !options.recursive) throw fileError(400, "generic-file-error", `remove ${normalized}: directory not empty`);
    for (const descendant of descendants) this.files.delete(descendant);
    this.files.delete(normalized);
  }

  async getChecks(options: { level?: "alive" | "ready"; names?: readonly string[] } = {}): Promise<CheckInfo[]> {
    this.assertConnected();
    const plan = this.plan();
    const wanted = options.names && options.names.length > 0 ? new Set(options.names) : undefined;
    return Object.keys(plan.checks)
      .filter((name) => wanted === undefined || wanted.has(name))
      .map((name) => this.checkInfo(name, plan))
      .filter((check) => options.level === undefined || check.level === options.level);
  }

  async getLogs(services: readonly string[], lines: number): Promise<LogEntry[]> {
    this.assertConnected();
    const plan = this.plan();
    const wanted = services.length > 0 ? services : Object.keys(plan.services);
    // api_logs.go: services not in the plan have no log buffer; n=0 means no lines.
    const matching = this.logLines.filter((line) => wanted.includes(line.service));
    return matching.slice(Math.max(0, matching.length - Math.max(0, lines))).map((line) => ({
      time: new Date(line.atMs).toISOString(),
      service: line.service,
      message: line.message,
    }));
  }

  async exec(command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.assertConnected();
    const executable = command[0];
    if (executable === undefined) throw badRequest("must specify command");
    const stdin = options.stdin === undefined ? new Uint8Array() : typeof options.stdin === "string" ? textEncoder.encode(options.stdin) : new Uint8Array(options.stdin);
    const outcome = this.runFakeCommand(command, stdin);
    if (outcome === undefined) throw badRequest(`cannot find executable "${executable}"`);
    this.changeCount += 1;
    const isTimedOut = options.timeoutMs !== undefined && (outcome.durationMs ?? 0) > options.timeoutMs;
    this.execs.push({
      command: [...command],
      stdin: Buffer.from(stdin).toString("utf-8"),
      ...(options.environment !== undefined ? { environment: { ...options.environment } } : {}),
      ...(options.workingDir !== undefined ? { workingDir: options.workingDir } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.user !== undefined ? { user: options.user } : {}),
      ...(options.group !== undefined ? { group: options.group } : {}),
      outcome: isTimedOut ? "timed-out" : outcome.exitCode,
    });
    if (isTimedOut) {
      // Pebble's wording: the task fails with cmdstate's error inside the change's summary.
      const reason = `timed out after ${formatGoDuration(options.timeoutMs!)}: context deadline exceeded`;
      throw new PebbleChangeError(String(this.changeCount), `cannot perform the following tasks:\n- Execute command "${executable}" (${reason})`);
    }
    return { exitCode: outcome.exitCode, stdout: outcome.stdout ?? "", stderr: outcome.stderr ?? "" };
  }

  // --- internals ---------------------------------------------------------------------------------

  private runFakeCommand(command: readonly string[], stdin: Uint8Array): ExecOutcome | undefined {
    const handler = this.execHandlers.get(command[0]!);
    if (handler !== undefined) return handler([...command], stdin);
    const isPrefix = (prefix: readonly string[]) => prefix.length <= command.length && prefix.every((part, index) => command[index] === part);
    return this.cannedExecs.find((canned) => isPrefix(canned.command));
  }

  private assertConnected(): void {
    if (!this.canConnect) throw new PebbleConnectionError("cannot connect to Pebble: the container is not reachable");
  }

  private plan(): Plan {
    this.cachedPlan ??= flattenLayers(this.layers);
    return this.cachedPlan;
  }

  private requireKnownServices(action: ServiceAction, names: readonly string[]): void {
    // Pebble's wording (api_services.go), so the memory and HTTP paths fail alike.
    if (names.length === 0) throw badRequest(`must specify services for ${action} action`);
    const plan = this.plan();
    for (const name of names) {
      if (plan.services[name] === undefined) throw badRequest(`cannot ${action} services: service "${name}" does not exist`);
    }
  }

  private isRunning(name: string): boolean {
    const current = this.services.get(name)?.current;
    return current === "active" || current === "backoff";
  }

  /** A start, restart or replan starting `name`: its process runs, or fails within the okay delay. */
  private run(name: string): void {
    const spec = this.plan().services[name];
    const startedWith = spec ? { startedWith: clone(spec) } : {};
    const forced = this.startFailures.get(name);
    if (forced !== undefined) {
      this.failedStarts.push({ name, reason: forced });
      this.services.set(name, { current: "error", ...startedWith });
      return;
    }
    // serviceForStart: an explicit start resets the backoff.
    this.services.set(name, { current: "active", ...startedWith });
    this.spawn(name);
    const behaviour = this.workloads.get(name);
    if (behaviour?.exitAfterMs !== undefined && behaviour.exitAfterMs < OKAY_DELAY_MS) {
      // servstate exited(): in stateStarting the start task fails with this error (doStart wraps
      // it as "service start attempt: …") and the on-failure action still runs: the default,
      // restart, puts the service in backoff and Pebble keeps trying on its own.
      const action = serviceFailureAction(spec, behaviour.exitCode);
      this.failedStarts.push({ name, reason: `service start attempt: exited quickly with code ${behaviour.exitCode}, will ${action}` });
      this.processExited(name, behaviour.exitCode, this.nowMs + behaviour.exitAfterMs);
    }
  }

  /** The process (re)starts now: it reads its start-up files and prints its output. */
  private spawn(name: string): void {
    const runtime = this.services.get(name)!;
    const behaviour = this.workloads.get(name);
    runtime.startedAtMs = this.nowMs;
    const loaded: Record<string, string> = {};
    for (const path of behaviour?.readsAtStart ?? []) {
      const text = this.readText(path);
      if (text !== undefined) loaded[absolutePath(path)] = text;
    }
    runtime.loaded = loaded;
    for (const message of behaviour?.output ?? []) this.logLines.push({ atMs: this.nowMs, service: name, message });
  }

  /** servstate exited() with the default on-failure/on-success action: backoff, or stay down. */
  private processExited(name: string, exitCode: number, atMs: number): void {
    const runtime = this.services.get(name)!;
    const action = serviceFailureAction(this.plan().services[name], exitCode);
    const ranMs = runtime.startedAtMs === undefined ? 0 : atMs - runtime.startedAtMs;
    delete runtime.startedAtMs;
    if (action !== "restart") {
      // ActionIgnore: exited (reported as "error") on failure, stopped on success.
      runtime.current = exitCode === 0 ? "inactive" : "error";
      return;
    }
    // doBackoff + calculateNextBackoff: delay, then ×factor per attempt, clamped at the limit.
    const spec = this.plan().services[name];
    const delay = parseGoDurationOr(spec?.["backoff-delay"], DEFAULT_BACKOFF_DELAY_MS);
    const factor = spec?.["backoff-factor"] ?? DEFAULT_BACKOFF_FACTOR;
    const limit = parseGoDurationOr(spec?.["backoff-limit"], DEFAULT_BACKOFF_LIMIT_MS);
    // backoffResetElapsed: a process that ran for backoff-limit starts its backoff over.
    if (ranMs >= limit) {
      delete runtime.backoffMs;
      delete runtime.backoffNum;
    }
    const previous = runtime.backoffMs ?? 0;
    runtime.backoffMs = previous === 0 ? delay : Math.min(previous * factor, limit);
    runtime.backoffNum = (runtime.backoffNum ?? 0) + 1;
    runtime.backoffUntilMs = atMs + runtime.backoffMs;
    runtime.current = "backoff";
  }

  /** Every service action is one Pebble change; it fails when a service failed to start. */
  private finishChange(): void {
    this.changeCount += 1;
    const failed = this.failedStarts;
    this.failedStarts = [];
    if (failed.length === 0) return;
    const lines = failed.map(({ name, reason }) => `- Start service "${name}" (${reason})`);
    throw new PebbleChangeError(String(this.changeCount), `cannot perform the following tasks:\n${lines.join("\n")}`);
  }

  private halt(name: string): void {
    const runtime = this.services.get(name);
    // The configuration it ran with is kept: replan compares it with the plan. Stopping a
    // service in backoff cancels the pending restart and its backoff state.
    if (runtime) {
      runtime.current = "inactive";
      delete runtime.startedAtMs;
      delete runtime.backoffUntilMs;
      delete runtime.backoffMs;
      delete runtime.backoffNum;
    }
  }

  // --- the clock ---------------------------------------------------------------------------------

  /** The earliest pending timer, if any. Ties: services before checks, then by name (deterministic). */
  private nextTimer(): { atMs: number; fire: () => void } | undefined {
    let best: { atMs: number; fire: () => void } | undefined;
    const consider = (atMs: number, fire: () => void) => {
      if (best === undefined || atMs < best.atMs) best = { atMs, fire };
    };
    for (const name of [...this.services.keys()].sort()) {
      const runtime = this.services.get(name)!;
      const behaviour = this.workloads.get(name);
      if (runtime.current === "active" && runtime.startedAtMs !== undefined && behaviour?.exitAfterMs !== undefined) {
        consider(runtime.startedAtMs + behaviour.exitAfterMs, () => this.processExited(name, behaviour.exitCode, runtime.startedAtMs! + behaviour.exitAfterMs!));
      }
      if (runtime.current === "backoff" && runtime.backoffUntilMs !== undefined) {
        // backoffTimeElapsed: startInternal and straight to running (no okay delay this time).
        consider(runtime.backoffUntilMs, () => {
          delete runtime.backoffUntilMs;
          runtime.current = "active";
          this.spawn(name);
        });
      }
    }
    for (const name of [...this.checkRuns.keys()].sort()) {
      const run = this.checkRuns.get(name)!;
      consider(run.nextProbeAtMs, () => this.probeCheck(name, run));
    }
    return best;
  }

  /**
   * Keep a run for every enabled check in the plan: a new or changed check starts from nothing
   * (PlanChanged: aborted, its data deleted, a new perform-check change); a removed one goes.
   */
  private syncCheckRuns(): void {
    const checks = this.plan().checks;
    for (const name of [...this.checkRuns.keys()]) {
      if (checks[name] === undefined) this.checkRuns.delete(name);
    }
    for (const name of Object.keys(checks).sort()) {
      const spec = checks[name]!;
      const run = this.checkRuns.get(name);
      if (run !== undefined && canonicalJson(withoutOverride(run.spec)) === canonicalJson(withoutOverride(spec))) continue;
      this.checkRuns.delete(name);
      if (spec.startup === "disabled") continue; // inactive until started explicitly
      this.changeCount += 1;
      this.checkRuns.set(name, {
        successes: 0,
        failures: 0,
        changeId: String(this.changeCount),
        mode: "perform",
        nextProbeAtMs: this.nowMs + checkPeriodMs(spec),
        spec: clone(spec),
      });
    }
  }

  /** One tick of doPerformCheck / doRecoverCheck. */
  private probeCheck(name: string, run: CheckRun): void {
    run.nextProbeAtMs = this.nowMs + checkPeriodMs(run.spec);
    const threshold = run.spec.threshold ?? DEFAULT_CHECK_THRESHOLD;
    const result = this.probe(name, run.spec);
    if (run.mode === "perform") {
      if (result.ok) {
        run.successes += 1;
        run.failures = 0;
        return;
      }
      run.failures += 1;
      if (run.failures >= threshold) {
        // At the threshold the perform-check change errors and a recover-check change starts.
        this.changeCount += 1;
        run.changeId = String(this.changeCount);
        run.mode = "recover";
        this.checkEvents.push({ kind: "pebble-check-failed", check: name, atMs: this.nowMs });
      }
      return;
    }
    if (!result.ok) {
      run.failures += 1;
      return;
    }
    // recover-check done: a new perform-check change with successes 1, failures 0.
    this.changeCount += 1;
    run.changeId = String(this.changeCount);
    run.mode = "perform";
    run.successes = 1;
    run.failures = 0;
    this.checkEvents.push({ kind: "pebble-check-recovered", check: name, atMs: this.nowMs });
  }

  /** What a probe of `spec` finds now (checkers.go: http, tcp and exec checkers). */
  private probe(name: string, spec: CheckSpec): ProbeResult {
    const forced = this.checkOverrides.get(name);
    if (forced !== undefined) return forced === "up" ? { ok: true } : { ok: false, error: "forced down by the test" };
    if (spec.exec !== undefined) {
      const argv = spec.exec.command.split(/\s+/).filter((part) => part !== "");
      const outcome = argv.length > 0 ? this.runFakeCommand(argv, new Uint8Array()) : undefined;
      if (outcome === undefined) return { ok: false, error: `cannot find executable "${argv[0] ?? ""}"` };
      return outcome.exitCode === 0 ? { ok: true } : { ok: false, error: `exit status ${outcome.exitCode}` };
    }
    const watched = this.watchedServices(name);
    if (spec.http !== undefined && spec.http.url.startsWith("https://")) {
      const bundle = this.readText(SYSTEM_CA_BUNDLE_PATH) ?? "";
      this.pebbleRoots ??= bundle;
      if (bundle !== this.pebbleRoots) {
        return { ok: false, error: "Get: tls: failed to verify certificate: x509: certificate signed by unknown authority" };
      }
    }
    const running = watched.filter((service) => this.services.get(service)?.current === "active");
    if (running.length === 0) return { ok: false, error: "connection refused" };
    if (spec.tcp !== undefined) return { ok: true };
    return running.some((service) => this.isServiceReady(service)) ? { ok: true } : { ok: false, error: "non-2xx status code 503" };
  }

  /** The services a check probes: those naming it in on-check-failure, or all of them. */
  private watchedServices(check: string): string[] {
    const plan = this.plan();
    const owners = Object.entries(plan.services)
      .filter(([, service]) => service["on-check-failure"]?.[check] !== undefined)
      .map(([serviceName]) => serviceName);
    return owners.length > 0 ? owners : Object.keys(plan.services);
  }

  /** updateCheckData: `up` while failures < threshold (so `up` with 0 successes before any probe). */
  private checkInfo(name: string, plan: Plan): CheckInfo {
    const spec: CheckSpec = plan.checks[name]!;
    const threshold = spec.threshold ?? DEFAULT_CHECK_THRESHOLD;
    const run = this.checkRuns.get(name);
    // An inactive check (startup: disabled) is not passing: PebbleClient reports it as "down".
    if (run === undefined) return { name, level: spec.level ?? "", status: "down", successes: 0, failures: 0, threshold };
    const status: CheckStatus = run.failures >= threshold ? "down" : "up";
    return { name, level: spec.level ?? "", status, successes: run.successes, failures: run.failures, threshold, changeId: run.changeId };
  }

  private rootNode(): FileNode {
    return { type: "directory", content: new Uint8Array(), permissions: DEFAULT_DIRECTORY_PERMISSIONS, user: "root", group: "root" };
  }

  private directoryNode(permissions: number, owner: { user?: string | undefined; group?: string | undefined }): FileNode {
    return {
      type: "directory",
      content: new Uint8Array(),
      permissions,
      ...(owner.user !== undefined ? { user: owner.user } : {}),
      ...(owner.group !== undefined ? { group: owner.group } : {}),
    };
  }

  private requireParentDirectory(path: string, verb: string): void {
    const parent = posixPath.dirname(path);
    if (parent === "/") return;
    const node = this.files.get(parent);
    if (node === undefined) throw fileError(404, "not-found", `${verb} ${path}: no such file or directory`);
    if (node.type !== "directory") throw fileError(400, "generic-file-error", `${verb} ${path}: not a directory`);
  }

  private ensureParents(path: string, owner: { user?: string | undefined; group?: string | undefined }): void {
    const parts = posixPath.dirname(path).split("/").filter(Boolean);
    let current = "";
    for (const part of parts) {
      current += "/" + part;
      const node = this.files.get(current);
      if (node === undefined) this.files.set(current, this.directoryNode(DEFAULT_DIRECTORY_PERMISSIONS, owner));
      else if (node.type !== "directory") throw fileError(400, "generic-file-error", `mkdir ${current}: not a directory`);
    }
  }

  private childrenOf(directory: string): string[] {
    const prefix = directory === "/" ? "/" : directory + "/";
    return [...this.files.keys()].filter((candidate) => candidate.startsWith(prefix) && !candidate.slice(prefix.length).includes("/") && candidate !== "/");
  }

  private fileInfo(path: string, node: FileNode): FileInfo {
    return {
      path,
      name: path === "/" ? "/" : posixPath.basename(path),
      type: node.type,
      size: node.type === "file" ? node.content.byteLength : 0,
      permissions: node.permissions,
      ...(node.user !== undefined ? { user: node.user } : {}),
      ...(node.group !== undefined ? { group: node.group } : {}),
    };
  }
}

/** The service's on-failure (or on-success) action: Pebble's default is restart (getAction). */
function serviceFailureAction(spec: ServiceSpec | undefined, exitCode: number): string {
  const action = exitCode === 0 ? spec?.["on-success"] : spec?.["on-failure"];
  return action ?? "restart";
}

function checkPeriodMs(spec: CheckSpec): number {
  return parseGoDurationOr(spec.period, DEFAULT_CHECK_PERIOD_MS);
}

/** Milliseconds of a Go duration ("10s", "1m30s", "500ms"); `fallback` when unset or unreadable. */
function parseGoDurationOr(text: string | undefined, fallback: number): number {
  if (text === undefined || text === "") return fallback;
  const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let matched = "";
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(match[1]) * unitMs[match[2]!]!;
    matched += match[0];
  }
  return matched === text && total > 0 ? total : fallback;
}

function withoutOverride(spec: CheckSpec): CheckSpec {
  const { override: _override, ...rest } = spec;
  return rest;
}

/** A duration as Go's time.Duration prints it (Pebble's messages do): "500ms", "1.5s", "1m30s". */
export function formatGoDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  const secondsText = `${Number(seconds.toFixed(3))}s`;
  if (hours > 0) return `${hours}h${minutes}m${secondsText}`;
  if (minutes > 0) return `${minutes}m${secondsText}`;
  return secondsText;
}

/** Locale-independent order, so snapshots are the same on every machine. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function copyRecord(record: ServiceActionRecord): ServiceActionRecord & { services: string[]; restarted?: string[] } {
  return { action: record.action, services: [...record.services], ...(record.restarted ? { restarted: [...record.restarted] } : {}) };
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictTextDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}
