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
 * - a check reports "down" while the service it watches is not running, "up" otherwise unless a
 *   test forces it (`setCheckStatus`); nothing here probes anything or keeps a clock;
 * - starting a running service or stopping a stopped one is a no-op, not an error;
 * - exec runs fake commands: a handler a test registers (`setExecHandler`) or a canned answer in
 *   the snapshot (`execs`); any other executable is missing, and Pebble refuses to run it
 *   (400 `cannot find executable "<name>"`). A fake command never sleeps: its `durationMs` is
 *   only compared with the exec's timeout.
 */
import { posix as posixPath } from "node:path";
import { z } from "zod";
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
}

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
  private failedStarts: string[] = [];
  private changeCount = 0;
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
    for (const name of Object.keys(state.services).sort()) {
      const service = state.services[name]!;
      if (plan.services[name] === undefined) throw new Error(`container services: "${name}" has a state but no layer defines it`);
      const startedWith = service.startedWith ?? (service.current === "inactive" ? undefined : plan.services[name]);
      pebble.services.set(name, { current: service.current, ...(startedWith ? { startedWith: clone(startedWith) } : {}) });
    }
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
      services[name] = { current: runtime.current, ...(runtime.startedWith ? { startedWith: clone(runtime.startedWith) } : {}) };
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
    for (const name of names) if (!this.isRunning(name)) this.run(name);
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

  private run(name: string): void {
    const spec = this.plan().services[name];
    const current: ServiceCurrent = this.startFailures.has(name) ? "error" : "active";
    if (current === "error") this.failedStarts.push(name);
    this.services.set(name, { current, ...(spec ? { startedWith: clone(spec) } : {}) });
  }

  /** Every service action is one Pebble change; it fails when a service failed to start. */
  private finishChange(): void {
    this.changeCount += 1;
    const failed = this.failedStarts;
    this.failedStarts = [];
    if (failed.length === 0) return;
    const lines = failed.map((name) => `- Start service "${name}" (${this.startFailures.get(name)})`);
    throw new PebbleChangeError(String(this.changeCount), `cannot perform the following tasks:\n${lines.join("\n")}`);
  }

  private halt(name: string): void {
    const runtime = this.services.get(name);
    // The configuration it ran with is kept: replan compares it with the plan.
    if (runtime) runtime.current = "inactive";
  }

  /**
   * A check belongs to the services that name it in `on-check-failure`; with none named it probes
   * the workload as a whole. Its status is down while what it probes is not running; otherwise "up"
   * unless a test forced it.
   */
  private checkInfo(name: string, plan: Plan): CheckInfo {
    const spec: CheckSpec = plan.checks[name]!;
    const owners = Object.entries(plan.services)
      .filter(([, service]) => service["on-check-failure"]?.[name] !== undefined)
      .map(([serviceName]) => serviceName);
    const probed = owners.length > 0 ? owners : Object.keys(plan.services);
    const isWorkloadRunning = probed.some((service) => this.services.get(service)?.current === "active");
    const status: CheckStatus = isWorkloadRunning ? (this.checkOverrides.get(name) ?? "up") : "down";
    const threshold = spec.threshold ?? DEFAULT_CHECK_THRESHOLD;
    return { name, level: spec.level ?? "", status, failures: status === "down" ? threshold : 0, threshold };
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
