/**
 * Hook commands sent straight to the unit agent, the way Juju's `jujuc` binary sends them, without a
 * process per command (jujuc-rpc.md): one Go `net/rpc` call `Jujuc.Main` per command, gob-encoded
 * (gob.ts), over the socket named by JUJU_AGENT_SOCKET_ADDRESS/JUJU_AGENT_SOCKET_NETWORK. The agent
 * parses the flags and formats the output, so stdout, stderr and the exit code are the binary's.
 *
 * Why synchronous I/O on the socket's descriptor. The Backend is synchronous (backend.ts: the model's
 * lazy reads stay simple, and Juju runs one hook command at a time anyway), so a call must finish
 * before it returns. We weighed three ways:
 * - making the Backend async: every lazy read in the model and every charm's reconcile would change,
 *   for no speed gain (the agent serialises calls, §2.3);
 * - a worker thread doing async socket I/O while this thread sleeps in `Atomics.wait`: measured here
 *   on Node 22, a worker takes ~60 ms to boot on this 2-core machine, about as long as a whole bare
 *   `node -e 0` start, which alone would break the start-up budget (dispatch ≤ 1.3 × bare Node);
 * - connecting once asynchronously (dispatch is async) and then reading and writing the connected
 *   descriptor with `fs.readSync`/`fs.writeSync`: no boot cost, one write and a few reads per call.
 * We use the last. libuv makes the descriptor non-blocking; we make it blocking again through the
 * handle's `setBlocking` (libuv's `uv_stream_set_blocking`), so a read sleeps in the kernel until
 * the reply arrives, as `jujuc`'s own read does. Where that is unavailable, a read that finds no
 * reply yet gets EAGAIN and the wait sleeps in `Atomics.wait` with a short back-off (10 µs doubling
 * to 1 ms): measured at 1,000 workers, that polling slept ~0.2 ms per call, ~200 ms of the hook,
 * because Linux rounds such short sleeps up. The socket is paused before it connects, so libuv
 * never reads from it behind our back.
 *
 * Anything unexpected (no descriptor, a decode error, an `rpc:` or `gob:` error string, the agent
 * closing the connection) is a `JujucTransportError`: the caller then spawns the hook tools instead,
 * for the rest of the hook (§6).
 */
import { readSync, writeSync } from "node:fs";
import net from "node:net";
import { GobDecodeError, GobDecoder, GobEncoder, type GobField, type GobStruct, takeMessage } from "./gob.js";

/** What `Jujuc.Main` answers: `exec.ExecResponse` (juju/utils exec/exec.go:48–52). */
export interface ExecResponse {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/** The connection can no longer be trusted; spawn the hook tools instead. */
export class JujucTransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JujucTransportError";
  }
}

/** `rpc.Request` (go1.19 net/rpc/server.go:171–175): the header before every call's body. */
const RPC_REQUEST_HEADER: readonly GobField[] = [
  { name: "ServiceMethod", kind: "string" },
  { name: "Seq", kind: "uint" },
];

/**
 * `jujuc.Request` as Juju 3.6 declares it (worker/uniter/runner/jujuc/server.go:155–169). Juju 4
 * dropped `Token`; gob matches fields by name and ignores unknown ones, and a zero `Token` is not
 * even sent, so one shape serves both (§1.4).
 */
const JUJUC_REQUEST: readonly GobField[] = [
  { name: "ContextId", kind: "string" },
  { name: "Dir", kind: "string" },
  { name: "CommandName", kind: "string" },
  { name: "Args", kind: "strings" },
  { name: "StdinSet", kind: "bool" },
  { name: "Stdin", kind: "bytes" },
  { name: "Token", kind: "string" },
];

export interface JujucCall {
  readonly contextId: string;
  /** Absolute: the agent refuses a relative Dir and resolves `--file` paths against it (§1.4). */
  readonly dir: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly stdin: Buffer;
  readonly token: string;
}

export type JujucOutcome =
  | { readonly kind: "response"; readonly response: ExecResponse }
  /** `Jujuc.Main` itself refused (`bad request: …`): jujuc prints `ERROR <text>` and exits 1. */
  | { readonly kind: "refused"; readonly error: string };

const READ_CHUNK_BYTES = 64 * 1024;
const FIRST_WAIT_MS = 0.01;
const LONGEST_WAIT_MS = 1;

/** The socket address Node connects to: a leading `@` is Go's spelling of a Linux abstract socket (§1.3). */
export function socketPath(address: string): string {
  return address.startsWith("@") ? `\0${address.slice(1)}` : address;
}

/** Whether this Node can connect to an abstract socket: libuv ≥ 1.48 passes its length right (§1.3). */
export function canReachAbstractSockets(nodeVersion: string = process.versions.node): boolean {
  return Number(nodeVersion.split(".")[0]) >= 22;
}

export class JujucConnection {
  private readonly encoder = new GobEncoder();
  private readonly decoder = new GobDecoder();
  private received: Buffer = Buffer.alloc(0);
  private readonly readBuffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  private readonly sleepCell = new Int32Array(new SharedArrayBuffer(4));
  /** A number, not a bigint: gob writes small numbers without BigInt arithmetic (gob.ts). */
  private sequence = 0;
  private isClosed = false;

  private constructor(
    private readonly socket: net.Socket,
    private readonly fd: number,
  ) {}

  /** Connect to the agent (unix network only: sidecar hooks always run local, §1.3). */
  static async connect(address: string, network: string): Promise<JujucConnection> {
    if (network !== "unix") throw new JujucTransportError(`network "${network}" is not unix`);
    if (address === "") throw new JujucTransportError("no socket address");
    if (address.startsWith("@") && !canReachAbstractSockets()) {
      throw new JujucTransportError(`Node ${process.versions.node} cannot connect to an abstract socket (needs 22 or newer)`);
    }
    const socket = new net.Socket();
    // Never let libuv start reading: every byte of the replies is read here, synchronously.
    socket.pause();
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(new JujucTransportError(`cannot connect to ${address}: ${error.message}`));
      socket.once("error", onError);
      socket.connect({ path: socketPath(address) }, () => {
        socket.off("error", onError);
        resolve();
      });
    });
    // A connected socket's descriptor; not a documented property, so anything else means fall back.
    const handle = (socket as unknown as { _handle?: { fd?: unknown; setBlocking?: (blocking: boolean) => number } })._handle;
    const fd = handle?.fd;
    if (typeof fd !== "number" || fd < 0) {
      socket.destroy();
      throw new JujucTransportError("the connected socket exposes no file descriptor");
    }
    // 0 is libuv's success; anything else leaves the descriptor non-blocking, which `fill` handles.
    handle?.setBlocking?.(true);
    // Errors after this point surface from the synchronous calls; keep the event from crashing.
    socket.on("error", () => undefined);
    return new JujucConnection(socket, fd);
  }

  /** One hook command, start to finish. Calls are strictly sequential: the agent may reorder pipelined ones (§2.3). */
  call(call: JujucCall): JujucOutcome {
    if (this.isClosed) throw new JujucTransportError("connection is closed");
    const seq = this.sequence;
    this.sequence += 1;
    const request = Buffer.concat([
      this.encoder.encodeStruct("Request", RPC_REQUEST_HEADER, { ServiceMethod: "Jujuc.Main", Seq: seq }),
      this.encoder.encodeStruct("Request", JUJUC_REQUEST, {
        ContextId: call.contextId,
        Dir: call.dir,
        CommandName: call.command,
        Args: call.args,
        // Always give stdin (empty meaning EOF), so the agent never asks for it in a second round (§1.5).
        StdinSet: true,
        Stdin: call.stdin,
        // Only when set: a local hook's token is "" and Juju 4 has no such field (§1.4, §5).
        Token: call.token,
      }),
    ]);
    this.writeAll(request);
    const header = this.readValue();
    const body = this.readValue();
    // Seq 0 is omitted on the wire like every zero field.
    const replySeq = header.Seq ?? 0n;
    if (replySeq !== BigInt(seq)) throw new JujucTransportError(`reply for call ${String(replySeq)}, expected ${seq}`);
    const error = typeof header.Error === "string" ? header.Error : "";
    if (error !== "") {
      // net/rpc's own failures and gob errors mean we do not speak this agent's protocol (§1.5).
      if (error.startsWith("rpc:") || error.startsWith("gob:")) throw new JujucTransportError(`agent answered: ${error}`);
      return { kind: "refused", error };
    }
    return { kind: "response", response: execResponse(body) };
  }

  /** Close before the hook exits: Juju's server waits for every connection to close (§2.1). */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.socket.destroy();
  }

  private writeAll(data: Buffer): void {
    let offset = 0;
    let waitMs = FIRST_WAIT_MS;
    while (offset < data.length) {
      try {
        offset += writeSync(this.fd, data, offset, data.length - offset);
        waitMs = FIRST_WAIT_MS;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw this.broken(error);
        waitMs = this.sleep(waitMs);
      }
    }
  }

  /** The next value of the reply stream, storing the type definitions that come before it. */
  private readValue(): GobStruct {
    for (;;) {
      let value: GobStruct | undefined;
      try {
        const message = takeMessage(this.received);
        if (message === undefined) {
          this.fill();
          continue;
        }
        this.received = this.received.subarray(message.consumed);
        value = this.decoder.decodeMessage(message.payload);
      } catch (error) {
        throw this.broken(error);
      }
      if (value !== undefined) return value;
    }
  }

  private fill(): void {
    let waitMs = FIRST_WAIT_MS;
    for (;;) {
      let count: number;
      try {
        count = readSync(this.fd, this.readBuffer, 0, this.readBuffer.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw this.broken(error);
        waitMs = this.sleep(waitMs);
        continue;
      }
      if (count === 0) throw this.broken(new Error("the agent closed the connection"));
      this.received = Buffer.concat([this.received, this.readBuffer.subarray(0, count)]);
      return;
    }
  }

  private sleep(waitMs: number): number {
    Atomics.wait(this.sleepCell, 0, 0, waitMs);
    return Math.min(waitMs * 2, LONGEST_WAIT_MS);
  }

  private broken(error: unknown): JujucTransportError {
    this.close();
    if (error instanceof JujucTransportError) return error;
    const detail = error instanceof GobDecodeError ? error.message : `socket: ${error instanceof Error ? error.message : String(error)}`;
    return new JujucTransportError(detail);
  }
}

/** `exec.ExecResponse`, zero fields omitted on the wire; anything but its three fields is a decode error. */
function execResponse(body: GobStruct): ExecResponse {
  const code = body.Code ?? 0n;
  const stdout = body.Stdout ?? Buffer.alloc(0);
  const stderr = body.Stderr ?? Buffer.alloc(0);
  if (typeof code !== "bigint" || !Buffer.isBuffer(stdout) || !Buffer.isBuffer(stderr)) {
    throw new JujucTransportError("the reply body is not an ExecResponse{Code, Stdout, Stderr}");
  }
  return { code: Number(code), stdout, stderr };
}

// ---------------------------------------------------------------- hook commands over one connection

/** Set to `tools` to spawn Juju's hook tools even where the agent's socket is reachable (tests, debug-hooks). */
export const HOOK_TRANSPORT_VARIABLE = "CHARM_HOOK_TRANSPORT";

/** A hook command's result as the `jujuc` binary would give it. */
export interface HookCommandOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** What HookCommandsBackend needs of a direct transport: a result, or undefined to spawn the tool. */
export interface DirectHookCommandRunner {
  run(command: string, args: readonly string[], stdin?: string): HookCommandOutput | undefined;
  close(): void;
}

export type DirectConnectResult =
  | { readonly kind: "direct"; readonly commands: DirectHookCommands }
  | { readonly kind: "tools"; readonly reason: string };

/**
 * Hook commands over one agent connection, for one hook. After the first transport failure it stays
 * off for the rest of the hook and `run` answers undefined: spawn the tool instead. A command whose
 * reply could not be read may already have run in the agent; running it again through the tool is
 * harmless for every command this runtime sends except `secret-add`, which would add a second secret,
 * and a reply the agent sent but we cannot decode is a bug to fix, not a case to tune for.
 */
export class DirectHookCommands implements DirectHookCommandRunner {
  private connection: JujucConnection | undefined;
  private fallback: string | undefined;

  constructor(
    connection: JujucConnection,
    private readonly identity: { readonly contextId: string; readonly token: string; readonly dir: string },
    private readonly onFallback: (reason: string) => void = () => undefined,
  ) {
    this.connection = connection;
  }

  /** Why this hook now spawns tools, once it does. */
  get fallbackReason(): string | undefined {
    return this.fallback;
  }

  /** The command's result, or undefined when the caller must spawn the tool. */
  run(command: string, args: readonly string[], stdin?: string): HookCommandOutput | undefined {
    const connection = this.connection;
    if (connection === undefined) return undefined;
    let outcome: JujucOutcome;
    try {
      outcome = connection.call({
        ...this.identity,
        command,
        args,
        stdin: Buffer.from(stdin ?? "", "utf8"),
      });
    } catch (error) {
      if (!(error instanceof JujucTransportError)) throw error;
      this.close();
      this.fallback = error.message;
      this.onFallback(error.message);
      return undefined;
    }
    if (outcome.kind === "refused") {
      // What the jujuc binary does with an RPC error: print it and exit 1 (cmd/jujuc/main.go:153–168).
      return { code: 1, stdout: "", stderr: `ERROR ${outcome.error}\n` };
    }
    const { code, stdout, stderr } = outcome.response;
    return { code, stdout: stdout.toString("utf8"), stderr: stderr.toString("utf8") };
  }

  close(): void {
    this.connection?.close();
    this.connection = undefined;
  }
}

/**
 * Connect for this hook when the environment allows it: the switch is not set to `tools`, the hook
 * has a context id, and the socket is one this Node can reach. Otherwise, or when the connect fails,
 * the reason to spawn the tools instead.
 */
export async function connectDirectHookCommands(
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly dir?: string; readonly onFallback?: (reason: string) => void } = {},
): Promise<DirectConnectResult> {
  if (env[HOOK_TRANSPORT_VARIABLE] === "tools") return { kind: "tools", reason: `${HOOK_TRANSPORT_VARIABLE}=tools` };
  const contextId = env.JUJU_CONTEXT_ID ?? "";
  const address = env.JUJU_AGENT_SOCKET_ADDRESS ?? "";
  if (contextId === "" || address === "") return { kind: "tools", reason: "no JUJU_CONTEXT_ID or JUJU_AGENT_SOCKET_ADDRESS" };
  try {
    const connection = await JujucConnection.connect(address, env.JUJU_AGENT_SOCKET_NETWORK ?? "");
    const identity = { contextId, token: env.JUJU_AGENT_TOKEN ?? "", dir: options.dir ?? process.cwd() };
    return { kind: "direct", commands: new DirectHookCommands(connection, identity, options.onFallback) };
  } catch (error) {
    if (error instanceof JujucTransportError) return { kind: "tools", reason: error.message };
    throw error;
  }
}
