/**
 * A Backend that answers like Juju's hook commands for one hook of one unit, against a World.
 *
 * Rules follow juju-hook-tools.md: the databag access matrix (§3.1), read-your-writes through a
 * per-hook overlay (§3.2), `relation-list` membership by hook kind and `relation-ids` leaving out
 * the relation being broken (§2.1, §2.2), empty value = delete, and the split between immediate
 * commands (status, workload version, logs) and buffered ones (databags, ports, secrets, unit
 * state) that reach the World only through `commit()` — which the caller runs only when the hook
 * succeeded. Errors carry Juju's exit codes and `ERROR …` texts (§2.0).
 */
import type {
  Backend,
  Databag,
  LogLevel,
  NetworkInfo,
  PortSpec,
  RelationRef,
  SecretInfo,
  SecretMetadata,
  SecretOwner,
  SecretReadMode,
  SecretRef,
  SettableStatus,
  StatusTarget,
  StatusValue,
} from "../juju/backend.js";
import type { HookCommandError } from "../juju/backend.js";
import { hookCommandError } from "../juju/hook-command-errors.js";
import { bindingNames } from "../juju/charm-meta.js";
import { applyChanges, sortedBag } from "../juju/databag.js";
import type { RelationHookKind } from "../juju/events.js";
import { portKey, sortPorts } from "../juju/ports.js";
import { DEFAULT_NETWORK } from "./state.js";
import type { World, WorldApp, WorldRelation, WorldSecret, WorldUnit } from "./world.js";
import { GRANTED_OUTSIDE_STATE, appOfUnit, bagKey, cloneSecret, endOf, isPeerRelation, nextSecretId, otherApp } from "./world.js";

/** Which hook is running, as far as the hook commands' answers depend on it. */
export interface HookScope {
  readonly unit: string;
  readonly relation?: {
    readonly id: number;
    readonly kind: RelationHookKind;
    readonly remoteUnit?: string;
    readonly departingUnit?: string;
  };
  /** Set when the dispatch runs an action: the operator's parameters. */
  readonly action?: { readonly params: Readonly<Record<string, unknown>> };
}

export interface LogRecord {
  readonly level: LogLevel;
  readonly message: string;
}

export interface StatusRecord {
  readonly target: StatusTarget;
  readonly status: SettableStatus;
  readonly message: string;
}

/** Everything one hook did that a test or benchmark may want to count or read. */
export interface HookRecord {
  /** Each hook-command-equivalent call, argv-like (`relation-get -r ep:3 - remote/0`). */
  readonly calls: string[];
  readonly logs: LogRecord[];
  readonly statusHistory: StatusRecord[];
  readonly workloadVersionHistory: string[];
  /** Only for an action: what it answered (sent whatever the outcome, like Juju). */
  readonly action?: ActionRecord;
}

export interface ActionRecord {
  readonly results: Record<string, string>;
  readonly logs: string[];
  /** The `action-fail` message; absent while the action has not failed. */
  failure?: string;
}

/** A databag whose content a commit really changed (no-op writes are not listed). */
export interface ChangedBag {
  readonly relationId: number;
  /** The unit or application that owns the bag. */
  readonly entity: string;
  readonly isApp: boolean;
}

/** What a commit changed that other units may need to hear about (the simulator queues events). */
export interface CommittedChanges {
  readonly changedBags: readonly ChangedBag[];
  /** Secrets that gained a revision: their consumers are owed `secret-changed`. */
  readonly newSecretRevisions: readonly string[];
}

interface RelationWrites {
  unit: Databag;
  app: Databag;
}

export class MemoryBackend implements Backend {
  readonly record: HookRecord;

  private readonly relationWrites = new Map<number, RelationWrites>();
  private readonly portChanges = new Map<string, { port: PortSpec; open: boolean }>();
  /** Copy-on-write secrets: a changed secret lives here until commit; null means removed. */
  private readonly secretWrites = new Map<string, WorldSecret | null>();
  private readonly stateWrites = new Map<string, string | undefined>();
  /**
   * This hook's grants and revokes, in call order, applied at commit grants first: Juju's recorder
   * keeps them in two lists (worker/uniter/runner/context/secrets.go `grant`, `revoke`) and doFlush
   * sends `AddSecretGrants` before `AddSecretRevokes` (context.go), so a revoke always wins over a
   * grant of the same secret to the same grantee in one hook, whichever came first.
   */
  private readonly pendingGrants: Array<{ id: string; relationId: number; grantee: string }> = [];
  private readonly pendingRevokes: Array<{ id: string; relationId: number; grantee: string }> = [];
  private committed = false;

  constructor(
    private readonly world: World,
    private readonly scope: HookScope,
  ) {
    if (!world.units.has(scope.unit)) throw new Error(`unit ${scope.unit} is not in the world`);
    this.record = {
      calls: [],
      logs: [],
      statusHistory: [],
      workloadVersionHistory: [],
      ...(scope.action ? { action: { results: {}, logs: [] } } : {}),
    };
    // A hook about a remote unit makes the uniter drop that unit's cached bag (InvalidateMember).
    const hook = scope.relation;
    if (hook?.remoteUnit && (hook.kind === "joined" || hook.kind === "changed")) {
      world.relations.get(hook.id)?.memberBagCache?.get(scope.unit)?.delete(hook.remoteUnit);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Relations

  relationIds(endpoint: string): RelationRef[] {
    this.call(`relation-ids ${endpoint}`);
    const refs: RelationRef[] = [];
    for (const relation of this.world.relations.values()) {
      const end = endOf(relation, this.app.name);
      if (!end || end.endpoint !== endpoint) continue;
      if (!relation.unitsInScope.has(this.unitName)) continue;
      const isBroken = this.scope.relation?.id === relation.id && this.scope.relation.kind === "broken";
      if (isBroken && !this.world.listsBrokenRelation) continue;
      refs.push({ endpoint, id: relation.id });
    }
    // Juju sorts the `<endpoint>:<id>` strings, so 10 comes before 9 (§2.1).
    return refs.sort((a, b) => (`${a.endpoint}:${a.id}` < `${b.endpoint}:${b.id}` ? -1 : 1));
  }

  relationList(ref: RelationRef): string[] {
    this.call(`relation-list -r ${label(ref)}`);
    const relation = this.relation(ref, "relation-list");
    const hook = this.scope.relation?.id === relation.id ? this.scope.relation : undefined;
    if (hook?.kind === "created" || hook?.kind === "broken") return [];
    const members = new Set(relation.seenBy.get(this.unitName) ?? []);
    if (hook?.kind === "joined" && hook.remoteUnit) members.add(hook.remoteUnit);
    if (hook?.kind === "departed") {
      if (hook.remoteUnit) members.delete(hook.remoteUnit);
      if (hook.departingUnit) members.delete(hook.departingUnit);
    }
    return [...members].sort();
  }

  relationRemoteApp(ref: RelationRef): string {
    this.call(`relation-list -r ${label(ref)} --app`);
    return otherApp(this.relation(ref, "relation-list"), this.app.name);
  }

  relationGet(ref: RelationRef, entity: string, isApp: boolean): Databag {
    this.call(`relation-get -r ${label(ref)}${isApp ? " --app" : ""} - ${entity}`);
    const relation = this.relation(ref, "relation-get");
    const localApp = this.app.name;
    if (isApp) {
      const app = appOfUnit(entity);
      if (app === localApp) {
        if (!isPeerRelation(relation) && !this.isLeader_()) throw denied("relation-get");
        return applyChanges(relation.appData.get(app) ?? {}, this.relationWrites.get(relation.id)?.app ?? {});
      }
      if (!endOf(relation, app)) throw denied("relation-get");
      return sortedCopy(relation.appData.get(app) ?? {});
    }
    if (!entity.includes("/")) {
      throw hookCommandError("relation-get", 2, `ERROR expected unit name, got application name "${entity}"\n`);
    }
    if (entity === this.unitName) {
      return applyChanges(relation.unitData.get(entity) ?? {}, this.relationWrites.get(relation.id)?.unit ?? {});
    }
    const bag = relation.unitData.get(entity);
    if (!bag || !endOf(relation, appOfUnit(entity))) throw denied("relation-get");
    return sortedCopy(this.world.cacheRemoteUnitBags ? this.cachedMemberBag(relation, entity, bag) : bag);
  }

  relationSet(ref: RelationRef, changes: Databag, isApp: boolean): void {
    this.call(`relation-set -r ${label(ref)}${isApp ? " --app" : ""} --file -`);
    const relation = this.relation(ref, "relation-set");
    if (isApp && !this.isLeader_()) {
      throw hookCommandError("relation-set", 1, "ERROR cannot write relation settings\n");
    }
    let writes = this.relationWrites.get(relation.id);
    if (!writes) {
      writes = { unit: {}, app: {} };
      this.relationWrites.set(relation.id, writes);
    }
    const target = isApp ? writes.app : writes.unit;
    // Values arrive through `--file -`, which Juju takes verbatim (only key=value argv is trimmed).
    for (const [key, value] of Object.entries(changes)) target[key] = value;
  }

  // -------------------------------------------------------------------------------------------
  // Leadership, config, status, logs

  isLeader(): boolean {
    this.call("is-leader");
    return this.isLeader_();
  }

  configGet(): Record<string, string | number | boolean> {
    this.call("config-get");
    const config = this.app.config;
    return Object.fromEntries(Object.keys(config).sort().map((key) => [key, config[key]!]));
  }

  statusGet(target: StatusTarget): StatusValue {
    this.call(`status-get --application=${target === "application"}`);
    if (target === "application") {
      if (!this.isLeader_()) {
        throw hookCommandError("status-get", 1, "ERROR finding application status: this unit is not the leader\n");
      }
      return { ...this.app.status };
    }
    return { ...this.unit.status };
  }

  statusSet(target: StatusTarget, status: SettableStatus, message: string): void {
    this.call(`status-set --application=${target === "application"} ${status}`);
    if (target === "application") {
      if (!this.isLeader_()) throw hookCommandError("status-set", 1, "ERROR this unit is not the leader\n");
      this.app.status = { status, message };
    } else {
      this.unit.status = { status, message };
    }
    this.record.statusHistory.push({ target, status, message });
  }

  applicationVersionSet(version: string): void {
    this.call("application-version-set");
    this.unit.workloadVersion = version;
    this.record.workloadVersionHistory.push(version);
  }

  log(level: LogLevel, message: string): void {
    this.call(`juju-log --log-level ${level}`);
    this.record.logs.push({ level, message });
  }

  networkGet(binding: string, relation?: RelationRef): NetworkInfo {
    this.call(`network-get ${binding}${relation ? ` -r ${relation.id}` : ""}`);
    if (relation) this.relation(relation, "network-get");
    const meta = this.app.meta;
    if (meta && !bindingNames(meta).includes(binding)) {
      throw hookCommandError("network-get", 1, `ERROR no network config found for binding "${binding}"\n`);
    }
    return structuredClone(this.unit.networks[binding] ?? DEFAULT_NETWORK);
  }

  // -------------------------------------------------------------------------------------------
  // Ports: buffered; `opened-ports` shows this hook's pending changes (juju/juju#15246)

  openedPorts(): PortSpec[] {
    this.call("opened-ports");
    return this.portsAfterHook();
  }

  openPort(port: PortSpec): void {
    this.call(`open-port ${portKey(port)}`);
    this.portChanges.set(portKey(port), { port, open: true });
  }

  closePort(port: PortSpec): void {
    this.call(`close-port ${portKey(port)}`);
    this.portChanges.set(portKey(port), { port, open: false });
  }

  // -------------------------------------------------------------------------------------------
  // Secrets: buffered, copy-on-write; reads in this hook see pending changes (§3.2)

  secretGet(ref: SecretRef, mode: SecretReadMode = "tracked"): Record<string, string> {
    this.call(`secret-get ${ref.id ?? ""}${ref.label ? ` --label ${ref.label}` : ""}${mode === "tracked" ? "" : ` --${mode}`}`);
    const secret = this.findSecret(ref, "secret-get");
    if (this.owns(secret)) {
      if (ref.id && ref.label) this.writableSecret(secret).label = ref.label;
      return { ...secret.revisions.get(secret.latestRevision)! };
    }
    if (!this.isGranted(secret)) throw denied("secret-get");
    const writable = this.writableSecret(secret);
    if (ref.id && ref.label) writable.consumerLabels.set(this.unitName, ref.label);
    const tracked = writable.tracked.get(this.unitName);
    if (mode === "peek") return { ...writable.revisions.get(writable.latestRevision)! };
    if (mode === "refresh" || tracked === undefined) writable.tracked.set(this.unitName, writable.latestRevision);
    return { ...writable.revisions.get(writable.tracked.get(this.unitName)!)! };
  }

  secretAdd(content: Record<string, string>, owner: SecretOwner, metadata: SecretMetadata = {}): string {
    this.call(`secret-add --owner ${owner}`);
    if (owner === "application" && !this.isLeader_()) {
      throw hookCommandError("secret-add", 1, "ERROR this unit is not the leader\n");
    }
    const id = nextSecretId(this.world);
    const secret: WorldSecret = {
      id,
      owner: owner === "unit" ? { app: this.app.name, unit: this.unitName } : { app: this.app.name },
      ...(metadata.label !== undefined ? { label: metadata.label } : {}),
      ...(metadata.description !== undefined ? { description: metadata.description } : {}),
      ...(metadata.expire !== undefined ? { expiry: metadata.expire } : {}),
      revisions: new Map([[1, { ...content }]]),
      latestRevision: 1,
      grants: new Map(),
      tracked: new Map(),
      consumerLabels: new Map(),
    };
    this.secretWrites.set(id, secret);
    // secret-add prints the full URI with the model as its source (jujuc/secret-add.go prints
    // `uri.String()`; the uniter's CreateSecretURIs sets the source to the model UUID), while every
    // other path spells the same secret `secret:<xid>` or as the bare xid.
    return `secret://${this.world.modelUuid}/${id.slice("secret:".length)}`;
  }

  secretSet(id: string, content: Record<string, string>, metadata: SecretMetadata = {}): void {
    this.call(`secret-set ${id}${metadata.expire !== undefined ? ` --expire ${metadata.expire}` : ""}`);
    const secret = this.ownedSecret(id, "secret-set");
    const latest = secret.revisions.get(secret.latestRevision) ?? {};
    // A new revision only when the content really changed (Juju compares checksums).
    if (Object.keys(content).length > 0 && canonical(content) !== canonical(latest)) {
      secret.latestRevision += 1;
      secret.revisions.set(secret.latestRevision, { ...content });
      // The new revision has no expire time unless this call gives one (state/secrets.go
      // updateSecretMetadataDoc clears LatestExpireTime on new content without ExpireTime).
      delete secret.expiry;
    }
    if (metadata.expire !== undefined) secret.expiry = metadata.expire;
    if (metadata.label !== undefined) secret.label = metadata.label;
    if (metadata.description !== undefined) secret.description = metadata.description;
  }

  secretGrant(id: string, ref: RelationRef, unit?: string): void {
    this.call(`secret-grant --relation ${ref.id}${unit ? ` --unit ${unit}` : ""} ${id}`);
    const relation = this.relation(ref, "secret-grant");
    const secret = this.ownedSecret(id, "secret-grant");
    const remote = otherApp(relation, this.app.name);
    if (unit && appOfUnit(unit) !== remote) {
      throw hookCommandError("secret-grant", 2, `ERROR unit "${unit}" is not in application "${remote}"\n`);
    }
    this.pendingGrants.push({ id: secret.id, relationId: relation.id, grantee: unit ?? remote });
  }

  secretRevoke(id: string, ref: RelationRef, unit?: string): void {
    this.call(`secret-revoke --relation ${ref.id}${unit ? ` --unit ${unit}` : ""} ${id}`);
    const relation = this.relation(ref, "secret-revoke");
    const secret = this.ownedSecret(id, "secret-revoke");
    this.pendingRevokes.push({ id: secret.id, relationId: relation.id, grantee: unit ?? otherApp(relation, this.app.name) });
  }

  secretRemove(id: string, revision?: number): void {
    this.call(`secret-remove ${id}${revision !== undefined ? ` --revision ${revision}` : ""}`);
    const existing = this.currentSecret(normaliseSecretId(id));
    if (!existing) return; // Juju: removing a missing secret is not an error.
    const secret = this.ownedSecret(id, "secret-remove");
    if (revision !== undefined) secret.revisions.delete(revision);
    if (revision === undefined || secret.revisions.size === 0) {
      this.secretWrites.set(secret.id, null);
      // Juju forgets a removed secret's pending grants and revokes (runner/context/secrets.go `remove`).
      for (const pending of [this.pendingGrants, this.pendingRevokes]) {
        pending.splice(0, pending.length, ...pending.filter((change) => change.id !== secret.id));
      }
    }
  }

  secretInfoGet(ref: SecretRef): SecretInfo {
    this.call(`secret-info-get ${ref.id ?? `--label ${ref.label ?? ""}`}`);
    const secret = this.findSecret(ref, "secret-info-get");
    if (!this.owns(secret)) throw secretNotFound("secret-info-get", ref);
    return {
      id: secret.id,
      revision: secret.latestRevision,
      owner: secret.owner.unit ? "unit" : "application",
      ...(secret.label !== undefined ? { label: secret.label } : {}),
      ...(secret.description !== undefined ? { description: secret.description } : {}),
      ...(secret.expiry !== undefined ? { expiry: secret.expiry } : {}),
    };
  }

  secretIds(): string[] {
    this.call("secret-ids");
    return this.visibleSecrets()
      .filter((secret) => this.owns(secret))
      .map((secret) => secret.id)
      .sort();
  }

  // -------------------------------------------------------------------------------------------
  // Unit state

  stateGet(): Record<string, string> {
    this.call("state-get");
    return this.unitStateAfterHook();
  }

  stateSet(changes: Record<string, string>): void {
    this.call("state-set --file -");
    for (const [key, value] of Object.entries(changes)) this.stateWrites.set(key, value);
  }

  stateDelete(key: string): void {
    this.call(`state-delete ${key}`);
    this.stateWrites.set(key, undefined);
  }

  // -------------------------------------------------------------------------------------------
  // Actions (juju-hook-tools.md §2.17): results and failure reach the operator whatever the outcome

  actionGet(): Record<string, unknown> {
    this.call("action-get --format=json");
    this.runningAction("action-get");
    return structuredClone({ ...this.scope.action?.params });
  }

  actionSet(results: Record<string, string>): void {
    this.call(`action-set ${Object.keys(results).sort().join(" ")}`);
    Object.assign(this.runningAction("action-set").results, results);
  }

  actionFail(message: string): void {
    this.call("action-fail");
    this.runningAction("action-fail").failure = message || "action failed without reason given, check action for errors";
  }

  actionLog(message: string): void {
    this.call("action-log");
    this.runningAction("action-log").logs.push(message);
  }

  private runningAction(command: string): ActionRecord {
    if (!this.record.action) throw hookCommandError(command, 1, "ERROR not running an action\n");
    return this.record.action;
  }

  // -------------------------------------------------------------------------------------------
  // Commit: what Juju's CommitHookChanges does after exit 0

  /**
   * Apply every buffered change to the World at once. Leadership is checked again, as the
   * controller does; if it was lost, nothing is applied and the hook counts as failed.
   */
  commit(): CommittedChanges {
    if (this.committed) throw new Error("a hook's changes can be committed only once");
    this.committed = true;
    const writesApp = [...this.relationWrites.values()].some((writes) => Object.keys(writes.app).length > 0);
    if (writesApp && !this.isLeader_()) {
      throw hookCommandError("commit", 1, "ERROR cannot commit hook changes: this unit is not the leader\n");
    }
    const changedBags: ChangedBag[] = [];
    for (const [relationId, writes] of [...this.relationWrites].sort(([a], [b]) => a - b)) {
      const relation = this.world.relations.get(relationId)!;
      for (const [entity, isApp, changes, bags] of [
        [this.app.name, true, writes.app, relation.appData],
        [this.unitName, false, writes.unit, relation.unitData],
      ] as const) {
        const before = bags.get(entity) ?? {};
        const after = applyChanges(before, changes);
        if (haveSameCanonicalContent(before, after)) continue;
        bags.set(entity, after);
        const key = bagKey(entity, isApp);
        relation.versions.set(key, (relation.versions.get(key) ?? 0) + 1);
        changedBags.push({ relationId, entity, isApp });
      }
    }
    this.updateMembership();
    this.unit.openedPorts = this.portsAfterHook();
    this.applySecretAccess();
    const newSecretRevisions: string[] = [];
    for (const [id, secret] of [...this.secretWrites].sort(([a], [b]) => a.localeCompare(b))) {
      const previous = this.world.secrets.get(id);
      if (secret === null) {
        this.world.secrets.delete(id);
        continue;
      }
      if (previous && secret.latestRevision > previous.latestRevision) newSecretRevisions.push(id);
      this.world.secrets.set(id, secret);
    }
    this.unit.state = this.unitStateAfterHook();
    return { changedBags, newSecretRevisions };
  }

  /** Grants, then revokes, onto this hook's copies of the secrets (see pendingGrants). */
  private applySecretAccess(): void {
    for (const { id, relationId, grantee } of this.pendingGrants) {
      const secret = this.secretWrites.get(id);
      if (!secret) continue;
      const grantees = secret.grants.get(relationId) ?? new Set<string>();
      grantees.add(grantee);
      secret.grants.set(relationId, grantees);
    }
    for (const { id, relationId, grantee } of this.pendingRevokes) {
      const grantees = this.secretWrites.get(id)?.grants.get(relationId);
      grantees?.delete(grantee);
      if (grantees && grantees.size === 0) this.secretWrites.get(id)!.grants.delete(relationId);
    }
  }

  /** A member's bag as this unit last read it; non-members are always read fresh (Prune). */
  private cachedMemberBag(relation: WorldRelation, unit: string, committed: Databag): Databag {
    const hook = this.scope.relation?.id === relation.id ? this.scope.relation : undefined;
    const isJoiningNow = hook?.kind === "joined" && hook.remoteUnit === unit;
    if (!relation.seenBy.get(this.unitName)?.has(unit) && !isJoiningNow) return committed;
    relation.memberBagCache ??= new Map();
    let cache = relation.memberBagCache.get(this.unitName);
    if (!cache) {
      cache = new Map();
      relation.memberBagCache.set(this.unitName, cache);
    }
    let bag = cache.get(unit);
    if (!bag) {
      bag = { ...committed };
      cache.set(unit, bag);
    }
    return bag;
  }

  /** The uniter records who this unit has seen join once a joined/departed hook succeeded. */
  private updateMembership(): void {
    const hook = this.scope.relation;
    const relation = hook ? this.world.relations.get(hook.id) : undefined;
    if (!hook || !relation) return;
    const seen = relation.seenBy.get(this.unitName) ?? new Set<string>();
    relation.seenBy.set(this.unitName, seen);
    if (hook.kind === "joined" && hook.remoteUnit) seen.add(hook.remoteUnit);
    if (hook.kind === "departed" && hook.remoteUnit) seen.delete(hook.remoteUnit);
    if (hook.kind === "broken") seen.clear();
  }

  // -------------------------------------------------------------------------------------------

  private get unitName(): string {
    return this.scope.unit;
  }

  private get unit(): WorldUnit {
    return this.world.units.get(this.scope.unit)!;
  }

  private get app(): WorldApp {
    return this.world.apps.get(this.unit.app)!;
  }

  private isLeader_(): boolean {
    return this.app.leader === this.unitName;
  }

  private call(command: string): void {
    if (this.committed) throw new Error(`${command}: the hook has already ended`);
    this.record.calls.push(command);
  }

  /** Resolve `-r`: unknown ids, a wrong endpoint, or a relation this app is not in are exit 2. */
  private relation(ref: RelationRef, command: string): WorldRelation {
    const relation = this.world.relations.get(ref.id);
    const end = relation ? endOf(relation, this.app.name) : undefined;
    if (!relation || !end || end.endpoint !== ref.endpoint) {
      throw hookCommandError(
        command,
        2,
        `ERROR invalid value "${label(ref)}" for option -r: relation not found\n`,
      );
    }
    return relation;
  }


  private portsAfterHook(): PortSpec[] {
    const ports = new Map(this.unit.openedPorts.map((port) => [portKey(port), port]));
    for (const [key, change] of this.portChanges) {
      if (change.open) ports.set(key, change.port);
      else ports.delete(key);
    }
    return sortPorts([...ports.values()]);
  }

  private unitStateAfterHook(): Record<string, string> {
    const state: Record<string, string> = { ...this.unit.state };
    for (const [key, value] of this.stateWrites) {
      if (value === undefined || value === "") delete state[key];
      else state[key] = value;
    }
    return sortedBag(state);
  }

  private currentSecret(id: string): WorldSecret | undefined {
    if (this.secretWrites.has(id)) return this.secretWrites.get(id) ?? undefined;
    return this.world.secrets.get(id);
  }

  private visibleSecrets(): WorldSecret[] {
    const ids = new Set([...this.world.secrets.keys(), ...this.secretWrites.keys()]);
    return [...ids].map((id) => this.currentSecret(id)).filter((secret): secret is WorldSecret => secret !== undefined);
  }

  private writableSecret(secret: WorldSecret): WorldSecret {
    const pending = this.secretWrites.get(secret.id);
    if (pending) return pending;
    const copy = cloneSecret(secret);
    this.secretWrites.set(secret.id, copy);
    return copy;
  }

  private findSecret(ref: SecretRef, command: string): WorldSecret {
    const visible = this.visibleSecrets();
    const byId = ref.id ? visible.find((secret) => secret.id === normaliseSecretId(ref.id!)) : undefined;
    const found =
      byId ??
      (ref.id
        ? undefined
        : visible.find(
            (secret) =>
              (this.owns(secret) && secret.label === ref.label) || secret.consumerLabels.get(this.unitName) === ref.label,
          ));
    if (!found) throw secretNotFound(command, ref);
    return found;
  }

  private ownedSecret(id: string, command: string): WorldSecret {
    const secret = this.currentSecret(normaliseSecretId(id));
    if (!secret) throw secretNotFound(command, { id });
    if (!this.owns(secret)) throw denied(command);
    if (!secret.owner.unit && !this.isLeader_()) {
      throw hookCommandError(command, 1, "ERROR this unit is not the leader\n");
    }
    return this.writableSecret(secret);
  }

  private owns(secret: WorldSecret): boolean {
    return secret.owner.unit ? secret.owner.unit === this.unitName : secret.owner.app === this.app.name;
  }

  private isGranted(secret: WorldSecret): boolean {
    for (const [relationId, grantees] of secret.grants) {
      const relation = this.world.relations.get(relationId);
      const isRelated = relationId === GRANTED_OUTSIDE_STATE || (relation && endOf(relation, this.app.name));
      if (!isRelated) continue;
      if (grantees.has(this.app.name) || grantees.has(this.unitName)) return true;
    }
    return false;
  }
}

function label(ref: RelationRef): string {
  return `${ref.endpoint}:${ref.id}`;
}

function denied(command: string): HookCommandError {
  return hookCommandError(command, 1, "ERROR permission denied\n");
}

function secretNotFound(command: string, ref: SecretRef): HookCommandError {
  return hookCommandError(command, 1, `ERROR secret "${ref.id ?? ref.label ?? ""}" not found\n`);
}

/** Juju accepts `secret:<xid>`, `secret://<model>/<xid>` and the bare xid; store `secret:<xid>`. */
function normaliseSecretId(id: string): string {
  const xid = id.split("/").pop()!.replace(/^secret:/, "");
  return `secret:${xid}`;
}

/**
 * `sortedBag(bag)`, skipping the sort when the keys are in order already (bags this backend
 * commits are stored sorted, and a coordinator reads every worker's bag on every hook). A
 * `__proto__` key is left to `sortedBag`, which drops it where a spread would keep it.
 */
function sortedCopy(bag: Databag): Databag {
  const keys = Object.keys(bag);
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    if (key === "__proto__" || (index > 0 && keys[index - 1]! > key)) return sortedBag(bag);
  }
  return { ...bag };
}

function canonical(content: Record<string, string>): string {
  return JSON.stringify(sortedBag(content));
}

/**
 * `canonical(a) === canonical(b)` without serialising both bags (a coordinator's bag holds the whole
 * worker config, and every hook commits it): when every value is a string, the JSON of a sorted
 * bag is equal exactly when the keys, in order, and the values are. Anything else is compared as JSON.
 */
function haveSameCanonicalContent(a: Record<string, string>, b: Record<string, string>): boolean {
  const sortedA = sortedBag(a);
  const sortedB = sortedBag(b);
  const keysA = Object.keys(sortedA);
  const keysB = Object.keys(sortedB);
  const areAllStrings = (bag: Record<string, string>, keys: readonly string[]) => keys.every((key) => typeof bag[key] === "string");
  if (!areAllStrings(sortedA, keysA) || !areAllStrings(sortedB, keysB)) return canonical(a) === canonical(b);
  return keysA.length === keysB.length && keysA.every((key, index) => key === keysB[index] && sortedA[key] === sortedB[key]);
}
