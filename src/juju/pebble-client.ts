/**
 * PebbleClient over Pebble's HTTP API on the container's Unix socket.
 *
 * Requests and replies follow Pebble's API (canonical/pebble `internals/daemon/api_*.go`, the Go
 * `client/` package): every JSON reply is `{type: "sync"|"async"|"error", "status-code", result,
 * change}`; service actions are asynchronous changes that we wait on; file transfers are
 * multipart/form-data. Every request has a timeout so a wedged Pebble cannot hang a hook.
 */
import { request as httpRequest } from "node:http";
import { connect as connectSocket } from "node:net";
import YAML from "yaml";
import * as z from "zod";
import {
  PebbleApiError,
  PebbleChangeError,
  PebbleConnectionError,
  type CheckInfo,
  type ExecOptions,
  type ExecResult,
  type FileInfo,
  type Layer,
  type LogEntry,
  type PebbleClient,
  type Plan,
  type PushOptions,
  type ServiceInfo,
} from "./pebble.js";
import type { ExecTransport } from "./pebble-exec.js";
import { decodeMultipart, encodeMultipart, MULTIPART_FORM_DATA, parseHeaderParameters } from "./pebble-multipart.js";

/** Where Juju mounts a workload container's Pebble socket in the charm container. */
export function containerSocketPath(container: string): string {
  return `/charm/containers/${container}/pebble.socket`;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** How long to wait for a service change (start/stop/restart/replan) to finish. */
export const DEFAULT_CHANGE_TIMEOUT_MS = 60_000;

// ---------------------------------------------------------------------------------------------
// Wire schemas (Pebble's JSON replies)

const ErrorResult = z.object({ message: z.string().default(""), kind: z.string().optional(), value: z.unknown().optional() });

export const PebbleResponse = z.object({
  type: z.enum(["sync", "async", "error"]),
  "status-code": z.number().int(),
  status: z.string().optional(),
  change: z.string().optional(),
  result: z.unknown().optional(),
});
export type PebbleResponse = z.infer<typeof PebbleResponse>;

const FileResults = z.array(z.object({ path: z.string(), error: ErrorResult.optional() }));

const ServiceInfoWire = z.object({
  name: z.string(),
  startup: z.string(),
  current: z.string(),
  "current-since": z.string().optional(),
});

const CheckInfoWire = z.object({
  name: z.string(),
  level: z.string().optional(),
  status: z.string(),
  // api_checks.go checkInfo: `successes` always present (older Pebble omitted it: read as 0),
  // `failures` and `change-id` omitted when empty.
  successes: z.number().int().optional(),
  failures: z.number().int().optional(),
  threshold: z.number().int().optional(),
  "change-id": z.string().optional(),
});

/** One line of `GET /v1/logs` (application/x-ndjson, api_logs.go jsonLog). */
const LogEntryWire = z.object({ time: z.string(), service: z.string(), message: z.string() });

const FileInfoWire = z.object({
  path: z.string(),
  name: z.string(),
  type: z.string(),
  size: z.number().optional(),
  permissions: z.string(),
  "last-modified": z.string().optional(),
  "user-id": z.number().int().nullable().optional(),
  user: z.string().optional(),
  "group-id": z.number().int().nullable().optional(),
  group: z.string().optional(),
});

export const ChangeWire = z.object({
  id: z.string(),
  kind: z.string().optional(),
  summary: z.string().optional(),
  status: z.string(),
  ready: z.boolean(),
  err: z.string().optional(),
});

const PlanWire = z
  .object({
    services: z.record(z.string(), z.record(z.string(), z.unknown())).nullish(),
    checks: z.record(z.string(), z.record(z.string(), z.unknown())).nullish(),
    "log-targets": z.record(z.string(), z.record(z.string(), z.unknown())).nullish(),
  })
  .nullish();

/** HTTP status Pebble uses for a file error kind (api_files.go fileErrorToStatus). */
export function statusForFileErrorKind(kind: string | undefined): number {
  if (kind === "not-found") return 404;
  if (kind === "permission-denied") return 403;
  return 400;
}

export function formatPermissions(permissions: number): string {
  return (permissions & 0o777).toString(8).padStart(3, "0");
}

interface RawReply {
  statusCode: number;
  contentType: string;
  body: Buffer;
}

export interface PebbleHttpClientOptions {
  requestTimeoutMs?: number;
  changeTimeoutMs?: number;
}

export class PebbleHttpClient implements PebbleClient {
  readonly requestTimeoutMs: number;
  readonly changeTimeoutMs: number;

  constructor(
    readonly socketPath: string,
    options: PebbleHttpClientOptions = {},
  ) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.changeTimeoutMs = options.changeTimeoutMs ?? DEFAULT_CHANGE_TIMEOUT_MS;
  }

  static forContainer(container: string, options: PebbleHttpClientOptions = {}): PebbleHttpClient {
    return new PebbleHttpClient(containerSocketPath(container), options);
  }

  async systemInfo(): Promise<{ version: string }> {
    const result = await this.sync("GET", "/v1/system-info");
    return parseResult(z.object({ version: z.string() }), result, "/v1/system-info");
  }

  async addLayer(label: string, layer: Layer, options: { combine?: boolean } = {}): Promise<void> {
    await this.sync("POST", "/v1/layers", {
      json: { action: "add", label, combine: options.combine ?? false, format: "yaml", layer: YAML.stringify(layer) },
    });
  }

  async getPlan(): Promise<Plan> {
    const result = await this.sync("GET", "/v1/plan", { query: { format: "yaml" } });
    let planDocument: unknown;
    try {
      planDocument = YAML.parse(parseResult(z.string(), result, "/v1/plan"));
    } catch (error) {
      if (error instanceof PebbleApiError) throw error;
      throw new PebbleApiError(200, "", `Pebble's plan is not valid YAML: ${(error as Error).message}`);
    }
    const parsed = parseResult(PlanWire, planDocument, "/v1/plan");
    return {
      services: (parsed?.services ?? {}) as unknown as Plan["services"],
      checks: (parsed?.checks ?? {}) as unknown as Plan["checks"],
      "log-targets": (parsed?.["log-targets"] ?? {}) as unknown as Plan["log-targets"],
    };
  }

  async getServices(names?: readonly string[]): Promise<ServiceInfo[]> {
    const query: Record<string, string> = names && names.length > 0 ? { names: names.join(",") } : {};
    const result = parseResult(z.array(ServiceInfoWire), (await this.sync("GET", "/v1/services", { query })) ?? [], "/v1/services");
    return result
      .map((service): ServiceInfo => ({
        name: service.name,
        startup: service.startup === "enabled" || service.startup === "disabled" ? service.startup : ("unknown" as const),
        current: (["active", "inactive", "error", "backoff"] as const).find((state) => state === service.current) ?? "error",
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  startServices(names: readonly string[]): Promise<void> {
    return this.serviceAction("start", names);
  }

  stopServices(names: readonly string[]): Promise<void> {
    return this.serviceAction("stop", names);
  }

  restartServices(names: readonly string[]): Promise<void> {
    return this.serviceAction("restart", names);
  }

  replan(): Promise<void> {
    return this.serviceAction("replan", []);
  }

  async push(path: string, content: string | Uint8Array, options: PushOptions = {}): Promise<void> {
    const metadata = {
      action: "write",
      files: [
        {
          path,
          "make-dirs": options.makeDirs ?? false,
          permissions: options.permissions !== undefined ? formatPermissions(options.permissions) : "",
          ...(options.user !== undefined ? { user: options.user } : {}),
          ...(options.group !== undefined ? { group: options.group } : {}),
        },
      ],
    };
    const { body, contentType } = encodeMultipart([
      { name: "request", contentType: "application/json", body: Buffer.from(JSON.stringify(metadata), "utf-8") },
      {
        name: "files",
        filename: path,
        contentType: "application/octet-stream",
        body: typeof content === "string" ? Buffer.from(content, "utf-8") : content,
      },
    ]);
    const result = await this.sync("POST", "/v1/files", { body, contentType });
    throwOnFileError(result, path);
  }

  async pull(path: string): Promise<Uint8Array> {
    const reply = await this.send("GET", "/v1/files", {
      query: { action: "read", path },
      headers: { Accept: MULTIPART_FORM_DATA },
    });
    const { mediaType, parameters } = parseHeaderParameters(reply.contentType);
    if (mediaType !== MULTIPART_FORM_DATA) {
      // Not multipart: an API error about the request as a whole (a bad path list, say).
      const response = parseJsonResponse(reply);
      if (response.type === "error") throw apiErrorFrom(response);
      throw new PebbleApiError(reply.statusCode, "", `expected a multipart response, got "${mediaType}"`);
    }
    const decoded = decodeMultipart(reply.body, parameters["boundary"] ?? "");
    if (decoded.kind === "invalid") throw new PebbleApiError(reply.statusCode, "", `cannot decode Pebble's multipart reply: ${decoded.reason}`);
    const responsePart = decoded.parts.find((part) => part.name === "response");
    if (responsePart === undefined) throw new PebbleApiError(reply.statusCode, "", `Pebble's multipart reply has no "response" part`);
    const response = parseJsonResponse({ statusCode: reply.statusCode, contentType: responsePart.contentType, body: Buffer.from(responsePart.body) });
    if (response.type === "error") throw apiErrorFrom(response);
    throwOnFileError(response.result, path);
    const filePart = decoded.parts.find((part) => part.name === "files");
    if (filePart === undefined) throw new PebbleApiError(reply.statusCode, "", `Pebble's multipart reply has no "files" part for ${path}`);
    return filePart.body;
  }

  async listFiles(path: string, options: { itself?: boolean; pattern?: string } = {}): Promise<FileInfo[]> {
    const query: Record<string, string> = { action: "list", path };
    if (options.pattern) query["pattern"] = options.pattern;
    if (options.itself) query["itself"] = "true";
    const result = parseResult(z.array(FileInfoWire), (await this.sync("GET", "/v1/files", { query })) ?? [], "/v1/files");
    return result
      .map((entry) => ({
        path: entry.path,
        name: entry.name,
        type: (["file", "directory", "symlink", "socket", "named-pipe", "device"] as const).find((type) => type === entry.type) ?? ("unknown" as const),
        size: entry.size ?? 0,
        permissions: Number.parseInt(entry.permissions, 8),
        ...(entry.user ? { user: entry.user } : {}),
        ...(entry.group ? { group: entry.group } : {}),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async makeDir(path: string, options: { makeParents?: boolean; permissions?: number; user?: string; group?: string } = {}): Promise<void> {
    const dir = {
      path,
      "make-parents": options.makeParents ?? false,
      permissions: options.permissions !== undefined ? formatPermissions(options.permissions) : "",
      ...(options.user !== undefined ? { user: options.user } : {}),
      ...(options.group !== undefined ? { group: options.group } : {}),
    };
    throwOnFileError(await this.sync("POST", "/v1/files", { json: { action: "make-dirs", dirs: [dir] } }), path);
  }

  async removePath(path: string, options: { recursive?: boolean } = {}): Promise<void> {
    const item = { path, recursive: options.recursive ?? false };
    throwOnFileError(await this.sync("POST", "/v1/files", { json: { action: "remove", paths: [item] } }), path);
  }

  async getChecks(options: { level?: "alive" | "ready"; names?: readonly string[] } = {}): Promise<CheckInfo[]> {
    const query: Record<string, string> = {};
    if (options.level) query["level"] = options.level;
    if (options.names && options.names.length > 0) query["names"] = options.names.join(",");
    const result = parseResult(z.array(CheckInfoWire), (await this.sync("GET", "/v1/checks", { query })) ?? [], "/v1/checks");
    return result
      .map((check): CheckInfo => ({
        name: check.name,
        level: check.level === "alive" || check.level === "ready" ? check.level : ("" as const),
        // Newer Pebble reports "inactive" for a stopped check: it is not passing, so "down".
        status: check.status === "up" ? ("up" as const) : ("down" as const),
        successes: check.successes ?? 0,
        failures: check.failures ?? 0,
        threshold: check.threshold ?? 0,
        ...(check["change-id"] ? { changeId: check["change-id"] } : {}),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Pebble answers logs as newline-delimited JSON, not as a sync response (api_logs.go
   * logsResponse); an error before streaming is an ordinary JSON error reply.
   */
  async getLogs(services: readonly string[], lines: number): Promise<LogEntry[]> {
    const reply = await this.send("GET", "/v1/logs", { query: { services: services.join(","), n: String(Math.max(0, Math.floor(lines))) } });
    if (!reply.contentType.startsWith("application/x-ndjson")) {
      const response = parseJsonResponse(reply);
      throw response.type === "error" ? apiErrorFrom(response) : new PebbleApiError(reply.statusCode, "", `expected logs from /v1/logs, got a ${response.type} reply`);
    }
    const entries: LogEntry[] = [];
    for (const line of reply.body.toString("utf-8").split("\n")) {
      if (line.trim() === "") continue;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new PebbleApiError(reply.statusCode, "", "a line from Pebble's /v1/logs is not JSON");
      }
      entries.push(parseResult(LogEntryWire, json, "/v1/logs"));
    }
    return entries;
  }

  /**
   * See pebble-exec.ts for the protocol: an async change plus websockets for the command's I/O.
   * Loaded at the first exec: its websocket library costs ~20 ms of start-up (measured with
   * `--cpu-prof`) in every hook that talks to Pebble, and most hooks never exec.
   */
  async exec(command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const { runExec } = await import("./pebble-exec.js");
    const transport: ExecTransport = {
      socketPath: this.socketPath,
      requestTimeoutMs: this.requestTimeoutMs,
      changeTimeoutMs: this.changeTimeoutMs,
      postAsync: (path, json) => this.postAsync(path, json),
      waitForChange: (changeId, timeoutMs) => this.waitForChange(changeId, timeoutMs),
    };
    return runExec(transport, command, options);
  }

  // --- transport ---------------------------------------------------------------------------------

  private async postAsync(path: string, json: unknown): Promise<{ changeId: string; result: unknown }> {
    const response = parseJsonResponse(await this.send("POST", path, { json }));
    if (response.type === "error") throw apiErrorFrom(response);
    if (response.type !== "async" || response.change === undefined) {
      throw new PebbleApiError(response["status-code"], "", `expected an async reply with a change id from ${path}, got ${response.type}`);
    }
    return { changeId: response.change, result: response.result };
  }

  private async serviceAction(action: "start" | "stop" | "restart" | "replan", services: readonly string[]): Promise<void> {
    const { changeId } = await this.postAsync("/v1/services", { action, services: [...services] });
    await this.waitForChange(changeId, this.changeTimeoutMs);
  }

  /**
   * Wait on the change in server-side slices, so no single request outlives its timeout. Returns
   * the finished change as Pebble reports it (with its tasks); throws PebbleChangeError if it failed.
   */
  private async waitForChange(changeId: string, timeoutMs: number): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    // Each slice ends server-side (Pebble answers 504) before our request timeout would fire.
    const sliceMs = Math.min(10_000, Math.max(1, Math.floor(this.requestTimeoutMs * 0.8)));
    for (;;) {
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) throw new PebbleApiError(504, "", `timed out waiting for Pebble change ${changeId}`);
      const reply = await this.send("GET", `/v1/changes/${encodeURIComponent(changeId)}/wait`, {
        query: { timeout: `${Math.max(1, Math.min(sliceMs, remainingMs))}ms` },
      });
      const response = parseJsonResponse(reply);
      if (response.type === "error" && response["status-code"] === 504) continue; // Pebble's wait timed out: ask again.
      if (response.type === "error") throw apiErrorFrom(response);
      const change = parseResult(ChangeWire, response.result, "/v1/changes");
      if (!change.ready) continue;
      if (change.err) throw new PebbleChangeError(change.id, change.err);
      return response.result;
    }
  }

  /** A request whose reply must be a sync JSON response; returns its result. */
  private async sync(
    method: "GET" | "POST",
    path: string,
    options: { query?: Record<string, string>; json?: unknown; body?: Buffer; contentType?: string } = {},
  ): Promise<unknown> {
    const reply = await this.send(method, path, options);
    const response = parseJsonResponse(reply);
    if (response.type === "error") throw apiErrorFrom(response);
    if (response.type !== "sync") throw new PebbleApiError(response["status-code"], "", `expected a sync reply from ${path}, got ${response.type}`);
    return response.result;
  }

  private send(
    method: "GET" | "POST",
    path: string,
    options: { query?: Record<string, string>; json?: unknown; body?: Buffer; contentType?: string; headers?: Record<string, string> } = {},
  ): Promise<RawReply> {
    const query = new URLSearchParams(options.query ?? {}).toString();
    const body = options.json !== undefined ? Buffer.from(JSON.stringify(options.json), "utf-8") : options.body;
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (body !== undefined) {
      headers["Content-Type"] = options.json !== undefined ? "application/json" : (options.contentType ?? "application/octet-stream");
      headers["Content-Length"] = String(body.byteLength);
    }
    return new Promise<RawReply>((resolve, reject) => {
      // Our own connection, not the global agent's: the agent derives a TLS server name for every
      // request, and its IPv6 check compiles a large regular expression (about 7 ms of a hook's first
      // Pebble request on Node 22, measured beside a bare start). A unix socket needs neither. Without an
      // agent the socket's idle timeout is ours to set; the request's `timeout` listens for it.
      const request = httpRequest(
        { createConnection: () => connectSocket({ path: this.socketPath, timeout: this.requestTimeoutMs }), method, path: query ? `${path}?${query}` : path, headers, timeout: this.requestTimeoutMs },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({
              statusCode: response.statusCode ?? 0,
              contentType: String(response.headers["content-type"] ?? ""),
              body: Buffer.concat(chunks),
            }),
          );
          response.on("error", (error) => reject(connectionError(this.socketPath, error)));
        },
      );
      request.on("timeout", () => {
        request.destroy(new PebbleConnectionError(`Pebble at ${this.socketPath} did not answer ${method} ${path} within ${this.requestTimeoutMs} ms`));
      });
      request.on("error", (error) => reject(connectionError(this.socketPath, error)));
      request.end(body);
    });
  }
}

/**
 * Any transport failure means Pebble is not reachable right now: the socket is missing (ENOENT)
 * or refused (ECONNREFUSED) while the container starts, or the connection dropped (ECONNRESET).
 * A charm waits for pebble-ready in every case, so they share one error type.
 */
function connectionError(socketPath: string, error: Error): PebbleConnectionError {
  if (error instanceof PebbleConnectionError) return error;
  return new PebbleConnectionError(`cannot reach Pebble at ${socketPath}: ${error.message}`);
}

function parseJsonResponse(reply: RawReply): PebbleResponse {
  let json: unknown;
  try {
    json = JSON.parse(reply.body.toString("utf-8"));
  } catch {
    throw new PebbleApiError(reply.statusCode, "", `Pebble replied with HTTP ${reply.statusCode} and a body that is not JSON`);
  }
  const parsed = PebbleResponse.safeParse(json);
  if (!parsed.success) throw new PebbleApiError(reply.statusCode, "", `Pebble's reply is not a Pebble response: ${parsed.error.message}`);
  return parsed.data;
}

/** A reply that is not what Pebble's API documents is Pebble's failure, reported as such. */
function parseResult<T>(schema: z.ZodType<T>, value: unknown, endpoint: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new PebbleApiError(200, "", `unexpected reply from Pebble's ${endpoint}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

function apiErrorFrom(response: PebbleResponse): PebbleApiError {
  const result = ErrorResult.safeParse(response.result ?? {});
  const message = result.success ? result.data.message : "unknown Pebble error";
  return new PebbleApiError(response["status-code"], result.success ? (result.data.kind ?? "") : "", message);
}

/** Files replies are sync with a per-path error; Pebble's client raises it as the call's error. */
function throwOnFileError(result: unknown, path: string): void {
  const parsed = FileResults.safeParse(result);
  if (!parsed.success) throw new PebbleApiError(200, "", `unexpected files reply for ${path}`);
  if (parsed.data.length !== 1) throw new PebbleApiError(200, "", `expected exactly one result for ${path}, got ${parsed.data.length}`);
  const error = parsed.data[0]!.error;
  if (error) throw new PebbleApiError(statusForFileErrorKind(error.kind), error.kind ?? "", error.message);
}
