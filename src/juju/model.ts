/**
 * The model a charm's `reconcile` sees: this unit, its application, relations and their databags,
 * leadership, config, status, ports, secrets, network and workload containers.
 *
 * Reads are lazy and cached for the hook (each bag read costs one `relation-get`, at most once);
 * Juju's access rules are enforced here, before any hook command runs (juju-hook-tools.md §3.1);
 * writes to databags and ports are buffered and go out in `commit()`, which the charm entry calls
 * only after `reconcile` succeeded. Status and workload version are immediate in Juju, so they are
 * immediate here too.
 */
import { RunningAction } from "./action.js";
import type {
  Backend,
  Databag,
  LogLevel,
  NetworkInfo,
  PortSpec,
  RelationRef,
  SettableStatus,
  StatusValue,
} from "./backend.js";
import type { CharmMeta, EndpointRole } from "./charm-meta.js";
import { endpointRole } from "./charm-meta.js";
import type { HookContext } from "./context.js";
import type { ReadableBag, WritableBag } from "./databag.js";
import { BufferedBag } from "./databag.js";
import type { JujuEvent } from "./events.js";
import { isRelationEvent } from "./events.js";
import type { PebbleClient } from "./pebble.js";
import { diffPorts, sortPorts } from "./ports.js";
import { Secrets } from "./secrets.js";

export type ConfigValue = string | number | boolean;
export type PebbleFactory = (container: string) => PebbleClient;

/**
 * The charm asked for something Juju would refuse (a non-leader touching its application bag, a
 * write to a remote bag, app status from a non-leader). This is a bug in the charm, not an
 * expected condition, so it is thrown; no hook command was run.
 */
export class ModelAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelAccessError";
  }
}

export interface DesiredStatus {
  readonly status: SettableStatus;
  readonly message?: string;
}

export class Relation {
  readonly isPeer: boolean;
  readonly role: EndpointRole;
  private unitsCache: readonly string[] | undefined;
  private appCache: string | undefined;
  private readonly remoteBags = new Map<string, Readonly<Databag>>();
  private localUnitBag: BufferedBag | undefined;
  private localAppBag: BufferedBag | undefined;

  constructor(
    private readonly model: Model,
    private readonly backend: Backend,
    readonly ref: RelationRef,
    /** False in this relation's own relation-broken hook: it is going away. */
    readonly isActive: boolean,
    knownRemoteApp: string | undefined,
  ) {
    this.role = endpointRole(model.meta, ref.endpoint) ?? "requires";
    this.isPeer = this.role === "peers";
    this.appCache = this.isPeer ? model.app.name : knownRemoteApp;
  }

  get id(): number {
    return this.ref.id;
  }

  get endpoint(): string {
    return this.ref.endpoint;
  }

  /** The remote application (this application for a peer relation). */
  get app(): string {
    if (this.appCache === undefined) {
      const first = this.units[0];
      this.appCache = first ? appOfUnit(first) : this.backend.relationRemoteApp(this.ref);
    }
    return this.appCache;
  }

  /** Remote units this unit has seen join, sorted (the other peers, for a peer relation). */
  get units(): readonly string[] {
    this.unitsCache ??= Object.freeze([...this.backend.relationList(this.ref)].sort());
    return this.unitsCache;
  }

  remoteAppData(): Readonly<Record<string, string>> {
    return this.remoteBag(this.app, true);
  }

  /** Readable for any unit that was ever in the relation, including one that just departed. */
  remoteUnitData(unit: string): Readonly<Record<string, string>> {
    if (unit === this.model.unit.name) {
      throw new ModelAccessError(`remoteUnitData("${unit}") is this unit; use localUnitData()`);
    }
    return this.remoteBag(unit, false);
  }

  localUnitData(): WritableBag {
    this.localUnitBag ??= new BufferedBag(
      () => this.backend.relationGet(this.ref, this.model.unit.name, false),
      () => undefined,
      () => undefined,
    );
    return this.localUnitBag;
  }

  /**
   * This application's bag. Only the leader may write it; a non-leader may read it only in a peer
   * relation (Juju answers "permission denied" otherwise, §3.1). Both are checked before any call.
   */
  localAppData(): WritableBag {
    this.localAppBag ??= new BufferedBag(
      () => this.backend.relationGet(this.ref, this.model.app.name, true),
      () => {
        if (!this.isPeer && !this.model.isLeader()) {
          throw new ModelAccessError(
            `${this.label()}: a non-leader unit cannot read its application databag in a non-peer relation`,
          );
        }
      },
      () => {
        if (!this.model.isLeader()) {
          throw new ModelAccessError(`${this.label()}: only the leader may write the application databag`);
        }
      },
    );
    return this.localAppBag;
  }

  /** Whether this unit may read `localAppData()` (leader, or any unit of a peer relation). */
  canReadLocalAppData(): boolean {
    return this.isPeer || this.model.isLeader();
  }

  /** @internal Flush buffered writes: one `relation-set` per bag that really changed. */
  commit(): void {
    for (const [bag, isApp] of [
      [this.localUnitBag, false],
      [this.localAppBag, true],
    ] as const) {
      const changes = bag?.pendingChanges();
      if (!bag || !changes) continue;
      this.backend.relationSet(this.ref, changes, isApp);
      bag.markWritten();
    }
  }

  private remoteBag(entity: string, isApp: boolean): Readonly<Databag> {
    const key = `${isApp ? "app" : "unit"}:${entity}`;
    let bag = this.remoteBags.get(key);
    if (!bag) {
      bag = Object.freeze(this.backend.relationGet(this.ref, entity, isApp));
      this.remoteBags.set(key, bag);
    }
    return bag;
  }

  private label(): string {
    return `relation ${this.ref.endpoint}:${this.ref.id}`;
  }
}

export interface ModelOptions {
  readonly meta: CharmMeta;
  readonly context: HookContext;
  readonly backend: Backend;
  readonly pebble?: PebbleFactory;
  /** Wall-clock time in ms since the epoch; `Date.now` unless a test or the simulator sets its own. */
  readonly clock?: () => number;
}

export class Model {
  readonly meta: CharmMeta;
  readonly unit: { readonly name: string; readonly id: number };
  readonly app: { readonly name: string };
  readonly name: string;
  readonly uuid: string;
  readonly event: JujuEvent;
  readonly secrets: Secrets;

  private readonly backend: Backend;
  private readonly pebbleFactory: PebbleFactory | undefined;
  private readonly clock: () => number;
  private leaderCache: boolean | undefined;
  private configCache: Readonly<Record<string, ConfigValue>> | undefined;
  private readonly relationIdsByEndpoint = new Map<string, readonly RelationRef[]>();
  private readonly relationsById = new Map<number, Relation>();
  private readonly statusCache = new Map<"unit" | "application", StatusValue>();
  private wantedPorts: PortSpec[] | undefined;
  private workloadVersion: string | undefined;
  private readonly networks = new Map<string, NetworkInfo>();
  private readonly containers = new Map<string, PebbleClient>();
  private runningAction: RunningAction | undefined;

  constructor(options: ModelOptions) {
    const { context } = options;
    this.meta = options.meta;
    this.backend = options.backend;
    this.pebbleFactory = options.pebble;
    this.clock = options.clock ?? Date.now;
    this.unit = { name: context.unitName, id: Number(context.unitName.split("/")[1]) };
    this.app = { name: context.appName };
    this.name = context.modelName;
    this.uuid = context.modelUuid;
    this.event = context.event;
    this.secrets = new Secrets(this.backend, context.modelUuid);
  }

  /**
   * The time now, in ms since the epoch. Juju gives a hook no clock of its own, so this is the
   * unit's; behind a seam so that tests and the simulator move time without waiting for it.
   */
  now(): number {
    return this.clock();
  }

  /** `is-leader`, asked once per hook: a true answer holds for the 30 s lease (§2.5). */
  isLeader(): boolean {
    this.leaderCache ??= this.backend.isLeader();
    return this.leaderCache;
  }

  get config(): Readonly<Record<string, ConfigValue>> {
    this.configCache ??= Object.freeze({ ...this.backend.configGet() });
    return this.configCache;
  }

  /**
   * Active relations on an endpoint, by id. The relation whose broken hook is running is not one:
   * Juju leaves it out of `relation-ids` only from 3.4 (juju/juju#17464), so it is dropped here too,
   * as ops does (ops/model.py `Model.relations`), whatever the controller answers.
   */
  relations(endpoint: string): Relation[] {
    if (!endpointRole(this.meta, endpoint)) {
      throw new ModelAccessError(`endpoint "${endpoint}" is not in the charm's metadata`);
    }
    let refs = this.relationIdsByEndpoint.get(endpoint);
    if (!refs) {
      const event = this.event;
      const broken = event.kind === "relation-broken" ? event.relation.id : undefined;
      const active = this.backend.relationIds(endpoint).filter((ref) => ref.id !== broken);
      refs = Object.freeze(active.sort((a, b) => a.id - b.id));
      this.relationIdsByEndpoint.set(endpoint, refs);
    }
    return refs.map((ref) => this.relationFor(ref));
  }

  /** The relation this hook is about, including a broken one; undefined for non-relation events. */
  eventRelation(): Relation | undefined {
    return isRelationEvent(this.event) ? this.relationFor(this.event.relation) : undefined;
  }

  unitStatus(): StatusValue {
    return this.status("unit");
  }

  /** Only the leader may read application status (Juju refuses others). */
  appStatus(): StatusValue {
    this.requireLeader("read application status");
    return this.status("application");
  }

  /** Immediate, like Juju's status-set; skipped when Juju already shows exactly this status. */
  setUnitStatus(wanted: DesiredStatus): void {
    this.setStatus("unit", wanted);
  }

  setAppStatus(wanted: DesiredStatus): void {
    this.requireLeader("set application status");
    this.setStatus("application", wanted);
  }

  /** Declare the full set of ports this unit should have open; applied as a difference at commit. */
  setPorts(ports: readonly PortSpec[]): void {
    this.wantedPorts = sortPorts(ports);
  }

  openedPorts(): PortSpec[] {
    return sortPorts(this.backend.openedPorts());
  }

  /** Immediate (`application-version-set`); repeated identical calls in one hook are sent once. */
  setWorkloadVersion(version: string): void {
    if (this.workloadVersion === version) return;
    this.backend.applicationVersionSet(version);
    this.workloadVersion = version;
  }

  log(level: LogLevel, message: string): void {
    this.backend.log(level, message);
  }

  network(binding: string, relation?: RelationRef): NetworkInfo {
    const key = `${binding}|${relation ? relation.id : ""}`;
    let info = this.networks.get(key);
    if (!info) {
      info = this.backend.networkGet(binding, relation);
      this.networks.set(key, info);
    }
    return info;
  }

  /** The Pebble client of a workload container declared in metadata. */
  container(name: string): PebbleClient {
    if (!this.meta.containers?.[name]) {
      throw new ModelAccessError(`container "${name}" is not in the charm's metadata`);
    }
    if (!this.pebbleFactory) throw new ModelAccessError(`no Pebble client available for container "${name}"`);
    let client = this.containers.get(name);
    if (!client) {
      client = this.pebbleFactory(name);
      this.containers.set(name, client);
    }
    return client;
  }

  /**
   * The container's Pebble client, or undefined where this runtime has none for it (a harness state
   * without containers): charms treat that like an unreachable container, never as a failed hook.
   */
  containerIfAvailable(name: string): PebbleClient | undefined {
    try {
      return this.container(name);
    } catch (error) {
      if (error instanceof ModelAccessError) return undefined;
      throw error;
    }
  }

  /** Server-side unit state (`state-get`/`state-set`), for what must survive the pod. */
  unitState(): Readonly<Record<string, string>> {
    return Object.freeze({ ...this.backend.stateGet() });
  }

  setUnitState(changes: Readonly<Record<string, string>>): void {
    this.backend.stateSet({ ...changes });
  }

  /** The action this dispatch runs, or undefined in a hook. */
  action(): RunningAction | undefined {
    const event = this.event;
    if (event.kind !== "action") return undefined;
    this.runningAction ??= new RunningAction(event.action.name, event.action.uuid, this.backend);
    return this.runningAction;
  }

  /**
   * Send everything buffered: one `relation-set` per changed bag, the port difference, then secret
   * grants before revokes (Juju's order; secrets.ts `flush`).
   */
  commit(): void {
    for (const relation of [...this.relationsById.values()].sort((a, b) => a.id - b.id)) relation.commit();
    if (this.wantedPorts) {
      const { open, close } = diffPorts(this.backend.openedPorts(), this.wantedPorts);
      for (const port of close) this.backend.closePort(port);
      for (const port of open) this.backend.openPort(port);
    }
    this.secrets.flush();
  }

  private relationFor(ref: RelationRef): Relation {
    let relation = this.relationsById.get(ref.id);
    if (!relation) {
      const event = this.event;
      const isEventRelation = isRelationEvent(event) && event.relation.id === ref.id;
      const isActive = !(isEventRelation && event.kind === "relation-broken");
      relation = new Relation(this, this.backend, ref, isActive, isEventRelation ? event.remoteApp : undefined);
      this.relationsById.set(ref.id, relation);
    }
    return relation;
  }

  private status(target: "unit" | "application"): StatusValue {
    let status = this.statusCache.get(target);
    if (!status) {
      status = this.backend.statusGet(target);
      this.statusCache.set(target, status);
    }
    return status;
  }

  /**
   * Read first, set only on a difference. Juju's status-set is not free even when nothing changed:
   * it rewrites the status's "since" time (what `juju status` shows as how long a unit has been
   * blocked) and appends a status-history entry, and the coordinator sets both statuses every hook.
   * The read is safe on any Juju: a name we do not know (`unset` on a new application, `terminated`
   * after the unit's pod stopped, anything newer) reads as never equal to what we set, so we set (statusGet in
   * hook-commands.ts). Within a hook the cache holds what this hook set, so a second set is free.
   */
  private setStatus(target: "unit" | "application", wanted: DesiredStatus): void {
    const message = wanted.message ?? "";
    const current = this.status(target);
    if (current.status === wanted.status && current.message === message) return;
    this.backend.statusSet(target, wanted.status, message);
    this.statusCache.set(target, { status: wanted.status, message });
  }

  private requireLeader(what: string): void {
    if (!this.isLeader()) throw new ModelAccessError(`only the leader may ${what}`);
  }
}

export function appOfUnit(unit: string): string {
  const slash = unit.lastIndexOf("/");
  return slash < 0 ? unit : unit.slice(0, slash);
}

export type { ReadableBag, WritableBag };
