/**
 * A Juju model in memory: applications running real charms, their units, leaders, relations and
 * containers on one World, and the hooks Juju would run, in Juju's order, until nothing is pending.
 *
 * Operations (`deploy`, `addUnits`, `relate`, `configure`, …) change controller state and queue
 * the hooks each affected unit is owed (juju-hook-tools.md §3.4); `run()` dispatches them with
 * `runUnitHook`, the same step the test harness uses, and turns every committed databag change into
 * the `relation-changed` hooks Juju would fire (§3.5): only for a real change, never to the writer,
 * one per app-bag change for every unit on the other side.
 *
 * Scheduling is fixed, so two runs of the same operations give the same timeline: in each round
 * every unit, in deployment order (application, then unit number), runs all it has pending. A unit
 * that waits while others commit gets their changes coalesced into one pending hook, which is what
 * keeps the number of hooks linear in the number of units.
 */
import type { Charm } from "../juju/charm.js";
import { endpointMeta, endpointRole } from "../juju/charm-meta.js";
import type { JujuEvent, RelationEvent, RelationHookKind } from "../juju/events.js";
import { hookName, isRelationEvent } from "../juju/events.js";
import { runUnitHook } from "../testing/run.js";
import {
  addApplication,
  addUnit as addWorldUnit,
  createWorld,
  enterScope,
  leaveScope,
  relate as relateInWorld,
  removeRelation as removeWorldRelation,
  removeUnit as removeWorldUnit,
  setConfig,
  setLeader as setWorldLeader,
} from "../testing/world-builder.js";
import type { MemoryPebble } from "../testing/pebble-memory.js";
import type { ConfigValue, World, WorldRelation } from "../testing/world.js";
import { appOfUnit, endOf, isPeerRelation, otherApp } from "../testing/world.js";
import { changedBags, countRelationSets, snapshotOwnBags } from "./bag-changes.js";
import { checkConfigValues } from "./config-values.js";
import { UnitQueue, relationChangedKey } from "./unit-queue.js";

export type Outcome<T> = { readonly kind: "done"; readonly value: T } | { readonly kind: "rejected"; readonly reason: string };

/** How many times in a row a hook may fail before the unit is left in error for the operator. */
export const MAX_HOOK_ATTEMPTS = 3;
/** Simulated workload time that passes each time the model goes quiet (Pebble's checks probe every few seconds). */
export const WORKLOAD_CLOCK_STEP_MS = 30_000;
/**
 * Where the model's wall clock starts (`Model.now()` in every hook), fixed so that runs repeat. It
 * moves with the workloads' time while a run settles, and by `passTime`.
 */
export const SIM_CLOCK_START_MS = Date.parse("2026-01-01T00:00:00Z");
/** How often one `run` lets workload time pass before it calls the model quiet (a crash loop never ends by itself). */
export const MAX_CLOCK_STEPS_PER_RUN = 20;

export interface TimelineEntry {
  /** 1-based position in the run. */
  readonly seq: number;
  readonly round: number;
  readonly unit: string;
  /** Juju's hook name (`tempo-cluster-relation-changed`). */
  readonly hook: string;
  /** For relation hooks: the remote unit, or the remote application for app-data changes. */
  readonly remote?: string;
  readonly outcome: "ok" | "failed";
  readonly error?: string;
  /** `relation-set` calls the hook made (counted even when it failed). */
  readonly relationSets: number;
  /** Pebble service actions the hook took, e.g. `restart tempo` (what a rollout staggers). */
  readonly serviceActions?: readonly string[];
}

export interface AgentStatus {
  readonly status: "allocating" | "idle" | "error";
  readonly message: string;
}

export interface SimStats {
  /** Hooks queued (after coalescing), less those withdrawn because their unit or relation went away. */
  events: number;
  /** Hooks not queued because an identical one was already pending. */
  coalesced: number;
  /** Hooks dispatched, retries included. */
  hooks: number;
  failedHooks: number;
  relationSets: number;
  /** `relation-set` calls to a bag whose committed content did not change. */
  noOpRelationSets: number;
  hookCommands: number;
  rounds: number;
}

export type RunOutcome =
  | { readonly kind: "quiet"; readonly hooks: number }
  | { readonly kind: "stuck"; readonly hooks: number; readonly units: readonly { unit: string; hook: string; error: string }[] }
  | { readonly kind: "hook-limit"; readonly hooks: number };

/** Sets up a new unit's workload container the way its image would be (executables, files). */
export type ContainerSetup = (container: string, pebble: MemoryPebble) => void;

interface SimApp {
  readonly charm: Charm;
  readonly prepareContainer?: ContainerSetup;
  readonly order: number;
  operatorConfig: Record<string, ConfigValue>;
  isDying: boolean;
}

interface SimUnit {
  readonly queue: UnitQueue;
  readonly number: number;
  agent: AgentStatus;
  consecutiveFailures: number;
  isDying: boolean;
  lastError?: string;
  /** Hook names whose next run must fail (`failNextHook`). */
  readonly injectedFailures: string[];
}

/** Thrown inside a hook by `failNextHook`: after the charm ran, so its writes exist and are discarded. */
export class InjectedHookFailure extends Error {
  constructor(hook: string) {
    super(`injected failure of ${hook}`);
    this.name = "InjectedHookFailure";
  }
}

/** Setup hooks that Juju runs after every relation-created (§3.4 resolver priority). */
const SETUP_AFTER_CREATED = new Set<JujuEvent["kind"]>(["leader-elected", "leader-settings-changed", "config-changed", "start"]);

const APP_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export class Simulator {
  readonly world: World;
  readonly timeline: TimelineEntry[] = [];
  readonly stats: SimStats = {
    events: 0,
    coalesced: 0,
    hooks: 0,
    failedHooks: 0,
    relationSets: 0,
    noOpRelationSets: 0,
    hookCommands: 0,
    rounds: 0,
  };

  private readonly apps = new Map<string, SimApp>();
  private readonly units = new Map<string, SimUnit>();
  private readonly dyingRelations = new Set<number>();
  private addressSerial = 0;
  private appSerial = 0;

  constructor(model: { name?: string; uuid?: string } = {}) {
    this.world = createWorld({ name: model.name ?? "sim", uuid: model.uuid ?? "5e1a7000-0000-4000-8000-000000000001" });
    this.world.clockMs = SIM_CLOCK_START_MS;
  }

  /** The model's wall clock, ms since the epoch. */
  get now(): number {
    return this.world.clockMs ?? SIM_CLOCK_START_MS;
  }

  // -------------------------------------------------------------------------------------------
  // Inspection

  /** Applications in deployment order. */
  applications(): string[] {
    return [...this.apps.entries()].sort(([, a], [, b]) => a.order - b.order).map(([name]) => name);
  }

  charmOf(app: string): Charm | undefined {
    return this.apps.get(app)?.charm;
  }

  /** Units in scheduling order: application deployment order, then unit number. */
  unitsInOrder(app?: string): string[] {
    return [...this.units.entries()]
      .filter(([name]) => app === undefined || appOfUnit(name) === app)
      .sort(([nameA, a], [nameB, b]) => this.apps.get(appOfUnit(nameA))!.order - this.apps.get(appOfUnit(nameB))!.order || a.number - b.number)
      .map(([name]) => name);
  }

  agentStatus(unit: string): AgentStatus | undefined {
    return this.units.get(unit)?.agent;
  }

  pendingEvents(unit: string): readonly JujuEvent[] {
    return this.units.get(unit)?.queue.pending() ?? [];
  }

  /** The relation between two applications (either order), peers when both are the same app. */
  relationBetween(a: string, b: string, endpointOfA?: string): WorldRelation | undefined {
    return [...this.world.relations.values()].find(
      (relation) =>
        !this.dyingRelations.has(relation.id) &&
        (endpointOfA === undefined || endOf(relation, a)?.endpoint === endpointOfA) &&
        (a === b ? isPeerRelation(relation) && relation.ends[0]!.app === a : endOf(relation, a) !== undefined && endOf(relation, b) !== undefined && !isPeerRelation(relation)),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Operations: change the model and queue the hooks each unit is owed

  /** `juju deploy CHARM APP -n UNITS --config …`; peer relations are created with the application. */
  deploy(
    app: string,
    charm: Charm,
    options: { units?: number; config?: Record<string, ConfigValue>; prepareContainer?: ContainerSetup } = {},
  ): Outcome<string[]> {
    if (!APP_NAME.test(app)) return rejected(`"${app}" is not a valid application name (lowercase letters, digits and single hyphens)`);
    if (this.apps.has(app)) return rejected(`application ${app} already exists`);
    const units = options.units ?? 1;
    if (!Number.isSafeInteger(units) || units < 0) return rejected(`unit count must be a whole number ≥ 0, got ${units}`);
    const config = checkConfigValues(charm.meta, app, options.config ?? {});
    if (config.kind === "invalid") return rejected(config.reasons.join("; "));
    addApplication(this.world, { name: app, meta: charm.meta, config: config.values });
    this.appSerial += 1;
    this.apps.set(app, {
      charm,
      order: this.appSerial,
      operatorConfig: config.values,
      isDying: false,
      ...(options.prepareContainer ? { prepareContainer: options.prepareContainer } : {}),
    });
    for (const endpoint of Object.keys(charm.meta.peers ?? {}).sort()) {
      relateInWorld(this.world, { app, endpoint }, { app, endpoint });
    }
    return this.addUnits(app, units);
  }

  /** `juju add-unit APP -n COUNT`: each new unit runs its whole setup sequence. */
  addUnits(app: string, count = 1): Outcome<string[]> {
    const application = this.apps.get(app);
    if (!application || application.isDying) return rejected(`no application ${app} in the model`);
    if (!Number.isSafeInteger(count) || count < 0) return rejected(`unit count must be a whole number ≥ 0, got ${count}`);
    const added: string[] = [];
    for (let index = 0; index < count; index += 1) added.push(this.addOneUnit(app, application));
    return done(added);
  }

  /** `juju remove-unit UNIT`: the unit departs every relation, then stops and is removed. */
  removeUnit(unit: string): Outcome<string> {
    const simUnit = this.units.get(unit);
    if (!simUnit || simUnit.isDying) return rejected(`no unit ${unit} in the model`);
    this.startDeparture(unit);
    const app = this.world.apps.get(appOfUnit(unit))!;
    if (app.leader === unit && !this.apps.get(appOfUnit(unit))!.isDying) {
      const successor = this.unitsInOrder(appOfUnit(unit)).find((candidate) => !this.units.get(candidate)!.isDying);
      if (successor !== undefined) this.handOverLeadership(successor);
    }
    return done(unit);
  }

  /** `juju remove-application APP`: its relations are removed, then every unit. */
  removeApplication(app: string): Outcome<string> {
    const application = this.apps.get(app);
    if (!application || application.isDying) return rejected(`no application ${app} in the model`);
    application.isDying = true;
    for (const relation of this.relationsOf(app)) {
      if (!isPeerRelation(relation)) this.startRelationRemoval(relation);
    }
    for (const unit of this.unitsInOrder(app)) {
      if (!this.units.get(unit)!.isDying) this.startDeparture(unit);
    }
    this.forgetAppIfGone(app);
    return done(app);
  }

  /**
   * `juju integrate A B`, each side `app` or `app:endpoint`. Every unit of both sides runs
   * relation-created, then joined → changed for each unit on the other side.
   */
  relate(a: string, b: string): Outcome<number> {
    const ends = this.resolveEnds(a, b);
    if (ends.kind === "rejected") return ends;
    const [endA, endB] = ends.value;
    for (const end of [endA, endB]) {
      const limit = endpointMeta(this.apps.get(end.app)!.charm.meta, end.endpoint)?.limit;
      const existing = this.relationsOf(end.app).filter((relation) => endOf(relation, end.app)?.endpoint === end.endpoint).length;
      if (limit !== undefined && existing >= limit) {
        return rejected(`${end.app}:${end.endpoint} accepts at most ${limit} relation${limit === 1 ? "" : "s"} and already has ${existing}`);
      }
    }
    // Juju relates two applications once per pair of endpoints ("relation a:x b:y already exists");
    // the same two may be related again on other endpoints (grafana-source and grafana-dashboard).
    const existing = this.relationBetween(endA.app, endB.app, endA.endpoint);
    if (existing !== undefined && endOf(existing, endB.app)?.endpoint === endB.endpoint) {
      return rejected(`${endA.app}:${endA.endpoint} and ${endB.app}:${endB.endpoint} are already related`);
    }
    const id = relateInWorld(this.world, endA, endB);
    const relation = this.world.relations.get(id)!;
    const members = [...this.unitsInOrder(endA.app), ...this.unitsInOrder(endB.app)].filter((unit) => !this.units.get(unit)!.isDying);
    for (const unit of members) {
      enterScope(this.world, id, unit);
      // A unit still setting up runs relation-created before its leadership and config hooks.
      this.units.get(unit)!.queue.insertBefore(this.relationEvent("created", relation, unit), (pending) => SETUP_AFTER_CREATED.has(pending.kind));
      this.stats.events += 1;
    }
    for (const unit of members) this.meetCounterparts(unit, relation, { both: false });
    return done(id);
  }

  /** `juju remove-relation A B`: every unit of both sides departs from each remote unit, then sees broken. */
  removeRelation(a: string, b: string): Outcome<number> {
    const [appA, appB] = [a.split(":")[0]!, b.split(":")[0]!];
    const relation = appA === appB ? undefined : this.relationBetween(appA, appB, a.split(":")[1]);
    if (relation === undefined) return rejected(`${appA} and ${appB} are not related`);
    this.startRelationRemoval(relation);
    return done(relation.id);
  }

  /**
   * `juju config APP key=value …`: string values are parsed per the option's declared type; every
   * unit gets config-changed when the effective config changed.
   */
  configure(app: string, values: Readonly<Record<string, ConfigValue>>): Outcome<Record<string, ConfigValue>> {
    const application = this.apps.get(app);
    if (!application || application.isDying) return rejected(`no application ${app} in the model`);
    const checked = checkConfigValues(application.charm.meta, app, values);
    if (checked.kind === "invalid") return rejected(checked.reasons.join("; "));
    const before = this.world.apps.get(app)!.config;
    application.operatorConfig = { ...application.operatorConfig, ...checked.values };
    setConfig(this.world, app, application.operatorConfig);
    const after = this.world.apps.get(app)!.config;
    // Juju fires config-changed only when the settings really changed.
    const isChanged = Object.keys({ ...before, ...after }).some((key) => before[key] !== after[key]);
    if (isChanged) for (const unit of this.liveUnitsOf(app)) this.enqueue(unit, { kind: "config-changed" });
    return done(checked.values);
  }

  /** Leadership moves to `unit`: leader-elected there, leader-settings-changed on the others. */
  setLeader(unit: string): Outcome<string> {
    const simUnit = this.units.get(unit);
    if (!simUnit || simUnit.isDying) return rejected(`no unit ${unit} in the model`);
    if (this.world.apps.get(appOfUnit(unit))!.leader === unit) return rejected(`${unit} is already the leader`);
    this.handOverLeadership(unit);
    return done(unit);
  }

  /**
   * The next `hook` of `unit` fails after the charm ran: its buffered writes are discarded, the
   * unit goes into error, and Juju's retry runs the same hook again (and it succeeds).
   */
  failNextHook(unit: string, hook: string): Outcome<string> {
    const simUnit = this.units.get(unit);
    if (!simUnit || simUnit.isDying) return rejected(`no unit ${unit} in the model`);
    if (!/^[a-z][a-z0-9-]*$/.test(hook)) return rejected(`"${hook}" is not a hook name`);
    simUnit.injectedFailures.push(hook);
    return done(hook);
  }

  // -------------------------------------------------------------------------------------------
  // Running

  /** Dispatch pending hooks round by round until none is pending (or only failed units wait). */
  async run(options: { maxHooks?: number } = {}): Promise<RunOutcome> {
    const maxHooks = options.maxHooks ?? 1_000_000;
    const startHooks = this.stats.hooks;
    let clockSteps = 0;
    for (;;) {
      let ranThisRound = 0;
      this.stats.rounds += 1;
      for (const unit of this.unitsInOrder()) {
        const simUnit = this.units.get(unit);
        while (simUnit !== undefined && this.units.has(unit) && !simUnit.queue.isEmpty && simUnit.consecutiveFailures < MAX_HOOK_ATTEMPTS) {
          if (this.stats.hooks - startHooks >= maxHooks) return { kind: "hook-limit", hooks: this.stats.hooks - startHooks };
          ranThisRound += 1;
          const isCommitted = await this.runHead(unit, simUnit);
          // A failed hook is retried next round (Juju backs off before retrying).
          if (!isCommitted) break;
        }
      }
      if (ranThisRound === 0) {
        this.stats.rounds -= 1;
        const stuck = this.unitsInOrder().filter((unit) => !this.units.get(unit)!.queue.isEmpty);
        const hooks = this.stats.hooks - startHooks;
        if (stuck.length === 0 && clockSteps < MAX_CLOCK_STEPS_PER_RUN && this.letWorkloadTimePass() > 0) {
          clockSteps += 1;
          continue;
        }
        if (stuck.length === 0) return { kind: "quiet", hooks };
        return {
          kind: "stuck",
          hooks,
          units: stuck.map((unit) => {
            const simUnit = this.units.get(unit)!;
            return { unit, hook: hookName(simUnit.queue.peek()!), error: simUnit.lastError ?? "" };
          }),
        };
      }
    }
  }

  /**
   * Once no hook is pending, the workloads' time moves on: every container's Pebble runs its
   * timers for WORKLOAD_CLOCK_STEP_MS (check probes, process exits, backoff restarts), and each
   * check that turned down or recovered becomes the pebble-check-failed/-recovered hook Juju
   * (≥ 3.6) runs for it. Returns how many hooks that queued.
   */
  private letWorkloadTimePass(): number {
    this.world.clockMs = this.now + WORKLOAD_CLOCK_STEP_MS;
    let queued = 0;
    for (const unit of this.unitsInOrder()) {
      const containers = this.world.units.get(unit)?.containers;
      if (containers === undefined) continue;
      for (const [container, pebble] of containers) {
        pebble.advanceTime(WORKLOAD_CLOCK_STEP_MS);
        for (const event of pebble.takeCheckEvents()) {
          this.enqueue(unit, { kind: event.kind, container, check: event.check });
          queued += 1;
        }
      }
    }
    return queued;
  }

  /**
   * Wall-clock time passes (`ms`, > 0) while nothing else happens: Juju's timers fire. Each owned
   * secret whose latest revision's expire time is now past gets `secret-expired` on its owner, the
   * leader for an application's secret (worker/secretexpire fires at the expire time; the
   * revision is named); with `updateStatus`, every unit also runs update-status, as Juju does every
   * `update-status-hook-interval` (5 minutes by default). Workload time does not jump with it: Pebble
   * only sees the seconds a run needs to settle. Returns how many hooks were queued.
   */
  passTime(ms: number, options: { updateStatus?: boolean } = {}): Outcome<number> {
    if (!Number.isFinite(ms) || ms <= 0) return rejected(`time passes forward only, got ${ms} ms`);
    this.world.clockMs = this.now + ms;
    let queued = 0;
    for (const secret of [...this.world.secrets.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
      if (secret.expiry === undefined || !(Date.parse(secret.expiry) <= this.now)) continue;
      const owner = secret.owner.unit ?? this.world.apps.get(secret.owner.app)?.leader;
      if (owner === undefined || this.units.get(owner)?.isDying !== false) continue;
      this.enqueue(owner, {
        kind: "secret-expired",
        secret: { id: secret.id, ...(secret.label !== undefined ? { label: secret.label } : {}), revision: secret.latestRevision },
      });
      queued += 1;
    }
    if (options.updateStatus) {
      for (const unit of this.unitsInOrder()) {
        if (this.units.get(unit)!.isDying) continue;
        this.enqueue(unit, { kind: "update-status" });
        queued += 1;
      }
    }
    return done(queued);
  }

  /** `juju resolve UNIT`: a unit left in error retries its failed hook. */
  resolve(unit: string): Outcome<string> {
    const simUnit = this.units.get(unit);
    if (!simUnit || simUnit.agent.status !== "error") return rejected(`${unit} is not in error`);
    simUnit.consecutiveFailures = 0;
    return done(unit);
  }

  private async runHead(unit: string, simUnit: SimUnit): Promise<boolean> {
    const event = simUnit.queue.peek()!;
    const app = appOfUnit(unit);
    const hook = hookName(event);
    const failureIndex = simUnit.injectedFailures.indexOf(hook);
    if (failureIndex >= 0) simUnit.injectedFailures.splice(failureIndex, 1);
    const charm = this.apps.get(app)!.charm;
    const before = snapshotOwnBags(this.world, unit);
    const containers = [...(this.world.units.get(unit)?.containers.values() ?? [])];
    const journalBefore = containers.map((pebble) => pebble.journal.length);
    const outcome = await runUnitHook(failureIndex >= 0 ? failingAfterReconcile(charm, hook) : charm, this.world, unit, event);
    const relationSets = countRelationSets(outcome.record.calls);
    this.stats.hooks += 1;
    this.stats.hookCommands += outcome.record.calls.length;
    this.stats.relationSets += relationSets.total;
    const remote = isRelationEvent(event) ? (event.remoteUnit ?? (event.kind === "relation-changed" ? event.remoteApp : undefined)) : undefined;
    const entry = {
      seq: this.timeline.length + 1,
      round: this.stats.rounds,
      unit,
      hook,
      ...(remote !== undefined ? { remote } : {}),
      relationSets: relationSets.total,
    };
    const serviceActions = containers.flatMap((pebble, index) =>
      pebble.journal.slice(journalBefore[index]).flatMap((record) => (record.action === "replan" ? [] : [`${record.action} ${record.services.join(",")}`])),
    );
    if (serviceActions.length > 0) Object.assign(entry, { serviceActions });
    if (outcome.kind === "failed") {
      const error = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
      this.stats.failedHooks += 1;
      simUnit.consecutiveFailures += 1;
      simUnit.lastError = error;
      simUnit.agent = { status: "error", message: `hook failed: "${hook}"` };
      this.timeline.push({ ...entry, outcome: "failed", error });
      return false;
    }
    simUnit.queue.completeHead();
    simUnit.consecutiveFailures = 0;
    delete simUnit.lastError;
    simUnit.agent = { status: "idle", message: "" };
    this.timeline.push({ ...entry, outcome: "ok" });
    const changes = changedBags(this.world, unit, before);
    this.stats.noOpRelationSets += relationSets.toBag
      .filter((target) => !changes.some((change) => change.relationId === target.relationId && change.isApp === target.isApp))
      .reduce((sum, target) => sum + target.calls, 0);
    for (const change of changes) this.notifyBagChange(unit, change.relationId, change.isApp);
    this.afterCommittedHook(unit, event);
    return true;
  }

  /** Controller-side effects of a completed hook: leaving scope after broken, removal after remove. */
  private afterCommittedHook(unit: string, event: JujuEvent): void {
    if (event.kind === "relation-broken") {
      leaveScope(this.world, event.relation.id, unit);
      this.forgetRelationIfGone(event.relation.id);
    }
    if (event.kind === "remove") {
      const relationIds = [...this.world.relations.values()].filter((relation) => relation.unitsInScope.has(unit)).map((relation) => relation.id);
      removeWorldUnit(this.world, unit);
      this.units.delete(unit);
      for (const id of relationIds) this.forgetRelationIfGone(id);
      this.forgetAppIfGone(appOfUnit(unit));
    }
  }

  // -------------------------------------------------------------------------------------------
  // Event fan-out

  private addOneUnit(app: string, application: SimApp): string {
    const charm = application.charm;
    this.addressSerial += 1;
    const unit = addWorldUnit(this.world, app, { address: addressFor(this.addressSerial) });
    for (const [container, pebble] of this.world.units.get(unit)!.containers) application.prepareContainer?.(container, pebble);
    this.units.set(unit, {
      queue: new UnitQueue(),
      number: Number(unit.slice(unit.lastIndexOf("/") + 1)),
      agent: { status: "allocating", message: "" },
      consecutiveFailures: 0,
      isDying: false,
      injectedFailures: [],
    });
    const worldApp = this.world.apps.get(app)!;
    if (worldApp.leader === undefined) setWorldLeader(this.world, app, unit);
    // The setup sequence of §3.4: install, relation-created for every existing relation (peers
    // included), leadership, config-changed, start, pebble-ready, then the joins.
    this.enqueue(unit, { kind: "install" });
    const relations = this.relationsOf(app);
    for (const relation of relations) {
      enterScope(this.world, relation.id, unit);
      this.enqueue(unit, this.relationEvent("created", relation, unit));
    }
    this.enqueue(unit, { kind: worldApp.leader === unit ? "leader-elected" : "leader-settings-changed" });
    this.enqueue(unit, { kind: "config-changed" });
    this.enqueue(unit, { kind: "start" });
    for (const container of Object.keys(charm.meta.containers ?? {}).sort()) {
      this.enqueue(unit, { kind: "pebble-ready", container });
    }
    for (const relation of relations) this.meetCounterparts(unit, relation, { both: true });
    return unit;
  }

  /**
   * `unit` is in scope of `relation`: it is owed joined → changed for every counterpart already in
   * scope, and an app-data changed when the remote application has written its bag. With `both`,
   * the counterparts are owed the same for `unit` (a unit that arrives later).
   */
  private meetCounterparts(unit: string, relation: WorldRelation, options: { both: boolean }): void {
    for (const other of this.counterparts(relation, unit)) {
      this.enqueue(unit, this.relationEvent("joined", relation, unit, other));
      this.enqueue(unit, this.relationEvent("changed", relation, unit, other));
      if (options.both) {
        this.enqueue(other, this.relationEvent("joined", relation, other, unit));
        this.enqueue(other, this.relationEvent("changed", relation, other, unit));
      }
    }
    const app = appOfUnit(unit);
    const remoteApp = otherApp(relation, app);
    const isOwnLeaderBag = isPeerRelation(relation) && this.world.apps.get(app)!.leader === unit;
    if (!isOwnLeaderBag && Object.keys(relation.appData.get(remoteApp) ?? {}).length > 0) {
      this.enqueue(unit, this.relationEvent("changed", relation, unit));
    }
  }

  /** A committed change to `writer`'s unit bag, or to its application's bag, in a relation. */
  private notifyBagChange(writer: string, relationId: number, isApp: boolean): void {
    const relation = this.world.relations.get(relationId);
    if (!relation || this.dyingRelations.has(relationId) || this.units.get(writer)?.isDying !== false) return;
    // §3.5: an app-bag change reaches every unit on the other side (the other peers, for a peer
    // relation); a unit-bag change every counterpart. Never the writer itself.
    // Each target has its own queue, so the order of notifying them changes nothing: skip sorting.
    // The coalescing key is the same for every target; checking it first spares building an event
    // per target when a thousand workers already have this change pending.
    const remoteUnit = isApp ? undefined : writer;
    // Seen from any target, the remote application is the writer's (its own, for peers).
    const key = relationChangedKey(relation.id, appOfUnit(writer), remoteUnit);
    for (const target of this.counterparts(relation, writer, { sorted: false })) {
      const queue = this.units.get(target)!.queue;
      if (queue.hasPending(key)) {
        this.stats.coalesced += 1;
        continue;
      }
      this.enqueue(target, this.relationEvent("changed", relation, target, remoteUnit));
    }
  }

  /** Units in scope on the other side of `relation` from `unit` (the other peers, for peers), alive, sorted. */
  private counterparts(relation: WorldRelation, unit: string, options: { sorted: boolean } = { sorted: true }): string[] {
    const app = appOfUnit(unit);
    const isPeer = isPeerRelation(relation);
    const result: string[] = [];
    for (const other of relation.unitsInScope) {
      if (other === unit || this.units.get(other)?.isDying !== false) continue;
      if (!isPeer && appOfUnit(other) === app) continue;
      result.push(other);
    }
    return options.sorted ? this.sortUnits(result) : result;
  }

  private startDeparture(unit: string): void {
    const simUnit = this.units.get(unit)!;
    simUnit.isDying = true;
    this.stats.events -= simUnit.queue.drop(() => true);
    simUnit.consecutiveFailures = 0;
    for (const relation of this.world.relations.values()) {
      if (!relation.unitsInScope.has(unit)) continue;
      if (!this.dyingRelations.has(relation.id)) {
        for (const other of this.counterparts(relation, unit)) this.departFrom(other, relation, unit, unit);
      }
      for (const seen of this.sortUnits([...(relation.seenBy.get(unit) ?? [])])) {
        this.enqueue(unit, this.relationEvent("departed", relation, unit, seen, unit));
      }
      // Peer relations are never broken (§3.4), not even at teardown.
      if (!isPeerRelation(relation)) this.enqueue(unit, this.relationEvent("broken", relation, unit));
    }
    this.enqueue(unit, { kind: "stop" });
    this.enqueue(unit, { kind: "remove" });
  }

  private startRelationRemoval(relation: WorldRelation): void {
    this.dyingRelations.add(relation.id);
    for (const unit of this.sortUnits([...relation.unitsInScope])) {
      const simUnit = this.units.get(unit);
      if (!simUnit || simUnit.isDying) continue; // its own departure already covers this relation
      this.stats.events -= simUnit.queue.drop((event) => isRelationEvent(event) && event.relation.id === relation.id && event.kind !== "relation-created");
      for (const seen of this.sortUnits([...(relation.seenBy.get(unit) ?? [])])) {
        this.enqueue(unit, this.relationEvent("departed", relation, unit, seen, seen));
      }
      this.enqueue(unit, this.relationEvent("broken", relation, unit));
    }
    this.forgetRelationIfGone(relation.id);
  }

  /** `observer` learns that `leaving` left: drop what it was still owed about it, depart if it had seen it join. */
  private departFrom(observer: string, relation: WorldRelation, leaving: string, departing: string): void {
    this.stats.events -= this.units.get(observer)!.queue.drop(
      (event) => isRelationEvent(event) && event.relation.id === relation.id && event.remoteUnit === leaving,
    );
    if (relation.seenBy.get(observer)?.has(leaving)) {
      this.enqueue(observer, this.relationEvent("departed", relation, observer, leaving, departing));
    }
  }

  private handOverLeadership(unit: string): void {
    const app = appOfUnit(unit);
    setWorldLeader(this.world, app, unit);
    for (const member of this.liveUnitsOf(app)) {
      this.enqueue(member, { kind: member === unit ? "leader-elected" : "leader-settings-changed" });
    }
  }

  private forgetRelationIfGone(id: number): void {
    const relation = this.world.relations.get(id);
    if (relation && this.dyingRelations.has(id) && relation.unitsInScope.size === 0) {
      removeWorldRelation(this.world, id);
      this.dyingRelations.delete(id);
    }
  }

  private forgetAppIfGone(app: string): void {
    const application = this.apps.get(app);
    if (!application?.isDying || this.unitsInOrder(app).length > 0) return;
    for (const relation of [...this.world.relations.values()]) {
      if (isPeerRelation(relation) && relation.ends[0]!.app === app) removeWorldRelation(this.world, relation.id);
    }
    this.world.apps.delete(app);
    this.apps.delete(app);
  }

  private enqueue(unit: string, event: JujuEvent): void {
    const simUnit = this.units.get(unit);
    if (!simUnit) return;
    if (simUnit.queue.push(event)) this.stats.events += 1;
    else this.stats.coalesced += 1;
  }

  private relationEvent(kind: RelationHookKind, relation: WorldRelation, local: string, remoteUnit?: string, departingUnit?: string): RelationEvent {
    const app = appOfUnit(local);
    return {
      kind: `relation-${kind}`,
      relation: { endpoint: endOf(relation, app)!.endpoint, id: relation.id },
      remoteApp: otherApp(relation, app),
      ...(remoteUnit !== undefined ? { remoteUnit } : {}),
      ...(departingUnit !== undefined ? { departingUnit } : {}),
    };
  }

  /** Relations `app` takes part in and that are not being removed, by id. */
  private relationsOf(app: string): WorldRelation[] {
    return [...this.world.relations.values()]
      .filter((relation) => endOf(relation, app) !== undefined && !this.dyingRelations.has(relation.id))
      .sort((a, b) => a.id - b.id);
  }

  private liveUnitsOf(app: string): string[] {
    return this.unitsInOrder(app).filter((unit) => !this.units.get(unit)!.isDying);
  }

  private sortUnits(units: string[]): string[] {
    return units.sort((a, b) => {
      const appA = this.apps.get(appOfUnit(a))?.order ?? 0;
      const appB = this.apps.get(appOfUnit(b))?.order ?? 0;
      return appA - appB || (this.units.get(a)?.number ?? 0) - (this.units.get(b)?.number ?? 0);
    });
  }

  /** `app` or `app:endpoint` on both sides → two ends that may be related, or why not. */
  private resolveEnds(a: string, b: string): Outcome<[{ app: string; endpoint: string }, { app: string; endpoint: string }]> {
    const specA = parseEndSpec(a);
    const specB = parseEndSpec(b);
    for (const spec of [specA, specB]) {
      const application = this.apps.get(spec.app);
      if (!application || application.isDying) return rejected(`no application ${spec.app} in the model`);
      if (spec.endpoint !== undefined && endpointRole(application.charm.meta, spec.endpoint) === undefined) {
        return rejected(`${spec.app} has no endpoint "${spec.endpoint}"`);
      }
    }
    if (specA.app === specB.app) return rejected("an application cannot be related to itself (peer relations exist from deployment)");
    const metaA = this.apps.get(specA.app)!.charm.meta;
    const metaB = this.apps.get(specB.app)!.charm.meta;
    const candidates: [{ app: string; endpoint: string }, { app: string; endpoint: string }][] = [];
    for (const [endpointA, roleA] of endpointsOf(metaA)) {
      if (specA.endpoint !== undefined && specA.endpoint !== endpointA) continue;
      for (const [endpointB, roleB] of endpointsOf(metaB)) {
        if (specB.endpoint !== undefined && specB.endpoint !== endpointB) continue;
        const isPair = (roleA === "provides" && roleB === "requires") || (roleA === "requires" && roleB === "provides");
        if (isPair && endpointMeta(metaA, endpointA)!.interface === endpointMeta(metaB, endpointB)!.interface) {
          candidates.push([
            { app: specA.app, endpoint: endpointA },
            { app: specB.app, endpoint: endpointB },
          ]);
        }
      }
    }
    if (candidates.length === 0) return rejected(`no matching endpoints between ${a} and ${b} (a provides/requires pair with one interface)`);
    if (candidates.length > 1) {
      return rejected(`ambiguous relation between ${a} and ${b}: name the endpoints (${candidates.map(([x, y]) => `${x.app}:${x.endpoint} ${y.app}:${y.endpoint}`).join(" or ")})`);
    }
    return done(candidates[0]!);
  }
}

function parseEndSpec(text: string): { app: string; endpoint?: string } {
  const colon = text.indexOf(":");
  return colon < 0 ? { app: text } : { app: text.slice(0, colon), endpoint: text.slice(colon + 1) };
}

function endpointsOf(meta: Charm["meta"]): [string, "provides" | "requires"][] {
  return [
    ...Object.keys(meta.provides ?? {}).map((endpoint) => [endpoint, "provides"] as [string, "provides"]),
    ...Object.keys(meta.requires ?? {}).map((endpoint) => [endpoint, "requires"] as [string, "requires"]),
  ].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Pod-like addresses, one per unit, in a private range: deterministic and unique. */
function addressFor(serial: number): string {
  return `10.${1 + (serial >> 16)}.${(serial >> 8) & 255}.${serial & 255}`;
}

/** The charm runs (its writes are buffered), then the hook fails, as if the process exited non-zero. */
function failingAfterReconcile(charm: Charm, hook: string): Charm {
  return {
    meta: charm.meta,
    async reconcile(model, event) {
      await charm.reconcile(model, event);
      throw new InjectedHookFailure(hook);
    },
  };
}

function done<T>(value: T): Outcome<T> {
  return { kind: "done", value };
}

function rejected(reason: string): { kind: "rejected"; reason: string } {
  return { kind: "rejected", reason };
}
