/**
 * What to do to the `nginx` container so that it serves the rendered front door. Pure: observed
 * files, plan and service state in, actions out.
 *
 * nginx re-reads its config and certificates on `nginx -s reload` (SIGHUP: new workers start with
 * the new config, old ones finish their requests), so a changed config or certificate never
 * restarts it; only a new service definition in the layer (a charm upgrade) does. A reload that
 * did not succeed leaves a marker in the container, so the next hook reloads again even though the
 * files already match.
 */
import type { Layer, Plan, ServiceCurrent } from "../../../juju/pebble.js";
import { changedFiles, compareLayerWithPlan, type DesiredFile, type ObservedFile } from "../../../juju/pebble-sync.js";
import { NGINX_RELOAD_PENDING_PATH } from "./paths.js";
import { NGINX_MANAGED_PATHS } from "./workload-files.js";

export interface ObservedNginx {
  /** Managed files present in the container, by path. */
  readonly files: ReadonlyMap<string, ObservedFile>;
  readonly plan: Plan;
  /** The nginx service's state; `absent` when the plan has no such service. */
  readonly serviceState: ServiceCurrent | "absent";
}

export interface DesiredNginx {
  readonly files: readonly DesiredFile[];
  readonly layer: Layer;
}

export type NginxServiceAction = "none" | "start" | "reload" | "restart";

export interface NginxActions {
  /** Sorted by path. */
  readonly pushes: readonly DesiredFile[];
  /** Managed paths to delete, sorted; removed after nginx took in the new config. */
  readonly removals: readonly string[];
  /** Added (combined) when the plan differs from it. */
  readonly layer: Layer | undefined;
  readonly service: NginxServiceAction;
  /** Why nginx reloads, restarts or starts, for the log; empty when it does nothing. Sorted. */
  readonly reasons: readonly string[];
}

function isRunning(state: ObservedNginx["serviceState"]): boolean {
  // `backoff` is Pebble restarting a crashed nginx on its own: it will read the files we wrote.
  return state === "active" || state === "backoff";
}

export function planNginx(observed: ObservedNginx, desired: DesiredNginx): NginxActions {
  const differences = changedFiles(observed.files, desired.files);
  const wanted = new Set(desired.files.map((file) => file.path));
  const removals = NGINX_MANAGED_PATHS.filter(
    (path) => path !== NGINX_RELOAD_PENDING_PATH && observed.files.has(path) && !wanted.has(path),
  );
  const reasons = [
    ...differences.filter(({ change }) => change !== "mode").map(({ file, change }) => `${file.path} ${change === "created" ? "created" : "changed"}`),
    ...removals.map((path) => `${path} removed`),
    ...(observed.files.has(NGINX_RELOAD_PENDING_PATH) ? ["a reload requested by an earlier hook did not complete"] : []),
  ].sort();
  const layerChange = compareLayerWithPlan(desired.layer, observed.plan);
  const service: NginxServiceAction = !isRunning(observed.serviceState)
    ? "start"
    : layerChange === "needs-restart"
      ? "restart"
      : reasons.length > 0
        ? "reload"
        : "none";
  const why = service === "start" ? ["nginx is not running"] : service === "restart" ? ["the nginx service definition changed"] : [];
  return {
    pushes: differences.map(({ file }) => file),
    removals,
    layer: layerChange === "same" ? undefined : desired.layer,
    service,
    reasons: service === "none" ? [] : [...why, ...reasons].sort(),
  };
}
