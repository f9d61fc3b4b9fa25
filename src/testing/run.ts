/**
 * State in → one event → State out, in memory.
 *
 * `run` checks the input is a state Juju could produce, builds a World for the unit under test,
 * renders the exact hook environment Juju would (so context parsing is exercised too), runs the
 * charm through the same `runHook` the real `dispatch` uses, and commits the hook's buffered
 * changes only when the charm succeeded. `runUnitHook` is the world-level step, reused by the
 * simulator for many units sharing one World.
 */
import type { Charm } from "../juju/charm.js";
import { runHook } from "../juju/charm.js";
import type { HookContext } from "../juju/context.js";
import { renderHookEnv } from "../juju/context.js";
import type { JujuEvent } from "../juju/events.js";
import { isRelationEvent } from "../juju/events.js";
import type { PebbleClient } from "../juju/pebble.js";
import { InconsistentStateError, checkConsistency } from "./consistency.js";
import type { CommittedChanges, HookRecord } from "./memory-backend.js";
import { MemoryBackend } from "./memory-backend.js";
import { MemoryPebble } from "./pebble-memory.js";
import type { ScenarioEvent } from "./scenario-events.js";
import { toJujuEvent } from "./scenario-events.js";
import type { State, StateInput } from "./state.js";
import { state as parseState } from "./state.js";
import { stateFromWorld, worldFromState } from "./state-world.js";
import type { World } from "./world.js";

export const DEFAULT_JUJU_VERSION = "3.6.14";

export type UnitHookOutcome =
  | {
      readonly kind: "committed";
      readonly record: HookRecord;
      readonly env: Record<string, string>;
      readonly changes: CommittedChanges;
    }
  | { readonly kind: "failed"; readonly error: unknown; readonly record: HookRecord; readonly env: Record<string, string> };

/**
 * Run one hook of `unitName` against `world`. Buffered changes reach the world only if the charm
 * succeeded and the commit's leadership re-check passed; immediate ones (status, workload version,
 * logs) stay either way, as in Juju (juju-hook-tools.md §1.5).
 */
export async function runUnitHook(
  charm: Charm,
  world: World,
  unitName: string,
  event: JujuEvent,
  options: { jujuVersion?: string; actionParams?: Readonly<Record<string, unknown>> } = {},
): Promise<UnitHookOutcome> {
  const unit = world.units.get(unitName);
  if (!unit) throw new Error(`unit ${unitName} is not in the world`);
  const context: HookContext = {
    unitName,
    appName: unit.app,
    modelName: world.modelName,
    modelUuid: world.modelUuid,
    jujuVersion: options.jujuVersion ?? DEFAULT_JUJU_VERSION,
    event,
  };
  const env = renderHookEnv(context);
  const backend = new MemoryBackend(world, {
    unit: unitName,
    ...(isRelationEvent(event)
      ? {
          relation: {
            id: event.relation.id,
            kind: event.kind.slice("relation-".length) as "created" | "joined" | "changed" | "departed" | "broken",
            ...(event.remoteUnit ? { remoteUnit: event.remoteUnit } : {}),
            ...(event.departingUnit ? { departingUnit: event.departingUnit } : {}),
          },
        }
      : {}),
    ...(event.kind === "action" ? { action: { params: options.actionParams ?? {} } } : {}),
  });
  const pebble = (container: string): PebbleClient =>
    unit.containers.get(container) ?? new MemoryPebble({ canConnect: false });
  try {
    const clock = world.clockMs === undefined ? undefined : () => world.clockMs!;
    await runHook(charm, { env, backend, pebble, ...(clock ? { clock } : {}) });
    const changes = backend.commit();
    return { kind: "committed", record: backend.record, env, changes };
  } catch (error) {
    return { kind: "failed", error, record: backend.record, env };
  }
}

export interface RunResult {
  readonly state: State;
  readonly event: JujuEvent;
  /** The environment the charm was dispatched with. */
  readonly env: Readonly<Record<string, string>>;
  /** Each hook-command-equivalent call, in order (`relation-get -r ep:1 - remote/0`). */
  readonly hookCalls: readonly string[];
  readonly logs: HookRecord["logs"];
  readonly statusHistory: HookRecord["statusHistory"];
  readonly workloadVersionHistory: readonly string[];
  /** For an action: its results, progress lines and failure message, as `juju run` shows them. */
  readonly action?: HookRecord["action"];
}

/** The charm threw (or its commit was refused): nothing buffered was committed. */
export class UncaughtCharmError extends Error {
  constructor(
    override readonly cause: unknown,
    /** The State after the failed hook: input plus only Juju's immediate effects. */
    readonly result: RunResult,
  ) {
    super(`the charm failed in ${result.env.JUJU_DISPATCH_PATH}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "UncaughtCharmError";
  }
}

export async function run(
  charm: Charm,
  event: ScenarioEvent,
  input: StateInput | State,
  options: { jujuVersion?: string } = {},
): Promise<RunResult> {
  const before = parseState(input);
  const problems = checkConsistency(charm.meta, before, event, options.jujuVersion ?? DEFAULT_JUJU_VERSION);
  if (problems.length > 0) throw new InconsistentStateError(problems);
  const unitWorld = worldFromState(charm.meta, before);
  const jujuEvent = toJujuEvent(event, before, unitWorld.appName);
  const outcome = await runUnitHook(charm, unitWorld.world, unitWorld.unitName, jujuEvent, {
    ...options,
    ...(event.kind === "action" ? { actionParams: event.params ?? {} } : {}),
  });
  const result: RunResult = {
    state: stateFromWorld(before, unitWorld),
    event: jujuEvent,
    env: outcome.env,
    hookCalls: outcome.record.calls,
    logs: outcome.record.logs,
    statusHistory: outcome.record.statusHistory,
    workloadVersionHistory: outcome.record.workloadVersionHistory,
    ...(outcome.record.action ? { action: outcome.record.action } : {}),
  };
  if (outcome.kind === "failed") throw new UncaughtCharmError(outcome.error, result);
  return result;
}
