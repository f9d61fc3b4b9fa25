/**
 * The client side of Pebble's exec, over the container's Unix socket.
 *
 * The protocol (canonical/pebble `internals/daemon/api_exec.go`, `internals/overlord/cmdstate`,
 * `client/exec.go`):
 * 1. `POST /v1/exec` with the command and options. Pebble checks up front that the executable
 *    exists (a missing one is a 400 "cannot find executable"), then answers async: a change id,
 *    and the exec task's id in `result["task-id"]`.
 * 2. The client connects websockets at `/v1/tasks/<task-id>/websocket/<id>` for `control`,
 *    `stdio` and (with `split-stderr`) `stderr`. Pebble starts the command only once the I/O
 *    websockets are connected, and gives up after 5 seconds, failing the change.
 * 3. Output arrives as binary messages; a text message `{"command":"end"}` ends each stream. The
 *    client sends stdin the same way, ending it with the same text message.
 * 4. The change finishes when the command exits; the exit code is in its task's data
 *    (`exit-code`). A command killed by the `timeout` fails the change ("timed out after …").
 */
// Bundled, the charm takes `ws` from its own file beside the bundle (`lib/ws.cjs`), loaded when this
// module is: only a hook that runs a command pays for it (scripts/charm-layout.ts).
import WebSocket from "ws";
import * as z from "zod";
import { PebbleApiError, PebbleConnectionError, type ExecOptions, type ExecResult } from "./pebble.js";

/** What exec needs from the HTTP client: its socket, one async request, and a change wait. */
export interface ExecTransport {
  readonly socketPath: string;
  /** How long to wait for one websocket handshake (and for output after the change is done). */
  readonly requestTimeoutMs: number;
  /** How long to wait for a command without a timeout of its own. */
  readonly changeTimeoutMs: number;
  /** POST `json`; the reply must be async. Throws PebbleApiError on Pebble's error reply. */
  postAsync(path: string, json: unknown): Promise<{ changeId: string; result: unknown }>;
  /** Wait until the change is ready; throws PebbleChangeError if it failed. Returns the change. */
  waitForChange(changeId: string, timeoutMs: number): Promise<unknown>;
}

/** Pebble's websocket ids for an exec task (cmdstate/handlers.go). */
const WEBSOCKET_IDS = { control: "control", stdio: "stdio", stderr: "stderr" } as const;

/** The text message that ends a stream, either way (wsutil.go). */
export const END_OF_STREAM = JSON.stringify({ command: "end" });

/** Extra time to wait for a timed command's change beyond the command's own timeout, so Pebble's kill comes first. */
const TIMEOUT_MARGIN_MS = 1_000;

const ExecStarted = z.object({ "task-id": z.string().min(1) });

const ExecChange = z.object({
  id: z.string(),
  tasks: z
    .array(z.object({ data: z.object({ "exit-code": z.number().int().optional() }).nullish() }))
    .nullish(),
});

/** The JSON body of `POST /v1/exec`; stderr is always kept apart from stdout. */
export function execRequestBody(command: readonly string[], options: ExecOptions = {}): Record<string, unknown> {
  return {
    command: [...command],
    environment: { ...(options.environment ?? {}) },
    ...(options.workingDir !== undefined ? { "working-dir": options.workingDir } : {}),
    ...(options.timeoutMs !== undefined ? { timeout: `${Math.max(1, Math.ceil(options.timeoutMs))}ms` } : {}),
    ...(options.user !== undefined ? { user: options.user } : {}),
    ...(options.group !== undefined ? { group: options.group } : {}),
    "split-stderr": true,
  };
}

/** The exit code from a finished exec change, as Pebble records it on the exec task. */
export function exitCodeFromChange(change: unknown): number {
  const parsed = ExecChange.safeParse(change);
  if (!parsed.success) throw new PebbleApiError(200, "", `unexpected exec change from Pebble: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  const exitCode = parsed.data.tasks?.[0]?.data?.["exit-code"];
  if (exitCode === undefined) throw new PebbleApiError(200, "", `Pebble's exec change ${parsed.data.id} has no exit code`);
  return exitCode;
}

export async function runExec(transport: ExecTransport, command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  if (command.length === 0) throw new PebbleApiError(400, "", "must specify command");
  const { changeId, result } = await transport.postAsync("/v1/exec", execRequestBody(command, options));
  const started = ExecStarted.safeParse(result);
  if (!started.success) throw new PebbleApiError(202, "", `Pebble's exec reply has no task id`);
  const taskId = started.data["task-id"];
  const changeWaitMs = options.timeoutMs !== undefined ? options.timeoutMs + TIMEOUT_MARGIN_MS : transport.changeTimeoutMs;

  const connected: TaskWebsocket[] = [];
  try {
    try {
      for (const id of [WEBSOCKET_IDS.control, WEBSOCKET_IDS.stdio, WEBSOCKET_IDS.stderr]) {
        connected.push(await connectTaskWebsocket(transport, taskId, id));
      }
    } catch (error) {
      // The exec may already have failed (Pebble refuses websockets of a finished task): its
      // change says why, and is the better error. Otherwise the transport failed.
      for (const socket of connected) socket.socket.terminate();
      await transport.waitForChange(changeId, changeWaitMs);
      throw error instanceof PebbleApiError || error instanceof PebbleConnectionError
        ? error
        : new PebbleConnectionError(`cannot connect to Pebble's exec websockets: ${(error as Error).message}`);
    }
    const [, stdio, stderr] = connected as [TaskWebsocket, TaskWebsocket, TaskWebsocket];
    const stdin = options.stdin === undefined ? new Uint8Array() : typeof options.stdin === "string" ? Buffer.from(options.stdin, "utf-8") : options.stdin;
    if (stdin.byteLength > 0) stdio.socket.send(stdin, { binary: true });
    stdio.socket.send(END_OF_STREAM, { binary: false });

    const change = await transport.waitForChange(changeId, changeWaitMs);
    const exitCode = exitCodeFromChange(change);
    // Pebble sends both ends of stream before it finishes the task; the bound only guards a
    // connection that dropped the end message.
    const [stdout, stderrBytes] = await Promise.all([
      settleWithin(stdio.received, transport.requestTimeoutMs, stdio.socket),
      settleWithin(stderr.received, transport.requestTimeoutMs, stderr.socket),
    ]);
    return { exitCode, stdout: stdout.toString("utf-8"), stderr: stderrBytes.toString("utf-8") };
  } finally {
    for (const socket of connected) closeQuietly(socket.socket);
  }
}

interface TaskWebsocket {
  readonly socket: WebSocket;
  /** Everything received until the end-of-stream message or the connection closed. */
  readonly received: Promise<Buffer>;
}

/** `ws+unix://<socket>:<path>` is how `ws` reaches an HTTP server on a Unix socket. */
export function taskWebsocketUrl(socketPath: string, taskId: string, websocketId: string): string {
  return `ws+unix://${socketPath}:/v1/tasks/${encodeURIComponent(taskId)}/websocket/${encodeURIComponent(websocketId)}`;
}

function connectTaskWebsocket(transport: ExecTransport, taskId: string, websocketId: string): Promise<TaskWebsocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(taskWebsocketUrl(transport.socketPath, taskId, websocketId), {
      handshakeTimeout: transport.requestTimeoutMs,
      perMessageDeflate: false,
    });
    socket.binaryType = "nodebuffer";
    const onError = (error: Error) => reject(new PebbleConnectionError(`cannot open Pebble's ${websocketId} websocket: ${error.message}`));
    socket.once("error", onError);
    // Pebble refuses with a JSON error reply (an unknown task, say): report Pebble's words.
    socket.once("unexpected-response", (request, response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        request.destroy();
        reject(apiErrorFromBody(response.statusCode ?? 0, Buffer.concat(chunks), websocketId));
      });
      response.on("error", onError);
    });
    socket.once("open", () => {
      socket.off("error", onError);
      // Later errors end the stream; they must not go unhandled.
      socket.on("error", () => undefined);
      resolve({ socket, received: collectStream(socket) });
    });
  });
}

function collectStream(socket: WebSocket): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const finish = () => resolve(Buffer.concat(chunks));
    socket.on("message", (data: WebSocket.RawData, isBinary: boolean) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
      if (isBinary) chunks.push(bytes);
      else if (isEndOfStream(bytes.toString("utf-8"))) finish();
      // Any other text message is a command we do not know; Pebble ignores those too.
    });
    socket.once("close", finish);
  });
}

export function isEndOfStream(text: string): boolean {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === "object" && parsed !== null && (parsed as { command?: unknown }).command === "end";
  } catch {
    return false;
  }
}

function settleWithin(received: Promise<Buffer>, timeoutMs: number, socket: WebSocket): Promise<Buffer> {
  const timer = setTimeout(() => socket.terminate(), timeoutMs);
  return received.finally(() => clearTimeout(timer));
}

/**
 * Drop the connection without the closing handshake, as Pebble's own clients do: Pebble stops
 * reading a stream once it ended, so a polite close would wait for an answer that never comes
 * (and `ws` would hold the hook's process open for its 30 s close timeout).
 */
function closeQuietly(socket: WebSocket): void {
  if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
}

function apiErrorFromBody(statusCode: number, body: Buffer, websocketId: string): PebbleApiError {
  const parsed = z
    .object({ result: z.object({ message: z.string(), kind: z.string().optional() }) })
    .safeParse(safeJson(body.toString("utf-8")));
  if (parsed.success) return new PebbleApiError(statusCode, parsed.data.result.kind ?? "", parsed.data.result.message);
  return new PebbleApiError(statusCode, "", `Pebble refused the ${websocketId} websocket with HTTP ${statusCode}`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
