/**
 * What to do to the workload so that it runs what it should, and whether Tempo must restart.
 *
 * Pure: the charm observes the container (managed files, Pebble plan, service state), computes
 * the desired files and layer, and this module decides the difference. The rule that matters
 * (field-notes §1 A1, A2, A4): restart only when Tempo would otherwise run something stale.
 * A change confined to `memberlist.join_members` is rewritten but does not restart Tempo: the
 * gossip ring already spreads membership, and restarting every worker whenever any worker joins
 * or leaves is exactly the churn operators complained about.
 */
import { isDeepStrictEqual } from "node:util";
import YAML from "yaml";
import type { Layer, Plan, ServiceCurrent } from "../../juju/pebble.js";
import { changedFiles, compareLayerWithPlan, type ObservedFile } from "../../juju/pebble-sync.js";
import {
  CA_TRUST_PENDING_PATH,
  CONFIG_PATH,
  isSystemTrustPath,
  MANAGED_PATHS,
  MARKER_PATHS,
  RESTART_PENDING_PATH,
  type WorkloadFile,
} from "./workload-files.js";

export type { ObservedFile } from "../../juju/pebble-sync.js";
export { compareLayerWithPlan, type LayerChange } from "../../juju/pebble-sync.js";

/** What the container holds right now: the only memory of "what is running" that survives a hook. */
export interface ObservedWorkload {
  /** Managed files present in the container, by path. */
  readonly files: ReadonlyMap<string, ObservedFile>;
  readonly plan: Plan;
  /** State of the Tempo service; `absent` when the plan has no such service. */
  readonly serviceState: ServiceCurrent | "absent";
}

export type DesiredWorkload =
  /** Run Tempo with exactly these files (managed files not listed are removed) and this layer. */
  | { readonly kind: "run"; readonly serviceName: string; readonly files: readonly WorkloadFile[]; readonly layer: Layer }
  /** Leave the workload as it is: what runs is the last good config, and nothing better is known. */
  | { readonly kind: "hold" }
  /** Tear down: stop Tempo and remove every managed file. */
  | { readonly kind: "stopped"; readonly serviceName: string };

export type ServiceAction = "none" | "start" | "restart" | "stop";

export interface WorkloadActions {
  /** Files to write, sorted by path. */
  readonly pushes: WorkloadFile[];
  /** Managed paths to delete, sorted. */
  readonly removals: string[];
  /** A layer to add (combined over the existing one), when the plan differs from it. */
  readonly layer: Layer | undefined;
  readonly service: ServiceAction;
  /** Why Tempo (re)starts, for the log; empty when it does not. Sorted. */
  readonly restartReasons: string[];
  /**
   * Run `update-ca-certificates` once the files are written and before the layer is added: a CA
   * in the system trust directory changed, or an earlier hook's update did not succeed.
   */
  readonly updatesCaTrust: boolean;
}

const NOTHING: WorkloadActions = {
  pushes: [],
  removals: [],
  layer: undefined,
  service: "none",
  restartReasons: [],
  updatesCaTrust: false,
};

export function planWorkload(observed: ObservedWorkload, desired: DesiredWorkload): WorkloadActions {
  switch (desired.kind) {
    case "hold":
      return NOTHING;
    case "stopped":
      return planTeardown(observed);
    case "run":
      return planRun(observed, desired);
  }
}

function isRunning(state: ObservedWorkload["serviceState"]): boolean {
  // `backoff` is Pebble restarting a crashed process on its own: it is running as far as we are concerned.
  return state === "active" || state === "backoff";
}

function planTeardown(observed: ObservedWorkload): WorkloadActions {
  const removals = MANAGED_PATHS.filter((path) => observed.files.has(path));
  return {
    pushes: [],
    removals,
    layer: undefined,
    service: isRunning(observed.serviceState) ? "stop" : "none",
    restartReasons: [],
    // The CA leaves with everything else; nothing will verify against it any more.
    updatesCaTrust: false,
  };
}

function planRun(observed: ObservedWorkload, desired: Extract<DesiredWorkload, { kind: "run" }>): WorkloadActions {
  const pushes: WorkloadFile[] = [];
  const restartReasons: string[] = [];
  const desiredPaths = new Set(desired.files.map((file) => file.path));

  for (const { file, change } of changedFiles(observed.files, desired.files)) {
    pushes.push(file);
    // A mode fix alone restarts nothing: Tempo reads the same bytes either way.
    if (change === "created") restartReasons.push(`${file.path} created`);
    if (change !== "content") continue;
    const running = observed.files.get(file.path)?.content ?? "";
    if (file.path !== CONFIG_PATH || classifyConfigChange(running, file.content) === "needs-restart") {
      restartReasons.push(`${file.path} changed`);
    }
  }

  const removals = MANAGED_PATHS.filter(
    (path) => !MARKER_PATHS.includes(path) && observed.files.has(path) && !desiredPaths.has(path),
  );
  for (const path of removals) restartReasons.push(`${path} removed`);

  const layerChange = compareLayerWithPlan(desired.layer, observed.plan);
  if (layerChange === "needs-restart") restartReasons.push("the tempo service definition changed");

  if (observed.files.has(RESTART_PENDING_PATH)) {
    restartReasons.push("a restart requested by an earlier hook did not complete");
    // The marker is cleared by the restart itself (see applyWorkloadActions); nothing to push for it.
  }

  const service: ServiceAction = !isRunning(observed.serviceState)
    ? "start"
    : restartReasons.length > 0
      ? "restart"
      : "none";

  // Content only: a mode fix leaves the trusted bytes as they are.
  const isTrustChanged =
    pushes.some((file) => isSystemTrustPath(file.path) && observed.files.get(file.path)?.content !== file.content) ||
    removals.some(isSystemTrustPath);
  const updatesCaTrust = isTrustChanged || observed.files.has(CA_TRUST_PENDING_PATH);
  const layer = layerChange === "same" ? undefined : desired.layer;

  return {
    pushes: pushes.sort(byPath),
    removals,
    layer,
    service,
    restartReasons: service === "none" ? [] : restartReasons.sort(),
    updatesCaTrust,
  };
}

function byPath(a: WorkloadFile, b: WorkloadFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

export type ConfigChange = "same" | "gossip-members-only" | "needs-restart";

/**
 * How two Tempo config texts differ, compared as YAML values (formatting never restarts Tempo).
 * Unparseable text on either side counts as a change that needs a restart.
 */
export function classifyConfigChange(runningText: string, nextText: string): ConfigChange {
  const running = parseYaml(runningText);
  const next = parseYaml(nextText);
  if (running.kind === "invalid" || next.kind === "invalid") return "needs-restart";
  if (isDeepStrictEqual(running.value, next.value)) return "same";
  if (isDeepStrictEqual(withoutJoinMembers(running.value), withoutJoinMembers(next.value))) {
    return "gossip-members-only";
  }
  return "needs-restart";
}

function parseYaml(text: string): { kind: "valid"; value: unknown } | { kind: "invalid" } {
  try {
    // YAML 1.1, as Tempo's go-yaml v2 reads it: `on`/`yes` are booleans there.
    return { kind: "valid", value: YAML.parse(text, { version: "1.1" }) as unknown };
  } catch {
    return { kind: "invalid" };
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The config with `memberlist.join_members` taken out (and `memberlist` itself if nothing else was in it). */
function withoutJoinMembers(config: unknown): unknown {
  if (!isMapping(config) || !isMapping(config.memberlist)) return config;
  const { join_members: _ignored, ...memberlist } = config.memberlist;
  const { memberlist: _old, ...rest } = config;
  return Object.keys(memberlist).length === 0 ? rest : { ...rest, memberlist };
}

