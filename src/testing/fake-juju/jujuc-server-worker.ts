/**
 * The fake agent's jujuc RPC server, in a worker thread of the test process (jujuc-server.ts starts
 * it): the driver runs `dispatch` with `spawnSync`, which blocks the main thread, so the server needs
 * an event loop of its own.
 *
 * It answers `Jujuc.Main` the way Juju's server does (jujuc-rpc.md §2; worker/uniter/runner/jujuc/
 * server.go): net/rpc over gob, one goroutine-free call at a time (Juju holds a mutex per hook, §2.3),
 * the same checks in the same order (`bad request: …` as RPC errors), and each command run by the
 * fake hook tool itself — fake-hook-tool.mjs, loaded once and called in-process with the request's
 * argv, stdin and hook — so both transports share one state file and one set of rules.
 */
import { readFileSync } from "node:fs";
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import vm from "node:vm";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { GobDecoder, GobEncoder, type GobField, type GobStruct, takeMessage } from "../../juju/gob.js";

export interface JujucServerWorkerData {
  readonly socketPath: string;
  /** Where the driver registers each running hook: a file per context id holding its state path. */
  readonly registryDir: string;
  readonly toolScript: string;
  /** Int32 [0]: set to 1 once listening (2 on failure), the main thread waits on it; [1]: calls answered. */
  readonly ready: SharedArrayBuffer;
}

/** `rpc.Response` (go1.19 net/rpc/server.go:177–185). */
const RPC_RESPONSE_HEADER: readonly GobField[] = [
  { name: "ServiceMethod", kind: "string" },
  { name: "Seq", kind: "uint" },
  { name: "Error", kind: "string" },
];
/** `exec.ExecResponse` (juju/utils exec/exec.go:48–52). */
const EXEC_RESPONSE: readonly GobField[] = [
  { name: "Code", kind: "int" },
  { name: "Stdout", kind: "bytes" },
  { name: "Stderr", kind: "bytes" },
];
/** net/rpc's `invalidRequest = struct{}{}`, the body of every error reply (server.go:346–355). */
const EMPTY_STRUCT: readonly GobField[] = [];

export function registryEntry(registryDir: string, contextId: string): string {
  return path.join(registryDir, Buffer.from(contextId).toString("hex"));
}

// ---------------------------------------------------------------- the hook tool, in-process

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type ToolProgram = (process: unknown, modules: Record<string, unknown>) => void;

/**
 * fake-hook-tool.mjs as a function of (process, modules): its `import { … } from "node:…"` lines
 * become lookups in `modules`, so each call gets its own argv, env, stdout, stderr and stdin (fd 0).
 * The script has no imports beyond node: builtins by design (see its header).
 */
export function compileHookTool(script: string): ToolProgram {
  let source = readFileSync(script, "utf8").replace(/^#!.*\n/, "\n");
  source = source.replace(/^import\s*\{([^}]*)\}\s*from\s*"(node:[^"]+)";/gm, (_line, names: string, specifier: string) => {
    return `const {${names.replace(/\s+as\s+/g, ": ")}} = __modules[${JSON.stringify(specifier)}];`;
  });
  if (/^import\s/m.test(source)) throw new Error(`${script} has an import this server cannot provide`);
  return vm.compileFunction(source, ["process", "__modules"], { filename: script }) as ToolProgram;
}

export function runToolInProcess(program: ToolProgram, command: string, args: readonly string[], env: Record<string, string>, stdin: Buffer): ToolResult {
  let stdout = "";
  let stderr = "";
  const fakeProcess = {
    argv: [process.execPath, `/fake-juju-tools/${command}`, ...args],
    env,
    stdout: { write: (text: string) => ((stdout += text), true) },
    stderr: { write: (text: string) => ((stderr += text), true) },
    exitCode: undefined as number | undefined,
  };
  const require = createRequire(import.meta.url);
  const modules = new Proxy(
    {
      // fd 0 is this call's stdin, as the tool process would see it.
      "node:fs": { ...fs, readFileSync: (file: unknown, ...rest: unknown[]) => (file === 0 ? stdin.toString("utf8") : (fs.readFileSync as (...a: unknown[]) => unknown)(file, ...rest)) },
    } as Record<string, unknown>,
    { get: (known, specifier: string) => known[specifier] ?? require(specifier) },
  );
  try {
    program(fakeProcess, modules);
  } catch (error) {
    // An uncaught exception in the tool: Node prints it and exits 1.
    return { code: 1, stdout, stderr: `${stderr}${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n` };
  }
  return { code: fakeProcess.exitCode ?? 0, stdout, stderr };
}

// ---------------------------------------------------------------- the RPC server

function serveConnection(socket: net.Socket, data: JujucServerWorkerData, program: ToolProgram): void {
  const decoder = new GobDecoder();
  const encoder = new GobEncoder();
  let received = Buffer.alloc(0);
  let header: GobStruct | undefined;

  const reply = (seq: bigint, error: string, body?: ToolResult) => {
    const head = encoder.encodeStruct("Response", RPC_RESPONSE_HEADER, { ServiceMethod: "Jujuc.Main", Seq: seq, Error: error });
    const tail =
      body === undefined
        ? encoder.encodeStruct("", EMPTY_STRUCT, {})
        : encoder.encodeStruct("ExecResponse", EXEC_RESPONSE, {
            Code: body.code,
            Stdout: Buffer.from(body.stdout),
            Stderr: Buffer.from(body.stderr),
          });
    socket.write(Buffer.concat([head, tail]));
  };

  const handle = (head: GobStruct, request: GobStruct) => {
    const seq = typeof head.Seq === "bigint" ? head.Seq : 0n;
    if (head.ServiceMethod !== "Jujuc.Main") return reply(seq, `rpc: can't find service ${String(head.ServiceMethod)}`);
    const text = (field: string) => (typeof request[field] === "string" ? (request[field] as string) : "");
    const contextId = text("ContextId");
    const command = text("CommandName");
    // server.go:186–232, in order.
    if (text("Token") !== "") return reply(seq, "bad request: token does not match");
    if (command === "") return reply(seq, "bad request: command not specified");
    if (!path.isAbsolute(text("Dir"))) return reply(seq, "bad request: Dir is not absolute");
    let statePath: string;
    try {
      statePath = readFileSync(registryEntry(data.registryDir, contextId), "utf8");
    } catch {
      return reply(seq, `bad request: unknown context id "${contextId}"`);
    }
    const args = Array.isArray(request.Args) ? request.Args.map(String) : [];
    const stdinSet = request.StdinSet === true;
    const stdin = Buffer.isBuffer(request.Stdin) ? request.Stdin : Buffer.alloc(0);
    // Lazy stdin (cmd/jujuc/main.go:153–162): a command that reads stdin fails until it is given.
    const readsStdin = args.some((arg, index) => arg === "-" && (args[index - 1] === "--file" || args[index - 1] === "-f"));
    if (readsStdin && !stdinSet) return reply(seq, "hook tool requires stdin, none supplied");
    const env = { FAKE_JUJU_STATE: statePath, JUJU_CONTEXT_ID: contextId };
    const result = runToolInProcess(program, command, args, env, stdin);
    Atomics.add(new Int32Array(data.ready), 1, 1);
    return reply(seq, "", result);
  };

  socket.on("data", (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    try {
      for (let message = takeMessage(received); message !== undefined; message = takeMessage(received)) {
        received = received.subarray(message.consumed);
        const value = decoder.decodeMessage(message.payload);
        if (value === undefined) continue;
        if (header === undefined) {
          header = value;
        } else {
          const head = header;
          header = undefined;
          handle(head, value);
        }
      }
    } catch {
      // net/rpc closes a connection whose header it cannot decode (server.go:587–600).
      socket.destroy();
    }
  });
  socket.on("error", () => socket.destroy());
}

function main(): void {
  const data = workerData as JujucServerWorkerData;
  const ready = new Int32Array(data.ready);
  const program = compileHookTool(data.toolScript);
  const server = net.createServer((socket) => serveConnection(socket, data, program));
  server.on("error", (error) => {
    parentPort?.postMessage({ error: error.message });
    Atomics.store(ready, 0, 2);
    Atomics.notify(ready, 0);
  });
  server.listen(data.socketPath, () => {
    Atomics.store(ready, 0, 1);
    Atomics.notify(ready, 0);
  });
  // The server keeps this worker alive; jujuc-server.ts unrefs the worker so the test process can exit.
}

// Only in the worker jujuc-server.ts starts; the main thread imports this module for its types.
if (!isMainThread && (workerData as Partial<JujucServerWorkerData> | undefined)?.toolScript !== undefined) main();
