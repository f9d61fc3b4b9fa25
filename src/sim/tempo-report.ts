/**
 * What the Tempo workers of a simulated model ended up with: the config file each one runs (read
 * from its container, not from the coordinator's databag, so this shows what really arrived),
 * whether those are byte-identical, and the gossip ring they will join.
 */
import { createHash } from "node:crypto";
import { parse as parseYaml } from "yaml";
import { CONFIG_PATH, CONTAINER_NAME, kubernetesUnitFqdn, workerMeta } from "../charms/worker/index.js";
import type { Simulator } from "./simulator.js";

export interface WorkerConfigFile {
  readonly unit: string;
  /** sha256 of the file, hex; undefined when the worker has no config yet. */
  readonly sha256?: string;
  readonly bytes: number;
}

export interface RingMember {
  /** `host:port` as in `memberlist.join_members`. */
  readonly member: string;
  /** The worker unit at that address, when it is one of this model's units. */
  readonly unit?: string;
}

export interface TempoReport {
  readonly workers: readonly WorkerConfigFile[];
  /** The config text when every worker that has one has the same; undefined when they differ or none has one. */
  readonly sharedConfig?: string;
  /** Workers that have no config file yet (e.g. Blocked before they could run Tempo). */
  readonly withoutConfig: readonly string[];
  readonly distinctConfigs: number;
  readonly ring: readonly RingMember[];
}

/** Units running the tempo-worker charm, in scheduling order. */
export function workerUnits(sim: Simulator): string[] {
  return sim.unitsInOrder().filter((unit) => sim.charmOf(sim.world.units.get(unit)!.app)?.meta.name === workerMeta.name);
}

export function configOf(sim: Simulator, unit: string): string | undefined {
  return sim.world.units.get(unit)?.containers.get(CONTAINER_NAME)?.readText(CONFIG_PATH);
}

export function tempoReport(sim: Simulator): TempoReport {
  const texts = new Map<string, string>();
  const workers = workerUnits(sim).map((unit): WorkerConfigFile => {
    const text = configOf(sim, unit);
    if (text === undefined) return { unit, bytes: 0 };
    const sha256 = createHash("sha256").update(text).digest("hex");
    texts.set(sha256, text);
    return { unit, sha256, bytes: Buffer.byteLength(text) };
  });
  const sharedConfig = texts.size === 1 ? [...texts.values()][0] : undefined;
  const anyConfig = [...texts.values()].sort()[0];
  return {
    workers,
    ...(sharedConfig !== undefined ? { sharedConfig } : {}),
    withoutConfig: workers.filter((worker) => worker.sha256 === undefined).map((worker) => worker.unit),
    distinctConfigs: texts.size,
    ring: anyConfig === undefined ? [] : ringOf(anyConfig, sim),
  };
}

/** `memberlist.join_members` of a config, each named by the unit it addresses, sorted. */
export function ringOf(configText: string, sim: Simulator): RingMember[] {
  const config = parseYaml(configText) as { memberlist?: { join_members?: unknown } } | null;
  const members = config?.memberlist?.join_members;
  if (!Array.isArray(members)) return [];
  const unitByHost = new Map(workerUnits(sim).map((unit) => [kubernetesUnitFqdn(unit, sim.world.modelName), unit]));
  return members
    .map(String)
    .sort()
    .map((member) => {
      const unit = unitByHost.get(member.replace(/:\d+$/, ""));
      return unit === undefined ? { member } : { member, unit };
    });
}

/** Ring members added and removed between two reports. */
export function ringDiff(before: readonly RingMember[], after: readonly RingMember[]): { added: string[]; removed: string[] } {
  const was = new Set(before.map((entry) => entry.member));
  const is = new Set(after.map((entry) => entry.member));
  return {
    added: [...is].filter((member) => !was.has(member)).sort(),
    removed: [...was].filter((member) => !is.has(member)).sort(),
  };
}
