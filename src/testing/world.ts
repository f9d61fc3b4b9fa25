/**
 * The controller's view of a model: applications, units, relations with their committed databags,
 * leadership, config, secrets, ports and statuses.
 *
 * One World serves every unit: the harness builds one from a single unit's State, the simulator
 * keeps one for a whole model and runs many units' hooks against it. A hook never mutates it
 * directly except for Juju's immediate commands (status, workload version); everything else goes
 * through the MemoryBackend's overlay and lands here only when the hook succeeds.
 */
import type { Databag, NetworkInfo, PortSpec, StatusValue } from "../juju/backend.js";
import type { CharmMeta } from "../juju/charm-meta.js";
import type { MemoryPebble } from "./pebble-memory.js";

export { appOfUnit } from "../juju/model.js";

export type ConfigValue = string | number | boolean;

export interface WorldApp {
  readonly name: string;
  /** Undefined for applications the harness only imagines on the far side of a relation. */
  readonly meta?: CharmMeta;
  leader: string | undefined;
  /** Last unit number handed out; Juju never reuses one. */
  unitSerial?: number;
  status: StatusValue;
  /** Effective config: defaults from metadata overlaid with what the operator set. */
  config: Record<string, ConfigValue>;
}

export interface WorldUnit {
  readonly name: string;
  readonly app: string;
  status: StatusValue;
  workloadVersion: string;
  openedPorts: PortSpec[];
  state: Record<string, string>;
  networks: Record<string, NetworkInfo>;
  containers: Map<string, MemoryPebble>;
}

export interface WorldRelationEnd {
  readonly app: string;
  readonly endpoint: string;
}

export interface WorldRelation {
  readonly id: number;
  readonly interface?: string;
  /** Two ends for provides/requires; one for a peer relation. */
  readonly ends: readonly WorldRelationEnd[];
  appData: Map<string, Databag>;
  /** Every unit that ever entered scope keeps its bag (a departed unit's bag stays readable). */
  unitData: Map<string, Databag>;
  /** Units currently in scope, both sides. */
  unitsInScope: Set<string>;
  /**
   * Observer unit → the remote units it has seen join (what its `relation-list` answers). Juju
   * updates this as the observer's joined and departed hooks complete, not when a remote unit
   * enters scope, so a unit never lists a peer whose relation-joined it has not run yet.
   */
  seenBy: Map<string, Set<string>>;
  /**
   * Settings version per bag (`bagKey(entity, isApp)`), bumped only when a commit really changed
   * the bag: what Juju compares to decide that a `relation-changed` is owed (§3.5).
   */
  versions: Map<string, number>;
  /** Observer unit → remote member → the bag as that observer last read it (see cacheRemoteUnitBags). */
  memberBagCache?: Map<string, Map<string, Databag>>;
}

export function bagKey(entity: string, isApp: boolean): string {
  return `${isApp ? "app" : "unit"}:${entity}`;
}

export interface WorldSecretOwner {
  readonly app: string;
  /** Set for unit-owned secrets. */
  readonly unit?: string;
}

export interface WorldSecret {
  readonly id: string;
  readonly owner: WorldSecretOwner;
  label?: string;
  description?: string;
  /** Revision number → content. */
  revisions: Map<number, Record<string, string>>;
  latestRevision: number;
  /** Relation id → granted apps or units. */
  grants: Map<number, Set<string>>;
  /** Consumer unit → tracked revision. */
  tracked: Map<string, number>;
  /** Consumer unit → its own label for the secret. */
  consumerLabels: Map<string, string>;
  /** The latest revision's expire time (RFC 3339), as `secret-add`/`secret-set --expire` set it. */
  expiry?: string;
}

export interface World {
  readonly modelName: string;
  readonly modelUuid: string;
  apps: Map<string, WorldApp>;
  units: Map<string, WorldUnit>;
  relations: Map<number, WorldRelation>;
  secrets: Map<string, WorldSecret>;
  /** Seed for new secret IDs, so runs are deterministic. */
  secretSerial: number;
  /** Last relation id handed out; Juju never reuses one. */
  relationSerial: number;
  /**
   * The model's wall clock, ms since the epoch, as every hook's `Model.now()` reads it; unset, hooks
   * read the real time. The simulator starts it at a fixed date and moves it (`passTime`).
   */
  clockMs?: number;
  /**
   * Serve remote *member* unit bags from a per-observer cache across hooks, refreshed only by a
   * joined/changed hook for that unit — what the uniter's relation cache does (juju-hook-tools.md
   * §3.3, inferred). Off by default: a single-hook harness run sees the State as given.
   */
  cacheRemoteUnitBags?: boolean;
  /**
   * Answer `relation-ids` as Juju before 3.4 did, still listing the relation whose broken hook is
   * running (juju/juju#17464 left it out from 3.4). Off by default: the charms assume 3.6.
   */
  listsBrokenRelation?: boolean;
}

/**
 * The grant a State gives a secret this unit consumes: the State does not name the relation it
 * was granted over (Scenario neither), so the grant is recorded against this pseudo relation id.
 */
export const GRANTED_OUTSIDE_STATE = -1;


export function isPeerRelation(relation: WorldRelation): boolean {
  return relation.ends.length === 1;
}

/** The end of `relation` that belongs to `app`, if the app takes part. */
export function endOf(relation: WorldRelation, app: string): WorldRelationEnd | undefined {
  return relation.ends.find((end) => end.app === app);
}

/** The application on the other side (the same application for peers). */
export function otherApp(relation: WorldRelation, app: string): string {
  return relation.ends.find((end) => end.app !== app)?.app ?? app;
}

/** Fixed leading characters of harness secret IDs: valid base32hex, recognisable in a failure. */
const SECRET_ID_PREFIX = "d0a1b2c3d4e5";

/** A Juju-shaped secret ID (`secret:` + 20 base32hex characters), deterministic per world. */
export function nextSecretId(world: World): string {
  world.secretSerial += 1;
  return `secret:${SECRET_ID_PREFIX}${world.secretSerial.toString(32).padStart(8, "0")}`;
}

export function cloneSecret(secret: WorldSecret): WorldSecret {
  return {
    ...secret,
    revisions: new Map([...secret.revisions].map(([revision, content]) => [revision, { ...content }])),
    grants: new Map([...secret.grants].map(([id, entities]) => [id, new Set(entities)])),
    tracked: new Map(secret.tracked),
    consumerLabels: new Map(secret.consumerLabels),
  };
}
