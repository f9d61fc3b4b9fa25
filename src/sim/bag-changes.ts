/**
 * Which databags a hook really changed. Juju fires `relation-changed` only for a committed change:
 * the server writes only keys that differ, and a write that changes nothing is no transaction and
 * no event (juju-hook-tools.md §3.2, §3.5). So the simulator compares the writer's own bags before
 * the hook and after its commit, and counts `relation-set` calls that changed nothing.
 */
import type { Databag } from "../juju/backend.js";
import type { World } from "../testing/world.js";
import { appOfUnit, endOf } from "../testing/world.js";

/** Relation id → the writer's unit bag and its application's bag, as committed before the hook. */
export type BagSnapshot = Map<number, { readonly unit: Databag | undefined; readonly app: Databag | undefined }>;

export interface BagChange {
  readonly relationId: number;
  readonly isApp: boolean;
}

/** The bags `unit` may write, by reference: a commit replaces a bag object only when it wrote to it. */
export function snapshotOwnBags(world: World, unit: string): BagSnapshot {
  const app = appOfUnit(unit);
  const snapshot: BagSnapshot = new Map();
  for (const relation of world.relations.values()) {
    if (endOf(relation, app) === undefined) continue;
    snapshot.set(relation.id, { unit: relation.unitData.get(unit), app: relation.appData.get(app) });
  }
  return snapshot;
}

/** The bags whose committed content differs from the snapshot, sorted by relation id, unit bag first. */
export function changedBags(world: World, unit: string, before: BagSnapshot): BagChange[] {
  const app = appOfUnit(unit);
  const changes: BagChange[] = [];
  for (const [relationId, bags] of [...before].sort(([a], [b]) => a - b)) {
    const relation = world.relations.get(relationId);
    if (relation === undefined) continue;
    if (!sameBag(bags.unit, relation.unitData.get(unit))) changes.push({ relationId, isApp: false });
    if (!sameBag(bags.app, relation.appData.get(app))) changes.push({ relationId, isApp: true });
  }
  return changes;
}

function sameBag(before: Databag | undefined, after: Databag | undefined): boolean {
  if (before === after) return true;
  const keysBefore = Object.keys(before ?? {});
  const keysAfter = Object.keys(after ?? {});
  if (keysBefore.length !== keysAfter.length) return false;
  return keysBefore.every((key) => (before ?? {})[key] === (after ?? {})[key]);
}

export interface RelationSetCount {
  readonly total: number;
  /** Calls per written bag. */
  readonly toBag: readonly { readonly relationId: number; readonly isApp: boolean; readonly calls: number }[];
}

/** Count `relation-set -r <endpoint>:<id> [--app] …` calls in a hook's record. */
export function countRelationSets(calls: readonly string[]): RelationSetCount {
  const perBag = new Map<string, { relationId: number; isApp: boolean; calls: number }>();
  let total = 0;
  for (const call of calls) {
    if (!call.startsWith("relation-set ")) continue;
    total += 1;
    const match = /^relation-set -r \S*:(\d+)( --app)?/.exec(call);
    if (!match) continue;
    const key = `${match[1]}${match[2] ?? ""}`;
    const counted = perBag.get(key) ?? { relationId: Number(match[1]), isApp: match[2] !== undefined, calls: 0 };
    counted.calls += 1;
    perBag.set(key, counted);
  }
  return { total, toBag: [...perBag.values()] };
}
