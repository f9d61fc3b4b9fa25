/**
 * The Pebble edge of the front door: read what the `nginx` container holds and carry out what
 * workload-plan.ts decided. Every call is idempotent; the reload marker is written before the files
 * it guards and removed only once nginx took them in, so a hook that dies half-way is finished by
 * the next one.
 */
import { PebbleApiError, type PebbleClient } from "../../../juju/pebble.js";
import { observeFiles, oneLine, removeIfPresent, runWorkloadCommand } from "../../../juju/pebble-sync.js";
import { NGINX_LAYER_LABEL, NGINX_RELOAD_COMMAND, NGINX_SERVICE } from "./layer.js";
import { NGINX_RELOAD_PENDING_PATH } from "./paths.js";
import type { NginxActions, ObservedNginx } from "./workload-plan.js";
import { NGINX_MANAGED_PATHS } from "./workload-files.js";

/** Throws PebbleConnectionError when the container is unreachable. */
export async function observeNginx(pebble: PebbleClient): Promise<ObservedNginx> {
  const files = await observeFiles(pebble, NGINX_MANAGED_PATHS);
  const plan = await pebble.getPlan();
  const serviceState =
    plan.services[NGINX_SERVICE] === undefined
      ? ("absent" as const)
      : ((await pebble.getServices([NGINX_SERVICE]))[0]?.current ?? ("inactive" as const));
  return { files, plan, serviceState };
}

export type NginxApplyOutcome = { readonly kind: "applied" } | { readonly kind: "failed"; readonly reason: string };

/** Carry out `actions`. nginx refusing (a start that fails, a reload that exits non-zero) is an outcome; only an unreachable Pebble throws. */
export async function applyNginxActions(pebble: PebbleClient, actions: NginxActions): Promise<NginxApplyOutcome> {
  const takesEffect = actions.service !== "none";
  if (takesEffect) {
    await pebble.push(NGINX_RELOAD_PENDING_PATH, `${actions.reasons.join("\n")}\n`, { makeDirs: true });
  }
  for (const file of actions.pushes) {
    await pebble.push(file.path, file.content, { makeDirs: true, permissions: file.permissions });
  }
  if (actions.layer !== undefined) await pebble.addLayer(NGINX_LAYER_LABEL, actions.layer, { combine: true });
  const outcome = await takeEffect(pebble, actions);
  if (outcome.kind === "applied" && takesEffect) await removeIfPresent(pebble, NGINX_RELOAD_PENDING_PATH);
  // After the reload: the running nginx no longer names what is removed (certificates when TLS went off).
  for (const path of actions.removals) await removeIfPresent(pebble, path);
  return outcome;
}

async function takeEffect(pebble: PebbleClient, actions: NginxActions): Promise<NginxApplyOutcome> {
  try {
    switch (actions.service) {
      case "none":
        return { kind: "applied" };
      case "start":
        await pebble.startServices([NGINX_SERVICE]);
        return { kind: "applied" };
      case "restart":
        await pebble.restartServices([NGINX_SERVICE]);
        return { kind: "applied" };
      case "reload": {
        const reload = await runWorkloadCommand(pebble, NGINX_RELOAD_COMMAND);
        return reload.kind === "succeeded" ? { kind: "applied" } : reload;
      }
    }
  } catch (error) {
    // Pebble refused to start the service, or it exited at once (a config nginx rejects).
    if (!(error instanceof PebbleApiError)) throw error;
    return { kind: "failed", reason: `nginx did not ${actions.service}: ${oneLine(error.message)}` };
  }
}
