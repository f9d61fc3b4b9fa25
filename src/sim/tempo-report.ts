/**
 * What the Tempo workers of a simulated model ended up with: the config each one received from the
 * coordinator (its relation's `worker_config`), whether those are byte-identical, the file each one
 * runs (read from its container, so this shows what really arrived) and how it differs from what
 * was received, and the gossip ring they will join.
 */
import { createHash } from "node:crypto";
import { parse as parseYaml } from "yaml";
import { CLUSTER_ENDPOINT, CONFIG_PATH, CONTAINER_NAME, kubernetesUnitFqdn, workerMeta } from "../charms/worker/index.js";
import { publishedHost } from "../interface/address.js";
import type { Simulator } from "./simulator.js";

export interface WorkerConfigCopy {
  readonly unit: string;
  /** sha256 of the text, hex; undefined when there is none yet. */
  readonly sha256?: string;
  readonly bytes: number;
}

/** Workers whose config file is not the received config verbatim, and the lines that differ. */
export interface LocalAdditions {
  readonly units: readonly string[];
  readonly sha256: string;
  /** Lines of the file that are not in the received config (in file order). */
  readonly addedLines: readonly string[];
  /** Lines of the received config missing from the file. */
  readonly removedLines: readonly string[];
}

export interface RingMember {
  /** `host:port` as in `memberlist.join_members`. */
  readonly member: string;
  /** The worker unit at that address, when it is one of this model's units. */
  readonly unit?: string;
}

export interface TempoReport {
  /** What each worker received: `worker_config` in the coordinator's app bag of its relation. */
  readonly received: readonly WorkerConfigCopy[];
  /** The received config when every worker that received one got the same bytes. */
  readonly sharedConfig?: string;
  /** How many different received configs there are. */
  readonly distinctConfigs: number;
  /** Workers that have received nothing yet. */
  readonly withoutConfig: readonly string[];
  /** What each worker runs: its /etc/worker/config.yaml. */
  readonly files: readonly WorkerConfigCopy[];
  /** Files that differ from the shared received config (a worker may add its own unit's settings). */
  readonly localAdditions: readonly LocalAdditions[];
  readonly ring: readonly RingMember[];
}

/** Units running the tempo-worker charm, in scheduling order. */
export function workerUnits(sim: Simulator): string[] {
  return sim.unitsInOrder().filter((unit) => sim.charmOf(sim.world.units.get(unit)!.app)?.meta.name === workerMeta.name);
}

/**
 * Worker units by the host they published on `tempo-cluster` (their pod's name, in whatever cluster
 * domain the simulated pods have), falling back to the computed `cluster.local` name before they have.
 */
export function workerUnitsByHost(sim: Simulator): Map<string, string> {
  const byHost = new Map<string, string>();
  for (const unit of workerUnits(sim)) {
    byHost.set(publishedAddress(sim, unit) ?? kubernetesUnitFqdn(unit, sim.world.modelName), unit);
  }
  return byHost;
}

function publishedAddress(sim: Simulator, unit: string): string | undefined {
  for (const relation of sim.world.relations.values()) {
    if (!relation.ends.some((end) => end.endpoint === CLUSTER_ENDPOINT)) continue;
    const host = publishedHost(relation.unitData.get(unit)?.address);
    if (host !== undefined) return host;
  }
  return undefined;
}

/** The config file a worker runs, from its container. */
export function configOf(sim: Simulator, unit: string): string | undefined {
  return sim.world.units.get(unit)?.containers.get(CONTAINER_NAME)?.readText(CONFIG_PATH);
}

/** The `worker_config` the coordinator published to this worker's application (JSON-encoded on the wire). */
export function receivedConfigOf(sim: Simulator, unit: string): string | undefined {
  const app = sim.world.units.get(unit)?.app;
  if (app === undefined) return undefined;
  for (const relation of sim.world.relations.values()) {
    const ownEnd = relation.ends.find((end) => end.app === app && end.endpoint === CLUSTER_ENDPOINT);
    const coordinator = relation.ends.find((end) => end.app !== app);
    if (ownEnd === undefined || coordinator === undefined) continue;
    const raw = relation.appData.get(coordinator.app)?.worker_config;
    if (raw === undefined) return undefined;
    try {
      const text: unknown = JSON.parse(raw);
      return typeof text === "string" ? text : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function tempoReport(sim: Simulator): TempoReport {
  const units = workerUnits(sim);
  const receivedTexts = new Map<string, string>();
  const received = units.map((unit) => copyOf(unit, receivedConfigOf(sim, unit), receivedTexts));
  const fileTexts = new Map<string, string>();
  const files = units.map((unit) => copyOf(unit, configOf(sim, unit), fileTexts));
  const sharedConfig = receivedTexts.size === 1 ? [...receivedTexts.values()][0] : undefined;
  const anyConfig = sharedConfig ?? [...receivedTexts.values()].sort()[0];
  const sharedSha = sharedConfig === undefined ? undefined : sha256(sharedConfig);
  const localAdditions: LocalAdditions[] = [];
  if (sharedConfig !== undefined) {
    for (const [sha, text] of [...fileTexts].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (sha === sharedSha) continue;
      localAdditions.push({
        units: files.filter((file) => file.sha256 === sha).map((file) => file.unit),
        sha256: sha,
        ...lineDifference(sharedConfig, text),
      });
    }
  }
  return {
    received,
    ...(sharedConfig !== undefined ? { sharedConfig } : {}),
    distinctConfigs: receivedTexts.size,
    withoutConfig: received.filter((copy) => copy.sha256 === undefined).map((copy) => copy.unit),
    files,
    localAdditions,
    ring: anyConfig === undefined ? [] : ringOf(anyConfig, sim),
  };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function copyOf(unit: string, text: string | undefined, seen: Map<string, string>): WorkerConfigCopy {
  if (text === undefined) return { unit, bytes: 0 };
  const sha = sha256(text);
  seen.set(sha, text);
  return { unit, sha256: sha, bytes: Buffer.byteLength(text) };
}

/** Lines only in `after`, and lines only in `before`, counting repeats: enough to show a worker's own additions. */
function lineDifference(before: string, after: string): { addedLines: string[]; removedLines: string[] } {
  const remaining = new Map<string, number>();
  for (const line of before.split("\n")) remaining.set(line, (remaining.get(line) ?? 0) + 1);
  const addedLines: string[] = [];
  for (const line of after.split("\n")) {
    const count = remaining.get(line) ?? 0;
    if (count > 0) remaining.set(line, count - 1);
    else addedLines.push(line);
  }
  const removedLines = [...remaining].flatMap(([line, count]) => Array.from({ length: count }, () => line)).filter((line) => line !== "");
  return { addedLines, removedLines };
}

/** `memberlist.join_members` of a config, each named by the unit it addresses, sorted. */
export function ringOf(configText: string, sim: Simulator): RingMember[] {
  const config = parseYaml(configText) as { memberlist?: { join_members?: unknown } } | null;
  const members = config?.memberlist?.join_members;
  if (!Array.isArray(members)) return [];
  const unitByHost = workerUnitsByHost(sim);
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
