/**
 * What a charm can ask of Pebble, the workload container's service manager.
 *
 * Two implementations: pebble-client.ts speaks Pebble's HTTP API over the container's Unix socket
 * (`/charm/containers/<name>/pebble.socket`), and src/testing/pebble-memory.ts keeps the same
 * semantics in memory for the test harness and the simulator. Shapes follow Pebble's documented
 * API (layers in the plan's YAML field names), so a layer object is exactly what Pebble stores.
 */

export type ServiceStartup = "enabled" | "disabled" | "unknown";
export type LayerOverride = "merge" | "replace";

export interface ServiceSpec {
  override?: LayerOverride;
  summary?: string;
  description?: string;
  command?: string;
  startup?: ServiceStartup;
  environment?: Record<string, string>;
  user?: string;
  group?: string;
  "working-dir"?: string;
  "on-success"?: "restart" | "shutdown" | "ignore";
  "on-failure"?: "restart" | "shutdown" | "ignore";
  "on-check-failure"?: Record<string, "restart" | "shutdown" | "ignore">;
  "backoff-delay"?: string;
  "backoff-factor"?: number;
  "backoff-limit"?: string;
  "kill-delay"?: string;
  /** Ordering and dependencies; on `override: merge` these lists are appended to, not replaced. */
  after?: string[];
  before?: string[];
  requires?: string[];
}

export interface CheckSpec {
  override?: LayerOverride;
  level?: "alive" | "ready" | "";
  startup?: "enabled" | "disabled" | "";
  period?: string;
  timeout?: string;
  threshold?: number;
  http?: { url: string; headers?: Record<string, string> };
  tcp?: { port: number; host?: string };
  exec?: { command: string };
}

export interface LogTargetSpec {
  override?: LayerOverride;
  type: "loki" | "opentelemetry";
  location: string;
  services: string[];
  labels?: Record<string, string>;
}

export interface Layer {
  summary?: string;
  description?: string;
  services?: Record<string, ServiceSpec>;
  checks?: Record<string, CheckSpec>;
  "log-targets"?: Record<string, LogTargetSpec>;
}

/** The combined plan: the layers flattened. */
export type Plan = Required<Pick<Layer, "services" | "checks" | "log-targets">>;

export type ServiceCurrent = "active" | "inactive" | "error" | "backoff";
export interface ServiceInfo {
  readonly name: string;
  readonly startup: ServiceStartup;
  readonly current: ServiceCurrent;
}

export type CheckStatus = "up" | "down";
/**
 * A check as `GET /v1/checks` reports it (canonical/pebble `internals/daemon/api_checks.go`
 * checkInfo). `up` only means "fewer consecutive failures than the threshold so far": a check is
 * `up` with `successes: 0` from the moment it starts until its first probe, one period later
 * (checkstate `PlanChanged`/`updateCheckData`). Whether it ever passed is `successes > 0`.
 */
export interface CheckInfo {
  readonly name: string;
  readonly level: "alive" | "ready" | "";
  readonly status: CheckStatus;
  /** Successful probes in the check's current run (perform-check change); 1 right after a recovery. */
  readonly successes: number;
  /** Consecutive failed probes; reset to 0 by a success. */
  readonly failures: number;
  readonly threshold: number;
  /** The perform-check or recover-check change running the check; a new one after every recovery or config change. */
  readonly changeId?: string;
}

/** One line of a service's output, as `GET /v1/logs` streams it (api_logs.go jsonLog). */
export interface LogEntry {
  /** RFC 3339 time. */
  readonly time: string;
  readonly service: string;
  /** The line without its trailing newline. */
  readonly message: string;
}

export interface FileInfo {
  readonly path: string;
  readonly name: string;
  readonly type: "file" | "directory" | "symlink" | "socket" | "named-pipe" | "device" | "unknown";
  readonly size: number;
  /** Permission bits, e.g. 0o600. */
  readonly permissions: number;
  readonly user?: string;
  readonly group?: string;
}

export interface PushOptions {
  makeDirs?: boolean;
  /** Permission bits; Pebble's default is 0o644. */
  permissions?: number;
  user?: string;
  group?: string;
}

/** Pebble could not be reached: the container is not up yet (a charm waits, it does not fail). */
export class PebbleConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PebbleConnectionError";
  }
}

/** Pebble answered with an error (HTTP status and Pebble's `result.kind`/`message`). */
export class PebbleApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly kind: string,
    message: string,
  ) {
    super(message);
    this.name = "PebbleApiError";
  }
}

/**
 * A Pebble change (start/stop/restart/replan) finished in error, e.g. a service exited at once.
 * A PebbleApiError so that code handling Pebble's refusals handles this one too; `kind` is
 * "change-error" and the message is the change's `err`.
 */
export class PebbleChangeError extends PebbleApiError {
  constructor(
    readonly changeId: string,
    message: string,
  ) {
    super(200, "change-error", message);
    this.name = "PebbleChangeError";
  }
}

export interface PebbleClient {
  /** Cheap liveness probe (`GET /v1/system-info`); throws PebbleConnectionError when unreachable. */
  systemInfo(): Promise<{ version: string }>;
  addLayer(label: string, layer: Layer, options?: { combine?: boolean }): Promise<void>;
  getPlan(): Promise<Plan>;
  getServices(names?: readonly string[]): Promise<ServiceInfo[]>;
  startServices(names: readonly string[]): Promise<void>;
  stopServices(names: readonly string[]): Promise<void>;
  restartServices(names: readonly string[]): Promise<void>;
  /** Start what is enabled and restart what changed in the plan. */
  replan(): Promise<void>;
  push(path: string, content: string | Uint8Array, options?: PushOptions): Promise<void>;
  /** Throws PebbleApiError with kind "not-found" when the file does not exist. */
  pull(path: string): Promise<Uint8Array>;
  listFiles(path: string, options?: { itself?: boolean; pattern?: string }): Promise<FileInfo[]>;
  makeDir(path: string, options?: { makeParents?: boolean; permissions?: number; user?: string; group?: string }): Promise<void>;
  removePath(path: string, options?: { recursive?: boolean }): Promise<void>;
  getChecks(options?: { level?: "alive" | "ready"; names?: readonly string[] }): Promise<CheckInfo[]>;
  /** The last `lines` lines of the services' output, oldest first (`GET /v1/logs?services=…&n=…`). */
  getLogs(services: readonly string[], lines: number): Promise<LogEntry[]>;
  /**
   * Run `command` (argv; the first element is looked up on Pebble's PATH) to its end. Throws
   * PebbleApiError when Pebble refuses to start it (a missing executable: status 400, `cannot
   * find executable "<name>"`) and PebbleChangeError when it could not run to its end (it timed
   * out: `timed out after <timeout>`).
   */
  exec(command: readonly string[], options?: ExecOptions): Promise<ExecResult>;
}

/** How to run a command in the workload container (Pebble's `POST /v1/exec` options). */
export interface ExecOptions {
  /** Added to the environment Pebble itself runs with (Pebble sets PATH, HOME, USER, LANG if unset). */
  environment?: Record<string, string>;
  /** Default: the user's home directory, or "/". */
  workingDir?: string;
  /** Pebble kills the command after this long and the exec fails with a PebbleChangeError. */
  timeoutMs?: number;
  user?: string;
  group?: string;
  /** Sent to the command's standard input, then end-of-file. Default: nothing. */
  stdin?: string | Uint8Array;
}

/** A command that ran to its end. A non-zero exit code is the command's answer, not an error. */
export interface ExecResult {
  readonly exitCode: number;
  /** Decoded as UTF-8. */
  readonly stdout: string;
  readonly stderr: string;
}
