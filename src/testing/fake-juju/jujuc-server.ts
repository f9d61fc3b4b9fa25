/**
 * The fake agent speaks Juju's jujuc protocol too (jujuc-rpc.md): one RPC server per test process,
 * in a worker thread (jujuc-server-worker.ts), beside the hook-tool executables and answering from
 * the same state files by the same rules. A hook started with `transport: "jujuc-rpc"` registers its
 * context here and gets the server's socket in JUJU_AGENT_SOCKET_ADDRESS.
 *
 * The socket is a path, not Juju 3.6's abstract name: the tests run on Node 20, which cannot connect
 * to an abstract socket (§1.3); Juju 4 uses a path too.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { type JujucServerWorkerData, registryEntry } from "./jujuc-server-worker.js";

const WORKER_MODULE = fileURLToPath(new URL("./jujuc-server-worker.ts", import.meta.url));
const TOOL_SCRIPT = fileURLToPath(new URL("./fake-hook-tool.mjs", import.meta.url));
const READY_TIMEOUT_MS = 60_000;

export interface FakeJujucServer {
  readonly socketPath: string;
  register(contextId: string, statePath: string): void;
  unregister(contextId: string): void;
  /** Hook commands answered over the socket so far, in this process. */
  callsAnswered(): number;
}

let running: FakeJujucServer | undefined;

/** The process's server, started on first use (the worker loads TypeScript through tsx). */
export function fakeJujucServer(): FakeJujucServer {
  if (running !== undefined) return running;
  const dir = mkdtempSync(path.join(os.tmpdir(), "fake-juju-rpc-"));
  const ready = new SharedArrayBuffer(8);
  const data: JujucServerWorkerData = { socketPath: path.join(dir, "agent.socket"), registryDir: dir, toolScript: TOOL_SCRIPT, ready };
  const worker = new Worker(
    `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_MODULE)}); })`,
    { eval: true, workerData: data },
  );
  worker.unref();
  let failure = "";
  worker.on("message", (message: { error?: string }) => (failure = message.error ?? failure));
  worker.on("error", (error) => (failure = error.message));
  // startHook is synchronous: wait here until the worker listens.
  const flag = new Int32Array(ready);
  if (Atomics.wait(flag, 0, 0, READY_TIMEOUT_MS) === "timed-out" || Atomics.load(flag, 0) !== 1) {
    void worker.terminate();
    throw new Error(`the fake jujuc server did not start${failure ? `: ${failure}` : ""}`);
  }
  running = {
    socketPath: data.socketPath,
    register: (contextId, statePath) => writeFileSync(registryEntry(dir, contextId), statePath),
    unregister: (contextId) => rmSync(registryEntry(dir, contextId), { force: true }),
    callsAnswered: () => Atomics.load(flag, 1),
  };
  return running;
}
