/**
 * A Pebble HTTP server on a Unix socket, backed by a MemoryPebble, that answers with Pebble's
 * documented request and reply formats (canonical/pebble `internals/daemon/api_*.go`). It exists
 * to prove PebbleHttpClient against the wire format without a real Pebble.
 *
 * While the MemoryPebble's `canConnect` is false the server drops every connection, which is
 * what a client sees when the workload container is not up.
 *
 * Exec runs the MemoryPebble's fake commands behind Pebble's real protocol: `POST /v1/exec`
 * answers with an async change and the task id, the client connects the task's websockets, the
 * command runs once stdio (and stderr) are connected and stdin has ended, its output goes back
 * as binary messages ended by `{"command":"end"}`, and the change then carries the exit code.
 * As in Pebble, an exec whose I/O websockets are not connected in time fails its change.
 */
import { existsSync, lstatSync, unlinkSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import YAML from "yaml";
import * as z from "zod";
import { PebbleApiError, PebbleChangeError, PebbleConnectionError, type ExecOptions, type FileInfo } from "../juju/pebble.js";
import { formatPermissions } from "../juju/pebble-client.js";
import { END_OF_STREAM, isEndOfStream } from "../juju/pebble-exec.js";
import { decodeMultipart, encodeMultipart, MULTIPART_FORM_DATA, parseHeaderParameters } from "../juju/pebble-multipart.js";
import { MEMORY_PEBBLE_VERSION, type MemoryPebble } from "./pebble-memory.js";

export interface TestPebbleServer {
  close(): Promise<void>;
  /** Every request received, in order (path without the query string). */
  readonly requests: Array<{ method: string; path: string; query: string }>;
}

export interface TestPebbleServerOptions {
  /**
   * How many times a wait on each change times out (504, as Pebble answers when `timeout`
   * elapses) before it reports the finished change: simulates a slow start without a clock.
   */
  slowChangeWaits?: number;
  /** How long an exec waits for its I/O websockets before its change fails (Pebble: 5 s). */
  execConnectTimeoutMs?: number;
}

/** Pebble's cmdstate connectTimeout. */
export const EXEC_CONNECT_TIMEOUT_MS = 5_000;

interface TaskInfo {
  id: string;
  kind: string;
  summary: string;
  status: "Doing" | "Done" | "Error";
  data?: { "exit-code": number };
}

interface Change {
  waitsLeft: number;
  id: string;
  kind: string;
  summary: string;
  status: "Doing" | "Done" | "Error";
  ready: boolean;
  err?: string;
  tasks?: TaskInfo[];
  /** Settles when a change that is still running becomes ready (exec changes only). */
  whenReady?: Promise<void>;
}

/** One exec in flight: its websockets as they connect, and stdin as it arrives. */
interface ExecSession {
  readonly taskId: string;
  readonly change: Change;
  readonly command: string[];
  readonly options: Omit<ExecOptions, "stdin">;
  readonly isStderrSplit: boolean;
  readonly sockets: Map<string, WebSocket | undefined>;
  readonly stdin: Buffer[];
  hasStdinEnded: boolean;
  state: "waiting" | "running" | "finished";
  connectTimer?: NodeJS.Timeout;
  markReady: () => void;
}

/** A Go duration such as "4s" or "1500ms" (what Pebble's `timeout` parameter accepts). */
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** Pebble rejects multipart boundaries shorter than this (api_files.go). */
const MIN_BOUNDARY_LENGTH = 32;

type Reply = { statusCode: number; headers: Record<string, string>; body: Buffer };

function jsonReply(statusCode: number, payload: Record<string, unknown>): Reply {
  return { statusCode, headers: { "Content-Type": "application/json" }, body: Buffer.from(JSON.stringify(payload), "utf-8") };
}

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  202: "Accepted",
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  500: "Internal Server Error",
  504: "Gateway Timeout",
};

function syncReply(result: unknown): Reply {
  return jsonReply(200, { type: "sync", "status-code": 200, status: "OK", result });
}

function errorReply(statusCode: number, message: string, kind?: string): Reply {
  return jsonReply(statusCode, {
    type: "error",
    "status-code": statusCode,
    status: STATUS_TEXT[statusCode] ?? "",
    result: { message, ...(kind ? { kind } : {}) },
  });
}

function fileErrorResult(error: unknown): { message: string; kind: string } | undefined {
  if (error === undefined) return undefined;
  if (error instanceof PebbleApiError) return { message: error.message, kind: error.kind || "generic-file-error" };
  throw error;
}

function fileInfoWire(info: FileInfo): Record<string, unknown> {
  return {
    path: info.path,
    name: info.name,
    type: info.type,
    ...(info.type === "file" ? { size: info.size } : {}),
    permissions: formatPermissions(info.permissions),
    // The memory file system keeps no clock (deterministic); the epoch stands in for mtime.
    "last-modified": "1970-01-01T00:00:00Z",
    "user-id": null,
    user: info.user ?? "",
    "group-id": null,
    group: info.group ?? "",
  };
}

function parsePermissions(permissions: string | undefined): number | undefined | { invalid: string } {
  if (permissions === undefined || permissions === "") return undefined;
  if (!/^[0-7]{3}$/.test(permissions)) return { invalid: `permissions must be a 3-digit octal string, got "${permissions}"` };
  return Number.parseInt(permissions, 8);
}

const LayersPayload = z.object({
  action: z.string(),
  combine: z.boolean().default(false),
  label: z.string().default(""),
  format: z.string().default(""),
  layer: z.string().default(""),
});
const ServicesPayload = z.object({ action: z.string(), services: z.array(z.string()).nullish() });
const ExecPayload = z.object({
  command: z.array(z.string()).nullish(),
  "service-context": z.string().nullish(),
  environment: z.record(z.string(), z.string()).nullish(),
  "working-dir": z.string().nullish(),
  timeout: z.string().nullish(),
  user: z.string().nullish(),
  group: z.string().nullish(),
  "split-stderr": z.boolean().nullish(),
});

/** Milliseconds of a Go duration string ("1m30s", "1500ms"); undefined for an empty one. */
export function parseGoDurationMs(text: string): number | undefined {
  if (text === "") return undefined;
  const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(match[1]) * unitMs[match[2]!]!;
  return total;
}
const WriteItem = z.object({
  path: z.string(),
  "make-dirs": z.boolean().default(false),
  permissions: z.string().default(""),
  user: z.string().optional(),
  group: z.string().optional(),
});
const WritePayload = z.object({ action: z.string(), files: z.array(WriteItem).default([]) });
const FilesJsonPayload = z.object({
  action: z.string(),
  dirs: z
    .array(z.object({ path: z.string(), "make-parents": z.boolean().default(false), permissions: z.string().default(""), user: z.string().optional(), group: z.string().optional() }))
    .default([]),
  paths: z.array(z.object({ path: z.string(), recursive: z.boolean().default(false) })).default([]),
});

class PebbleRouter {
  private readonly changes = new Map<string, Change>();
  private readonly execs = new Map<string, ExecSession>();
  private readonly websocketServer = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private nextChangeId = 1;
  private nextTaskId = 1;

  constructor(
    private readonly pebble: MemoryPebble,
    private readonly options: TestPebbleServerOptions,
  ) {}

  async handle(method: string, url: URL, headers: IncomingMessage["headers"], body: Buffer): Promise<Reply> {
    const path = url.pathname;
    const query = url.searchParams;
    const route = `${method} ${path}`;
    if (route === "GET /v1/system-info") return syncReply({ version: MEMORY_PEBBLE_VERSION, "boot-id": "00000000-0000-4000-8000-000000000000", "http-address": "" });
    if (route === "GET /v1/plan") return this.getPlan(query);
    if (route === "POST /v1/layers") return this.postLayers(body);
    if (route === "GET /v1/services") return this.getServices(query);
    if (route === "POST /v1/services") return this.postServices(body);
    if (route === "GET /v1/checks") return this.getChecks(query);
    if (route === "GET /v1/logs") return this.getLogs(query);
    if (route === "GET /v1/health") return this.getHealth(query);
    if (route === "GET /v1/files") return this.getFiles(query, headers);
    if (route === "POST /v1/files") return this.postFiles(headers, body);
    if (route === "POST /v1/exec") return this.postExec(body);
    const change = /^\/v1\/changes\/([^/]+)(\/wait)?$/.exec(path);
    if (change && method === "GET") return this.getChange(decodeURIComponent(change[1]!), change[2] !== undefined, query.get("timeout") ?? "");
    const known = ["/v1/system-info", "/v1/plan", "/v1/layers", "/v1/services", "/v1/checks", "/v1/logs", "/v1/health", "/v1/files", "/v1/exec"];
    if (known.includes(path)) return errorReply(405, "method not allowed");
    return errorReply(404, "not found");
  }

  private async getPlan(query: URLSearchParams): Promise<Reply> {
    const format = query.get("format") ?? "";
    if (format !== "yaml") return errorReply(400, `invalid format "${format}"`);
    const plan = await this.pebble.getPlan();
    // Pebble omits empty sections from the plan YAML.
    const shown = Object.fromEntries(Object.entries(plan).filter(([, section]) => Object.keys(section).length > 0));
    return syncReply(Object.keys(shown).length === 0 ? "{}\n" : YAML.stringify(shown, { sortMapEntries: true }));
  }

  private async postLayers(body: Buffer): Promise<Reply> {
    const payload = parseJson(body, LayersPayload);
    if (payload.kind === "invalid") return errorReply(400, `cannot decode request body: ${payload.reason}`);
    const { action, label, format, combine, layer } = payload.data;
    if (action !== "add") return errorReply(400, `invalid action "${action}"`);
    if (label === "") return errorReply(400, "label must be set");
    if (format !== "yaml") return errorReply(400, `invalid format "${format}"`);
    let parsed: unknown;
    try {
      parsed = YAML.parse(layer) ?? {};
    } catch (error) {
      return errorReply(400, `cannot parse layer YAML: ${(error as Error).message}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return errorReply(400, "cannot parse layer YAML: a layer must be a mapping");
    return this.apiCall(async () => {
      await this.pebble.addLayer(label, parsed as Parameters<MemoryPebble["addLayer"]>[1], { combine });
      return syncReply(true);
    });
  }

  private async getServices(query: URLSearchParams): Promise<Reply> {
    const names = commaSeparated(query.getAll("names"));
    const services = await this.pebble.getServices(names);
    return syncReply(services.map((service) => ({ name: service.name, startup: service.startup, current: service.current })));
  }

  private async postServices(body: Buffer): Promise<Reply> {
    const payload = parseJson(body, ServicesPayload);
    if (payload.kind === "invalid") return errorReply(400, `cannot decode data from request body: ${payload.reason}`);
    const action = payload.data.action;
    const services = payload.data.services ?? [];
    if (action === "replan" && services.length > 0) return errorReply(400, `${action} accepts no service names`);
    if (!["start", "stop", "restart", "replan"].includes(action)) {
      return services.length === 0 ? errorReply(400, `must specify services for ${action} action`) : errorReply(400, `invalid action "${action}"`);
    }
    return this.apiCall(async () => {
      let changeError: string | undefined;
      try {
        if (action === "start") await this.pebble.startServices(services);
        else if (action === "stop") await this.pebble.stopServices(services);
        else if (action === "restart") await this.pebble.restartServices(services);
        else await this.pebble.replan();
      } catch (error) {
        // A change that was accepted and then failed: reported by the change, not the request.
        if (!(error instanceof PebbleChangeError)) throw error;
        changeError = error.message;
      }
      const affected = action === "replan" ? (this.pebble.journal.at(-1)?.services ?? []) : services;
      const title = action.charAt(0).toUpperCase() + action.slice(1);
      const summary =
        affected.length === 0 ? `${title} - no services` : affected.length === 1 ? `${title} service "${affected[0]}"` : `${title} service "${affected[0]}" and ${affected.length - 1} more`;
      const id = String(this.nextChangeId++);
      const waitsLeft = this.options.slowChangeWaits ?? 0;
      this.changes.set(
        id,
        changeError === undefined
          ? { waitsLeft, id, kind: action, summary, status: "Done", ready: true }
          : { waitsLeft, id, kind: action, summary, status: "Error", ready: true, err: changeError },
      );
      return jsonReply(202, { type: "async", "status-code": 202, status: "Accepted", change: id });
    });
  }

  private async getChange(id: string, isWait: boolean, timeout: string): Promise<Reply> {
    const change = this.changes.get(id);
    if (change === undefined) return errorReply(404, `cannot find change with id "${id}"`);
    if (isWait) {
      if (timeout !== "" && !GO_DURATION.test(timeout)) return errorReply(400, `invalid timeout: time: invalid duration "${timeout}"`);
      if (change.waitsLeft > 0) {
        change.waitsLeft -= 1;
        return errorReply(504, `timed out waiting for change after ${timeout || "0s"}`);
      }
      if (!change.ready && change.whenReady !== undefined) {
        const timeoutMs = parseGoDurationMs(timeout);
        let timer: NodeJS.Timeout | undefined;
        const elapsed = new Promise<void>((resolve) => {
          if (timeoutMs !== undefined) timer = setTimeout(resolve, timeoutMs);
        });
        await Promise.race([change.whenReady, elapsed]);
        clearTimeout(timer);
        if (!change.ready) return errorReply(504, `timed out waiting for change after ${timeout}`);
      }
    }
    const { waitsLeft: _waitsLeft, whenReady: _whenReady, ...info } = change;
    const times = { "spawn-time": "1970-01-01T00:00:00Z", ...(change.ready ? { "ready-time": "1970-01-01T00:00:00Z" } : {}) };
    return syncReply({ ...info, ...times, ...(info.tasks ? { tasks: info.tasks.map((task) => ({ ...task, progress: { label: "", done: 1, total: 1 }, ...times })) } : {}) });
  }

  // --- exec ------------------------------------------------------------------------------------

  private postExec(body: Buffer): Reply {
    const payload = parseJson(body, ExecPayload);
    if (payload.kind === "invalid") return errorReply(400, `cannot decode request body: ${payload.reason}`);
    const command = payload.data.command ?? [];
    if (command.length < 1) return errorReply(400, "must specify command");
    const timeout = payload.data.timeout ?? "";
    if (timeout !== "" && !GO_DURATION.test(timeout)) return errorReply(400, `invalid timeout: time: invalid duration "${timeout}"`);
    if (!this.pebble.hasExecutable(command[0]!)) return errorReply(400, `cannot find executable "${command[0]}"`);
    const timeoutMs = parseGoDurationMs(timeout);
    const taskId = String(this.nextTaskId++);
    const summary = `Execute command "${command[0]}"`;
    let markReady = () => {};
    const whenReady = new Promise<void>((resolve) => (markReady = resolve));
    const change: Change = {
      waitsLeft: 0,
      id: String(this.nextChangeId++),
      kind: "exec",
      summary,
      status: "Doing",
      ready: false,
      tasks: [{ id: taskId, kind: "exec", summary, status: "Doing" }],
      whenReady,
    };
    this.changes.set(change.id, change);
    const isStderrSplit = payload.data["split-stderr"] ?? false;
    const session: ExecSession = {
      taskId,
      change,
      command,
      options: {
        ...(payload.data.environment ? { environment: payload.data.environment } : {}),
        ...(payload.data["working-dir"] ? { workingDir: payload.data["working-dir"] } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(payload.data.user ? { user: payload.data.user } : {}),
        ...(payload.data.group ? { group: payload.data.group } : {}),
      },
      isStderrSplit,
      sockets: new Map<string, WebSocket | undefined>([["control", undefined], ["stdio", undefined], ...(isStderrSplit ? [["stderr", undefined] as const] : [])]),
      stdin: [],
      hasStdinEnded: false,
      state: "waiting",
      markReady,
    };
    session.connectTimer = setTimeout(() => {
      if (session.state !== "waiting") return;
      const reason = `exec ${taskId}: timeout waiting for websocket connections: context deadline exceeded`;
      this.finishExec(session, { kind: "failed", err: `cannot perform the following tasks:\n- ${summary} (${reason})` });
    }, this.options.execConnectTimeoutMs ?? EXEC_CONNECT_TIMEOUT_MS);
    this.execs.set(taskId, session);
    return jsonReply(202, {
      type: "async",
      "status-code": 202,
      status: "Accepted",
      change: change.id,
      result: { "task-id": taskId, environment: session.options.environment ?? {}, "working-dir": session.options.workingDir ?? "/" },
    });
  }

  /** `GET /v1/tasks/<task>/websocket/<id>` with an Upgrade: connect it, or refuse as Pebble does. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? "/", "http://pebble");
    const match = /^\/v1\/tasks\/([^/]+)\/websocket\/([^/]+)$/.exec(url.pathname);
    if (match === null) return refuseUpgrade(socket, errorReply(404, "not found"));
    const taskId = decodeURIComponent(match[1]!);
    const websocketId = decodeURIComponent(match[2]!);
    const session = this.execs.get(taskId);
    if (session === undefined) return refuseUpgrade(socket, errorReply(404, `cannot find task "${taskId}"`));
    // A finished exec refuses with its change's error (cmdstate Connect).
    if (session.state === "finished") return refuseUpgrade(socket, errorReply(500, session.change.err ?? "exec already finished"));
    if (!session.sockets.has(websocketId)) return refuseUpgrade(socket, errorReply(404, `cannot find ${websocketId} websocket for task "${taskId}"`));
    if (session.sockets.get(websocketId) !== undefined) return refuseUpgrade(socket, errorReply(500, `${websocketId} websocket already connected`));
    this.websocketServer.handleUpgrade(request, socket, head, (websocket) => {
      session.sockets.set(websocketId, websocket);
      websocket.on("error", () => undefined);
      if (websocketId === "stdio") {
        websocket.on("message", (data: Buffer, isBinary: boolean) => {
          if (isBinary) session.stdin.push(Buffer.from(data));
          else if (isEndOfStream(data.toString("utf-8"))) {
            session.hasStdinEnded = true;
            this.runWhenReady(session);
          }
        });
      }
      this.runWhenReady(session);
    });
  }

  private runWhenReady(session: ExecSession): void {
    const isIoConnected = session.sockets.get("stdio") !== undefined && (!session.isStderrSplit || session.sockets.get("stderr") !== undefined);
    if (session.state !== "waiting" || !isIoConnected || !session.hasStdinEnded) return;
    session.state = "running";
    clearTimeout(session.connectTimer);
    this.pebble.exec(session.command, { ...session.options, stdin: Buffer.concat(session.stdin) }).then(
      (result) => this.finishExec(session, { kind: "exited", ...result }),
      (error: unknown) => {
        if (error instanceof PebbleApiError) this.finishExec(session, { kind: "failed", err: error instanceof PebbleChangeError ? error.message : `cannot perform the following tasks:\n- ${session.change.summary} (${error.message})` });
        else this.finishExec(session, { kind: "failed", err: `cannot perform the following tasks:\n- ${session.change.summary} (${(error as Error).message})` });
      },
    );
  }

  /** Send the output and the ends of stream, then finish the change (Pebble's order). */
  private finishExec(
    session: ExecSession,
    outcome: { kind: "exited"; exitCode: number; stdout: string; stderr: string } | { kind: "failed"; err: string },
  ): void {
    if (session.state === "finished") return;
    session.state = "finished";
    clearTimeout(session.connectTimer);
    const stdio = session.sockets.get("stdio");
    const stderr = session.sockets.get("stderr");
    if (outcome.kind === "exited") {
      const stdout = session.isStderrSplit ? outcome.stdout : outcome.stdout + outcome.stderr;
      if (stdout !== "") stdio?.send(Buffer.from(stdout, "utf-8"), { binary: true });
      if (session.isStderrSplit && outcome.stderr !== "") stderr?.send(Buffer.from(outcome.stderr, "utf-8"), { binary: true });
    }
    stdio?.send(END_OF_STREAM, { binary: false });
    stderr?.send(END_OF_STREAM, { binary: false });
    session.sockets.get("control")?.close();
    const exitCode = outcome.kind === "exited" ? outcome.exitCode : -1;
    const status = outcome.kind === "exited" ? ("Done" as const) : ("Error" as const);
    session.change.status = status;
    session.change.ready = true;
    if (outcome.kind === "failed") session.change.err = outcome.err;
    session.change.tasks = session.change.tasks!.map((task) => ({ ...task, status, data: { "exit-code": exitCode } }));
    session.markReady();
  }

  /** Stop the connect timers of execs that never connected (the server is closing). */
  close(): void {
    for (const session of this.execs.values()) clearTimeout(session.connectTimer);
    for (const client of this.websocketServer.clients) client.terminate();
    this.websocketServer.close();
  }

  private async getChecks(query: URLSearchParams): Promise<Reply> {
    const level = query.get("level") ?? "";
    if (level !== "" && level !== "alive" && level !== "ready") return errorReply(400, `level must be "alive" or "ready"`);
    const names = commaSeparated(query.getAll("names"));
    const checks = await this.pebble.getChecks({ ...(level ? { level } : {}), names });
    return syncReply(
      // api_checks.go checkInfo: `successes` and `threshold` always, `level`, `failures` and
      // `change-id` only when set (omitempty).
      checks.map((check) => ({
        name: check.name,
        ...(check.level ? { level: check.level } : {}),
        startup: "enabled",
        status: check.status,
        successes: check.successes,
        ...(check.failures > 0 ? { failures: check.failures } : {}),
        threshold: check.threshold,
        ...(check.changeId ? { "change-id": check.changeId } : {}),
      })),
    );
  }

  /**
   * api_health.go v1Health, which Juju's Kubernetes probes call (`level=alive` for liveness,
   * `level=ready` for readiness): unhealthy (502) when a matching check is down, where a check
   * matches `level=ready` if its level is ready or alive ("ready implies alive") and `level=alive`
   * only if it is alive; a check without a level matches only a request without one.
   */
  private async getHealth(query: URLSearchParams): Promise<Reply> {
    const level = query.get("level") ?? "";
    if (level !== "" && level !== "alive" && level !== "ready") return errorReply(400, `level must be "alive" or "ready"`);
    const names = commaSeparated(query.getAll("names"));
    const checks = await this.pebble.getChecks({ names });
    const isHealthy = !checks.some(
      (check) => check.status === "down" && (level === "" || check.level === level || (level === "ready" && check.level === "alive")),
    );
    return jsonReply(isHealthy ? 200 : 502, { type: "sync", "status-code": isHealthy ? 200 : 502, status: isHealthy ? "OK" : "Bad Gateway", result: { healthy: isHealthy } });
  }

  /**
   * api_logs.go: `n` defaults to 30 and must be -1, 0 or positive; the reply is not a sync
   * response but one JSON object per line (application/x-ndjson), oldest first.
   */
  private async getLogs(query: URLSearchParams): Promise<Reply> {
    const nText = query.get("n") ?? "";
    const n = nText === "" ? 30 : Number(nText);
    if (!Number.isInteger(n) || n < -1) return errorReply(400, "n must be -1, 0, or a positive integer");
    const services = commaSeparated(query.getAll("services"));
    const entries = await this.pebble.getLogs(services, n === -1 ? Number.MAX_SAFE_INTEGER : n);
    const body = entries.map((entry) => JSON.stringify({ time: entry.time, service: entry.service, message: entry.message }) + "\n").join("");
    return { statusCode: 200, headers: { "Content-Type": "application/x-ndjson" }, body: Buffer.from(body, "utf-8") };
  }

  private async getFiles(query: URLSearchParams, headers: IncomingMessage["headers"]): Promise<Reply> {
    const action = query.get("action") ?? "";
    if (action === "read") {
      const paths = query.getAll("path");
      if (paths.length === 0) return errorReply(400, "must specify one or more paths");
      if (headers["accept"] !== MULTIPART_FORM_DATA) return errorReply(400, "must accept multipart/form-data");
      return this.readFiles(paths);
    }
    if (action === "list") {
      const path = query.get("path") ?? "";
      if (path === "") return errorReply(400, "must specify path");
      if (!path.startsWith("/")) return errorReply(400, `path must be absolute, got "${path}"`);
      const itself = query.get("itself") ?? "";
      if (!["true", "false", ""].includes(itself)) return errorReply(400, `itself parameter must be "true" or "false"`);
      const pattern = query.get("pattern") ?? "";
      try {
        const entries = await this.pebble.listFiles(path, { itself: itself === "true", ...(pattern ? { pattern } : {}) });
        return syncReply(entries.map(fileInfoWire));
      } catch (error) {
        if (error instanceof PebbleApiError) return errorReply(error.statusCode, error.message, error.kind || "generic-file-error");
        throw error;
      }
    }
    return errorReply(400, `invalid action "${action}"`);
  }

  /** Pebble always answers a read with 200 multipart: file parts, then a "response" part. */
  private async readFiles(paths: string[]): Promise<Reply> {
    const parts: Parameters<typeof encodeMultipart>[0][number][] = [];
    const results: Array<{ path: string; error?: { message: string; kind: string } }> = [];
    for (const path of paths) {
      try {
        const content = await this.pebble.pull(path);
        parts.push({ name: "files", filename: path, contentType: "application/octet-stream", body: content });
        results.push({ path });
      } catch (error) {
        results.push({ path, error: fileErrorResult(error)! });
      }
    }
    const response = { type: "sync", "status-code": 200, status: "OK", result: results };
    parts.push({ name: "response", contentType: "application/json", body: Buffer.from(JSON.stringify(response), "utf-8") });
    const { body, contentType } = encodeMultipart(parts);
    return { statusCode: 200, headers: { "Content-Type": contentType }, body };
  }

  private async postFiles(headers: IncomingMessage["headers"], body: Buffer): Promise<Reply> {
    const contentType = headers["content-type"] ?? "";
    const { mediaType, parameters } = parseHeaderParameters(contentType);
    if (mediaType === MULTIPART_FORM_DATA) {
      const boundary = parameters["boundary"] ?? "";
      if (boundary.length < MIN_BOUNDARY_LENGTH) return errorReply(400, `invalid boundary "${boundary}"`);
      return this.writeFiles(body, boundary);
    }
    if (mediaType !== "application/json") return errorReply(400, `invalid media type "${mediaType}"`);
    const payload = parseJson(body, FilesJsonPayload);
    if (payload.kind === "invalid") return errorReply(400, `cannot decode request body: ${payload.reason}`);
    const { action, dirs, paths } = payload.data;
    if (action === "make-dirs") {
      const results = [];
      for (const dir of dirs) {
        const permissions = parsePermissions(dir.permissions);
        if (typeof permissions === "object") {
          results.push({ path: dir.path, error: { message: permissions.invalid, kind: "generic-file-error" } });
          continue;
        }
        const error = await captureFileError(() =>
          this.pebble.makeDir(dir.path, {
            makeParents: dir["make-parents"],
            ...(permissions !== undefined ? { permissions } : {}),
            ...(dir.user ? { user: dir.user } : {}),
            ...(dir.group ? { group: dir.group } : {}),
          }),
        );
        results.push({ path: dir.path, ...(error ? { error } : {}) });
      }
      return syncReply(results);
    }
    if (action === "remove") {
      const results = [];
      for (const item of paths) {
        const error = await captureFileError(() => this.pebble.removePath(item.path, { recursive: item.recursive }));
        results.push({ path: item.path, ...(error ? { error } : {}) });
      }
      return syncReply(results);
    }
    if (action === "write") return errorReply(400, `must use multipart with "write" action`);
    return errorReply(400, `invalid action "${action}"`);
  }

  private async writeFiles(body: Buffer, boundary: string): Promise<Reply> {
    const decoded = decodeMultipart(body, boundary);
    if (decoded.kind === "invalid") return errorReply(400, `cannot read request metadata: ${decoded.reason}`);
    const [metadataPart, ...fileParts] = decoded.parts;
    if (metadataPart === undefined) return errorReply(400, "cannot read request metadata: EOF");
    if (metadataPart.name !== "request") return errorReply(400, `metadata field name must be "request", got "${metadataPart.name}"`);
    const payload = parseJson(Buffer.from(metadataPart.body), WritePayload);
    if (payload.kind === "invalid") return errorReply(400, `cannot decode request metadata: ${payload.reason}`);
    if (payload.data.action !== "write") return errorReply(400, `multipart action must be "write", got "${payload.data.action}"`);
    if (payload.data.files.length === 0) return errorReply(400, "must specify one or more files");
    const items = new Map(payload.data.files.map((item) => [item.path, item]));
    const errors = new Map<string, { message: string; kind: string } | undefined>();
    for (const part of fileParts) {
      if (part.name !== "files") return errorReply(400, `field name must be "files", got "${part.name}"`);
      const path = part.filename ?? "";
      const item = items.get(path);
      if (item === undefined) return errorReply(400, `no metadata for path "${path}"`);
      const permissions = parsePermissions(item.permissions);
      if (typeof permissions === "object") {
        errors.set(path, { message: permissions.invalid, kind: "generic-file-error" });
        continue;
      }
      errors.set(
        path,
        await captureFileError(() =>
          this.pebble.push(path, part.body, {
            makeDirs: item["make-dirs"],
            ...(permissions !== undefined ? { permissions } : {}),
            ...(item.user ? { user: item.user } : {}),
            ...(item.group ? { group: item.group } : {}),
          }),
        ),
      );
    }
    const results = payload.data.files.map((item) => {
      const error = errors.has(item.path) ? errors.get(item.path) : { message: `no file content for path "${item.path}"`, kind: "generic-file-error" };
      return { path: item.path, ...(error ? { error } : {}) };
    });
    return syncReply(results);
  }

  /** Run a MemoryPebble call, turning its PebbleApiError into Pebble's error reply. */
  private async apiCall(call: () => Promise<Reply>): Promise<Reply> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof PebbleApiError) return errorReply(error.statusCode, error.message, error.kind || undefined);
      throw error;
    }
  }
}

async function captureFileError(call: () => Promise<void>): Promise<{ message: string; kind: string } | undefined> {
  try {
    await call();
    return undefined;
  } catch (error) {
    return fileErrorResult(error);
  }
}

function commaSeparated(values: string[]): string[] {
  return values.flatMap((value) => value.split(",")).map((name) => name.trim()).filter((name) => name !== "");
}

function parseJson<T>(body: Buffer, schema: z.ZodType<T>): { kind: "valid"; data: T } | { kind: "invalid"; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf-8"));
  } catch (error) {
    return { kind: "invalid", reason: (error as Error).message };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { kind: "valid", data: parsed.data } : { kind: "invalid", reason: parsed.error.issues.map((issue) => issue.message).join("; ") };
}

/** Answer an upgrade request with a plain HTTP error reply, as Pebble does before upgrading. */
function refuseUpgrade(socket: Duplex, reply: Reply): void {
  const reason = STATUS_TEXT[reply.statusCode] ?? "";
  const head = [`HTTP/1.1 ${reply.statusCode} ${reason}`, "Content-Type: application/json", `Content-Length: ${reply.body.byteLength}`, "Connection: close", "", ""].join("\r\n");
  socket.end(Buffer.concat([Buffer.from(head, "utf-8"), reply.body]));
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, reply: Reply): void {
  response.writeHead(reply.statusCode, { ...reply.headers, "Content-Length": String(reply.body.byteLength) });
  response.end(reply.body);
}

/** Serve `pebble` on `socketPath` (a stale socket file there is replaced). */
export async function startTestPebbleServer(socketPath: string, pebble: MemoryPebble, options: TestPebbleServerOptions = {}): Promise<TestPebbleServer> {
  const router = new PebbleRouter(pebble, options);
  const requests: TestPebbleServer["requests"] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://pebble");
    requests.push({ method: request.method ?? "", path: url.pathname, query: url.search.replace(/^\?/, "") });
    if (!pebble.canConnect) {
      request.socket.destroy();
      return;
    }
    readBody(request)
      .then((body) => router.handle(request.method ?? "", url, request.headers, body))
      .then(
        (reply) => send(response, reply),
        (error: unknown) => {
          if (error instanceof PebbleConnectionError) {
            request.socket.destroy();
            return;
          }
          send(response, errorReply(500, `internal error: ${(error as Error).message}`));
        },
      );
  });
  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? "/", "http://pebble");
    requests.push({ method: request.method ?? "", path: url.pathname, query: url.search.replace(/^\?/, "") });
    if (!pebble.canConnect) {
      socket.destroy();
      return;
    }
    router.handleUpgrade(request, socket, head);
  });
  if (existsSync(socketPath) && lstatSync(socketPath).isSocket()) unlinkSync(socketPath);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        router.close();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
