/**
 * The Pebble edge of the worker: read what the container holds, and carry out a plan decided by
 * restart-plan.ts. Nothing here decides anything; every call is idempotent, so a hook that fails
 * half-way is finished by the next one.
 */
import { PebbleApiError, type PebbleClient } from "../../juju/pebble.js";
import type { ObservedFile, ObservedWorkload, WorkloadActions } from "./restart-plan.js";
import { MANAGED_PATHS, RESTART_PENDING_PATH, SECRET_FILE_MODE } from "./workload-files.js";

const textDecoder = new TextDecoder();

function isNotFound(error: unknown): boolean {
  return error instanceof PebbleApiError && (error.kind === "not-found" || error.statusCode === 404);
}

/** The managed files, the plan and the state of `serviceName`. Throws PebbleConnectionError when the container is unreachable. */
export async function observeWorkload(pebble: PebbleClient, serviceName: string): Promise<ObservedWorkload> {
  const files = new Map<string, ObservedFile>();
  for (const path of MANAGED_PATHS) {
    const observed = await observeFile(pebble, path);
    if (observed !== undefined) files.set(path, observed);
  }
  const plan = await pebble.getPlan();
  const serviceState =
    plan.services[serviceName] === undefined
      ? ("absent" as const)
      : ((await pebble.getServices([serviceName]))[0]?.current ?? ("inactive" as const));
  return { files, plan, serviceState };
}

async function observeFile(pebble: PebbleClient, path: string): Promise<ObservedFile | undefined> {
  try {
    const [info] = await pebble.listFiles(path, { itself: true });
    if (info === undefined || info.type !== "file") return undefined;
    const content = textDecoder.decode(await pebble.pull(path));
    return { content, permissions: info.permissions };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Apply `actions` in an order that is safe to interrupt: the restart-pending marker is written
 * before anything Tempo must restart for and removed only after the (re)start, so a hook that
 * dies in between leaves the marker for the next hook to act on.
 */
export async function applyWorkloadActions(
  pebble: PebbleClient,
  serviceName: string,
  layerLabel: string,
  actions: WorkloadActions,
): Promise<void> {
  const startsTempo = actions.service === "start" || actions.service === "restart";
  if (actions.service === "stop") await pebble.stopServices([serviceName]);
  if (startsTempo) {
    await pebble.push(RESTART_PENDING_PATH, actions.restartReasons.join("\n") + "\n", {
      makeDirs: true,
      permissions: SECRET_FILE_MODE,
    });
  }
  for (const file of actions.pushes) {
    await pebble.push(file.path, file.content, { makeDirs: true, permissions: file.permissions });
  }
  for (const path of actions.removals) {
    try {
      await pebble.removePath(path);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  if (actions.layer !== undefined) await pebble.addLayer(layerLabel, actions.layer, { combine: true });
  if (actions.service === "start") await pebble.startServices([serviceName]);
  if (actions.service === "restart") await pebble.restartServices([serviceName]);
  if (startsTempo) await pebble.removePath(RESTART_PENDING_PATH);
}
