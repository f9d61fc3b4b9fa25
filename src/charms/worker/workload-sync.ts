/**
 * The Pebble edge of the worker: read what the container holds, and carry out a plan decided by
 * restart-plan.ts. Nothing here decides anything; every call is idempotent, so a hook that fails
 * half-way is finished by the next one.
 */
import type { PebbleClient } from "../../juju/pebble.js";
import {
  firstLine,
  observeFile,
  observeFiles,
  removeIfPresent,
  runWorkloadCommand,
  type CommandOutcome,
} from "../../juju/pebble-sync.js";
import type { ObservedWorkload, WorkloadActions } from "./restart-plan.js";
import {
  CA_TRUST_PENDING_PATH,
  MANAGED_PATHS,
  RESTART_PENDING_PATH,
  SECRET_FILE_MODE,
  WORKLOAD_VERSION_PATH,
} from "./workload-files.js";
import { parseTempoVersion, TEMPO_VERSION_COMMAND } from "./workload-version.js";

export { runWorkloadCommand, WORKLOAD_COMMAND_TIMEOUT_MS, type CommandOutcome } from "../../juju/pebble-sync.js";

/** The managed files, the plan and the state of `serviceName`. Throws PebbleConnectionError when the container is unreachable. */
export async function observeWorkload(pebble: PebbleClient, serviceName: string): Promise<ObservedWorkload> {
  const files = await observeFiles(pebble, MANAGED_PATHS);
  const plan = await pebble.getPlan();
  const serviceState =
    plan.services[serviceName] === undefined
      ? ("absent" as const)
      : ((await pebble.getServices([serviceName]))[0]?.current ?? ("inactive" as const));
  return { files, plan, serviceState };
}

/** The system trust store update, as Debian's ca-certificates does it (python-reference §4.7). */
export const UPDATE_CA_TRUST_COMMAND: readonly string[] = ["update-ca-certificates", "--fresh"];
export type CaTrustOutcome = { readonly kind: "not-needed" } | { readonly kind: "trusted" } | { readonly kind: "failed"; readonly reason: string };

export interface WorkloadApplyReport {
  readonly caTrust: CaTrustOutcome;
  /** The layer was left out because the CA could not be trusted (see WorkloadActions.layerWaitsForCaTrust). */
  readonly isLayerHeld: boolean;
}

/**
 * The Tempo release in the image, asked once per container: the answer is kept in the container,
 * so a new container (after a pod restart or an image refresh) asks again. Undefined when Tempo
 * could not say; the reason is for the log.
 */
export async function learnWorkloadVersion(
  pebble: PebbleClient,
): Promise<{ kind: "known"; version: string; isNew: boolean } | { kind: "unknown"; reason: string }> {
  const recorded = await observeFile(pebble, WORKLOAD_VERSION_PATH);
  const recordedVersion = recorded?.content.trim();
  if (recordedVersion) return { kind: "known", version: recordedVersion, isNew: false };
  const outcome = await runWorkloadCommand(pebble, TEMPO_VERSION_COMMAND);
  if (outcome.kind === "failed") return { kind: "unknown", reason: outcome.reason };
  // Go's flag package and some builds print the version on stderr.
  const version = parseTempoVersion(outcome.stdout) ?? parseTempoVersion(outcome.stderr);
  if (version === undefined) {
    return { kind: "unknown", reason: `${TEMPO_VERSION_COMMAND.join(" ")} printed no version: ${firstLine(outcome.stdout) || firstLine(outcome.stderr) || "nothing"}` };
  }
  await pebble.push(WORKLOAD_VERSION_PATH, version + "\n", { makeDirs: true });
  return { kind: "known", version, isNew: true };
}

/**
 * Apply `actions` in an order that is safe to interrupt: each marker is written before the change
 * it guards and removed only after that change succeeded, so a hook that dies in between leaves
 * the marker for the next hook to act on. The restart marker guards the (re)start; the CA marker
 * guards `update-ca-certificates`, which runs after the CA is written and before the layer whose
 * HTTPS check needs it is added.
 */
export async function applyWorkloadActions(
  pebble: PebbleClient,
  serviceName: string,
  layerLabel: string,
  actions: WorkloadActions,
): Promise<WorkloadApplyReport> {
  const startsTempo = actions.service === "start" || actions.service === "restart";
  if (actions.service === "stop") await pebble.stopServices([serviceName]);
  if (startsTempo) {
    await pebble.push(RESTART_PENDING_PATH, actions.restartReasons.join("\n") + "\n", {
      makeDirs: true,
      permissions: SECRET_FILE_MODE,
    });
  }
  if (actions.updatesCaTrust) {
    await pebble.push(CA_TRUST_PENDING_PATH, "update-ca-certificates has not succeeded since the CA changed\n", {
      makeDirs: true,
      permissions: SECRET_FILE_MODE,
    });
  }
  for (const file of actions.pushes) {
    await pebble.push(file.path, file.content, { makeDirs: true, permissions: file.permissions });
  }
  for (const path of actions.removals) await removeIfPresent(pebble, path);
  let caTrust: CaTrustOutcome = { kind: "not-needed" };
  if (actions.updatesCaTrust) {
    const outcome = await runWorkloadCommand(pebble, UPDATE_CA_TRUST_COMMAND);
    caTrust = outcome.kind === "succeeded" ? { kind: "trusted" } : outcome;
    if (caTrust.kind === "trusted") await pebble.removePath(CA_TRUST_PENDING_PATH);
  }
  const isLayerHeld = caTrust.kind === "failed" && actions.layerWaitsForCaTrust;
  if (actions.layer !== undefined && !isLayerHeld) await pebble.addLayer(layerLabel, actions.layer, { combine: true });
  if (actions.service === "start") await pebble.startServices([serviceName]);
  if (actions.service === "restart") await pebble.restartServices([serviceName]);
  if (startsTempo) await pebble.removePath(RESTART_PENDING_PATH);
  return { caTrust, isLayerHeld };
}
