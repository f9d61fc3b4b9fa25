/**
 * The Pebble edge of the worker: read what the container holds, and carry out a plan decided by
 * restart-plan.ts. Nothing here decides anything; every call is idempotent, so a hook that fails
 * half-way is finished by the next one.
 */
import { PebbleApiError, PebbleChangeError, type CheckInfo, type PebbleClient } from "../../juju/pebble.js";
import {
  firstLine,
  oneLine,
  observeFile,
  observeFiles,
  removeIfPresent,
  runWorkloadCommand,
  type CommandOutcome,
  type ObservedFile,
} from "../../juju/pebble-sync.js";
import { baselineText } from "./readiness.js";
import type { ObservedWorkload, WorkloadActions } from "./restart-plan.js";
import {
  CA_TRUST_PENDING_PATH,
  MANAGED_PATHS,
  READY_BASELINE_PATH,
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
  /** Tempo was (re)started by this hook (whether or not it stayed up). */
  readonly didStart: boolean;
  /** Pebble's start/restart change failed: its error, on one line ("… exited quickly with code 1, will restart"). */
  readonly startError?: string;
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
  // The ready check does not depend on the system trust store (layer.ts readyCheck: curl reads
  // the CA file itself), so the layer goes in whether or not the update succeeded.
  if (actions.layer !== undefined) await pebble.addLayer(layerLabel, actions.layer, { combine: true });
  let startError: string | undefined;
  try {
    if (actions.service === "start") await pebble.startServices([serviceName]);
    if (actions.service === "restart") await pebble.restartServices([serviceName]);
  } catch (error) {
    // A start that Pebble carried out but whose process died (servstate: "exited quickly with
    // code N, will restart") is a status, not a failed hook (field-notes §1 A8): a failed hook
    // would throw away this hook's relation data, and Juju's retry would only restart Tempo again
    // on top of Pebble's own backoff, which keeps restarting it with the new files anyway.
    if (!(error instanceof PebbleChangeError)) throw error;
    startError = oneLine(error.message);
  }
  // The restart marker goes once the new process was started: the change succeeded, or Pebble is
  // backing it off (it restarts it with the new files by itself). After any other failed change
  // (a stop that timed out, say) it stays, so the next hook restarts Tempo again; a service that
  // is not running at all is started by the next hook anyway.
  const isStartedWithNewFiles =
    startError === undefined || (await pebble.getServices([serviceName]))[0]?.current === "backoff";
  if (startsTempo && isStartedWithNewFiles) await pebble.removePath(RESTART_PENDING_PATH);
  return { caTrust, didStart: startsTempo, ...(startError !== undefined ? { startError } : {}) };
}

/** Record the `ready` check as it is right after a (re)start: readiness.ts counts successes beyond it. */
export async function recordReadyBaseline(pebble: PebbleClient, check: CheckInfo | undefined): Promise<void> {
  await pebble.push(READY_BASELINE_PATH, baselineText(check), { makeDirs: true, permissions: SECRET_FILE_MODE });
}

/** How many of Tempo's last log lines a failure status is judged from (the log gets them all). */
export const FAILURE_LOG_LINES = 5;

/**
 * Tempo's last output lines (Pebble's logs API), for a status that says why it exits. Best
 * effort: an older Pebble without the API, or no output, gives none.
 */
export async function lastLogLines(pebble: PebbleClient, serviceName: string, lines = FAILURE_LOG_LINES): Promise<string[]> {
  try {
    return (await pebble.getLogs([serviceName], lines)).map((entry) => entry.message.trim()).filter((message) => message !== "");
  } catch (error) {
    if (error instanceof PebbleApiError) return [];
    throw error;
  }
}
