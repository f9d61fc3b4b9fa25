/**
 * The test Pebble server in a process of its own, for tests that run a charm's real `dispatch`
 * under the fake Juju agent: the agent waits for `dispatch` synchronously, so a server in the
 * test's own process could not answer while a hook runs.
 *
 *   const server = await startPebbleServerProcess(socketPath, { workloads: { tempo: { readyAfterMs: 70_000 } } });
 *   runDispatch(…);                              // the charm talks to Pebble's HTTP API on socketPath
 *   const { events } = await server.advance(60_000); // simulated time; the check events Juju would send
 *   await server.close();
 *
 * Run as a script (node --import tsx) it serves a MemoryPebble built from the state given on
 * the command line and answers the parent's messages; nothing here sleeps.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { MemoryPebble, type CheckEvent, type MemoryPebbleState, type MemoryPebbleStateInput } from "./pebble-memory.js";
import { startTestPebbleServer } from "./pebble-server.js";

type Ask = { readonly kind: "advance"; readonly ms: number } | { readonly kind: "state" } | { readonly kind: "close" };
type Request = { readonly id: number } & Ask;
type Reply = { readonly id: number; readonly events: CheckEvent[]; readonly state: MemoryPebbleState } | { readonly id: number; readonly error: string };

export interface PebbleServerProcess {
  /** Let `ms` of simulated time pass in the container; the check transitions Juju would dispatch. */
  advance(ms: number): Promise<{ events: CheckEvent[]; state: MemoryPebbleState }>;
  state(): Promise<MemoryPebbleState>;
  close(): Promise<void>;
}

const SCRIPT = fileURLToPath(import.meta.url);

export async function startPebbleServerProcess(socketPath: string, state: MemoryPebbleStateInput = {}): Promise<PebbleServerProcess> {
  const child: ChildProcess = fork(SCRIPT, [socketPath, JSON.stringify(state)], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  let nextId = 1;
  const pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  child.on("message", (message: Reply | { ready: true }) => {
    if ("ready" in message) return;
    pending.get(message.id)?.resolve(message);
    pending.delete(message.id);
  });
  child.on("exit", (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`the Pebble server process exited (${code})`));
    pending.clear();
  });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`the Pebble server process exited before serving (${code})`)));
  });
  const ask = (request: Ask): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ ...request, id });
    });
  const unwrap = (reply: Reply) => {
    if ("error" in reply) throw new Error(reply.error);
    return reply;
  };
  return {
    advance: async (ms) => {
      const reply = unwrap(await ask({ kind: "advance", ms }));
      return { events: reply.events, state: reply.state };
    },
    state: async () => unwrap(await ask({ kind: "state" })).state,
    close: async () => {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      await ask({ kind: "close" }).catch(() => undefined);
      await exited;
    },
  };
}

async function serve(socketPath: string, stateJson: string): Promise<void> {
  const pebble = MemoryPebble.fromState(JSON.parse(stateJson) as MemoryPebbleStateInput);
  const server = await startTestPebbleServer(socketPath, pebble);
  process.on("message", (request: Request) => {
    void (async () => {
      try {
        if (request.kind === "advance") pebble.advanceTime(request.ms);
        const events = request.kind === "advance" ? pebble.takeCheckEvents() : [];
        process.send?.({ id: request.id, events, state: pebble.toState() } satisfies Reply);
        if (request.kind === "close") {
          await server.close();
          process.disconnect();
        }
      } catch (error) {
        process.send?.({ id: request.id, error: (error as Error).message } satisfies Reply);
      }
    })();
  });
  process.send?.({ ready: true });
}

if (process.argv[1] === SCRIPT && process.send !== undefined) {
  await serve(process.argv[2] ?? "", process.argv[3] ?? "{}");
}
