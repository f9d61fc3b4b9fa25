/**
 * What a charm is, and how one hook runs it.
 *
 * A charm is its metadata plus one `reconcile(model, event)`: the event only says that something
 * changed; reconcile computes the desired state and the model sends the difference. `runHook` is
 * the whole life of one hook — parse the environment, build the model, reconcile, commit — and is
 * shared by the real entry (`dispatch`), the test harness and the simulator, so all three run
 * exactly the same code above the Backend seam.
 */
import type { Backend } from "./backend.js";
import type { CharmMeta } from "./charm-meta.js";
import type { HookContext, HookEnv } from "./context.js";
import { parseHookEnv } from "./context.js";
import { hookTrace, type TracingDestination } from "./hook-tracing.js";
import type { JujuEvent } from "./events.js";
import type { PebbleClient } from "./pebble.js";
import type { PebbleFactory } from "./model.js";
import { Model } from "./model.js";

export * from "./charm-meta.js";

export interface Charm {
  readonly meta: CharmMeta;
  reconcile(model: Model, event: JujuEvent): Promise<void>;
  /**
   * Run the action `model.action()` names (dispatch path `actions/<name>`). Actions answer a
   * question or do one thing the operator asked for; they do not reconcile, as in ops, where an
   * action event reaches only its own handler. A charm without actions leaves this out.
   */
  runAction?(model: Model): Promise<void>;
  /** Where this charm's hook spans go (OTLP/HTTP), if anywhere; read after the hook. */
  tracingEndpoint?(model: Model): TracingDestination | undefined;
}

/** The hook environment does not describe a hook this charm can run; nothing was attempted. */
export class HookEnvironmentError extends Error {
  constructor(readonly reasons: readonly string[]) {
    super(`cannot run hook: ${reasons.join("; ")}`);
    this.name = "HookEnvironmentError";
  }
}

export interface HookRuntime {
  readonly env: HookEnv;
  readonly backend: Backend;
  readonly pebble?: PebbleFactory;
  /** Wall-clock time in ms (`Date.now` by default): the harness and the simulator pass their own. */
  readonly clock?: () => number;
  /** Told the hook's model as soon as it exists, so a failed hook can still be traced. */
  readonly onModel?: (model: Model) => void;
}

export interface HookRun {
  readonly context: HookContext;
  readonly model: Model;
}

/**
 * Run one hook: reconcile, then commit the buffered writes. If reconcile throws, nothing buffered
 * is sent and the error propagates (Juju then discards the hook's other buffered commands too).
 */
export async function runHook(charm: Charm, runtime: HookRuntime): Promise<HookRun> {
  const parsed = parseHookEnv(runtime.env, charm.meta);
  if (parsed.kind === "invalid") throw new HookEnvironmentError(parsed.reasons);
  const { context } = parsed;
  const model = new Model({
    meta: charm.meta,
    context,
    backend: runtime.backend,
    ...(runtime.pebble ? { pebble: runtime.pebble } : {}),
    ...(runtime.clock ? { clock: runtime.clock } : {}),
  });
  runtime.onModel?.(model);
  if (context.event.kind === "action") {
    const action = model.action()!;
    if (!charm.runAction || !charm.meta.actions?.[action.name]) action.fail(`${charm.meta.name} has no action ${action.name}`);
    else await charm.runAction(model);
  } else {
    await charm.reconcile(model, context.event);
  }
  model.commit();
  return { context, model };
}

/** Where Juju mounts each workload container's Pebble socket in a sidecar charm. */
export function pebbleSocketPath(container: string): string {
  return `/charm/containers/${container}/pebble.socket`;
}

export interface DispatchOptions {
  readonly env?: HookEnv;
  readonly backend?: Backend;
  readonly pebble?: PebbleFactory;
  /** How the process ends; tests replace it. */
  readonly exit?: (code: number) => void;
}

/**
 * The process entry a charm's bundle calls. Juju runs `dispatch` with no arguments and a replaced
 * environment (§1.1); an uncaught error is reported through `juju-log` at ERROR and the process
 * exits non-zero so Juju discards the hook's buffered changes and marks the unit in error.
 */
export async function dispatch(charm: Charm, options: DispatchOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let backend = options.backend;
  let closeBackend = () => undefined as void;
  const trace = hookTrace(env);
  try {
    // Imported lazily so the test harness and simulator never load process-spawning code.
    if (backend === undefined) {
      const connected = await (await import("./hook-commands.js")).HookCommandsBackend.connect({ env: { ...env } });
      closeBackend = () => connected.close();
      backend = connected;
    }
    const pebble = options.pebble ?? realPebbleFactory();
    await runHook(charm, { env, backend: trace.count(backend), pebble, onModel: trace.onModel });
    await trace.end(charm, "ok");
    closeBackend();
    exit(0);
  } catch (error) {
    await trace.end(charm, "error", error);
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    try {
      backend?.log("ERROR", `uncaught error in ${String(env.JUJU_DISPATCH_PATH ?? "dispatch")}: ${text}`);
    } catch {
      // juju-log itself failed; stderr still reaches the unit log at WARNING (§1.1).
    }
    process.stderr.write(`${text}\n`);
    closeBackend();
    exit(1);
  }
}

/**
 * Pebble clients for real Juju. The HTTP client module is loaded only when a charm first talks to
 * a container, so hooks that never touch Pebble do not pay for loading it.
 */
function realPebbleFactory(): PebbleFactory {
  let module: Promise<typeof import("./pebble-client.js")> | undefined;
  return (container) => {
    let client: Promise<PebbleClient> | undefined;
    const connect = () => {
      module ??= import("./pebble-client.js");
      client ??= module.then(({ PebbleHttpClient }) => new PebbleHttpClient(pebbleSocketPath(container)));
      return client;
    };
    return new Proxy({} as PebbleClient, {
      // Not a thenable: `await model.container(name)` must give the client itself.
      get: (_target, method: string) =>
        method === "then"
          ? undefined
          : (...args: unknown[]) =>
          connect().then((real) => (real[method as keyof PebbleClient] as (...a: unknown[]) => unknown).apply(real, args)),
    });
  };
}
