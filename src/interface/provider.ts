/**
 * The coordinator's side of tempo_cluster/v1, as pure functions over an abstract view of the worker
 * relations (the charm runtime builds the view from hook commands; tests build it by hand).
 *
 * Untrusted worker data goes in; a `ClusterView` of validated, normalised workers comes out, with
 * every rejected application and unit kept alongside its reasons for the coordinator's status.
 */
import { formatHostPort, normaliseAddress } from "./address.js";
import type { ClusterView, Rejection, WorkerApplication, WorkerUnit } from "./cluster-view.js";
import { canonicalJson } from "./canonical-json.js";
import {
  type Databag,
  PROVIDER_APP_KEYS,
  REQUIRER_UNIT_KEYS,
  decodeRequirerAppDatabag,
  decodeRequirerUnitDatabag,
  encodeProviderAppData,
} from "./databag-codec.js";
import { quote } from "./describe-input.js";
import { MEMBERLIST_PORT } from "./ports.js";
import { type ComponentRole, expandRole, missingRoles } from "./role-rules.js";
import type { RequiredRole, Role } from "./roles.js";
import type { ProviderAppData } from "./schemas.js";

export { databagChanges, hasChanges, type DatabagChanges } from "./databag-changes.js";
export { PROVIDER_APP_KEYS } from "./databag-codec.js";

/** What the provider can see of one worker relation: the remote application's and units' databags. */
export interface WorkerRelation {
  readonly id: number;
  /** The remote (worker) application's name. */
  readonly app: string;
  readonly appData: Databag;
  readonly units: ReadonlyArray<{ readonly name: string; readonly data: Databag }>;
}

export interface WorkerRelationsView {
  readonly relations: readonly WorkerRelation[];
}

interface Candidate {
  readonly relationId: number;
  readonly application: string;
  readonly unit: WorkerUnit;
  /** The unit's name split for sorting, once. */
  readonly key: UnitSortKey;
}

/**
 * Parse every worker relation into the cluster. An application takes part when its role is valid and
 * at least one unit published valid data (spec §3). A unit is valid when its databag decodes, its
 * address normalises and its topology names the relation's application.
 *
 * Two applications claiming one address would put one host in the ring twice under different
 * roles, which is a misconfiguration we cannot resolve; we keep the claim that sorts first by
 * (application, unit) — a rule that does not depend on relation ids or arrival order, so every
 * hook decides the same way — and reject the later one, naming both units.
 */
export function parseCluster(view: WorkerRelationsView): ClusterView {
  const rejected: Rejection[] = [];
  const appsWithRole: Array<{ relation: WorkerRelation; role: Role }> = [];
  const candidates: Candidate[] = [];

  for (const relation of [...view.relations].sort(compareRelations)) {
    const appData = decodeRequirerAppDatabag(relation.appData);
    if (appData.kind !== "valid") {
      const reasons = appData.kind === "absent" ? ["role: not published yet (the worker's leader publishes it)"] : appData.reasons;
      rejected.push({ relationId: relation.id, application: relation.app, reasons });
      continue;
    }
    appsWithRole.push({ relation, role: appData.data.role });
    for (const { item: unit, key } of sortByUnitName(relation.units, (candidate) => candidate.name)) {
      const parsed = parseWorkerUnitOnce(relation.app, unit.name, unit.data);
      if (parsed.kind === "valid") candidates.push({ relationId: relation.id, application: relation.app, unit: parsed.unit, key });
      else rejected.push({ relationId: relation.id, application: relation.app, unit: unit.name, reasons: parsed.reasons });
    }
  }

  const accepted = rejectAddressConflicts(candidates, rejected);
  const applications: WorkerApplication[] = [];
  for (const { relation, role } of appsWithRole) {
    const units = accepted.filter((candidate) => candidate.relationId === relation.id).map((candidate) => candidate.unit);
    if (units.length === 0) {
      rejected.push({
        relationId: relation.id,
        application: relation.app,
        reasons: [`role ${role} is valid, but no unit has published a valid juju_topology and address yet`],
      });
      continue;
    }
    applications.push({ relationId: relation.id, application: relation.app, role, units });
  }

  return {
    applications: applications.sort((a, b) => compareText(a.application, b.application) || a.relationId - b.relationId),
    rejected: sortRejections(rejected),
  };
}

type ParsedUnit = { readonly kind: "valid"; readonly unit: WorkerUnit } | { readonly kind: "invalid"; readonly reasons: readonly string[] };

/**
 * Every coordinator hook parses every unit's bag, and in a big cluster almost all of them are the
 * bytes it parsed last time. Within one process (the simulator, a test run) a unit's last answer is
 * reused when the application and the raw owned values are the same strings: `parseWorkerUnit` is a
 * pure function of exactly those and the unit name, so the memo cannot change an answer. Results
 * are frozen because they are shared. Bounded: when full it is emptied, so it holds at most
 * MAX_MEMOISED_UNITS units. A real hook runs in a fresh process, where this costs one lookup per unit.
 */
const MAX_MEMOISED_UNITS = 8192;

/** The last parse of a unit's bag, with the exact inputs it was computed from (null: key absent). */
interface MemoisedUnit {
  readonly application: string;
  readonly rawValues: ReadonlyArray<string | null>;
  readonly parsed: ParsedUnit;
}
const parsedUnits = new Map<string, MemoisedUnit>();

function parseWorkerUnitOnce(application: string, unitName: string, data: Databag): ParsedUnit {
  const rawValues = ownedRawValues(data);
  if (rawValues === undefined) return parseWorkerUnit(application, unitName, data);
  const known = parsedUnits.get(unitName);
  if (known !== undefined && known.application === application && known.rawValues.every((raw, index) => raw === rawValues[index])) {
    return known.parsed;
  }
  const parsed = freezeParsedUnit(parseWorkerUnit(application, unitName, data));
  if (parsedUnits.size >= MAX_MEMOISED_UNITS) parsedUnits.clear();
  parsedUnits.set(unitName, { application, rawValues, parsed });
  return parsed;
}

/** The owned values `parseWorkerUnit` reads (null when absent), or undefined when one is not a string (not memoised). */
function ownedRawValues(data: Databag): Array<string | null> | undefined {
  const values: Array<string | null> = [];
  for (const owned of REQUIRER_UNIT_KEYS) {
    if (!Object.prototype.hasOwnProperty.call(data, owned)) {
      values.push(null);
      continue;
    }
    const raw: unknown = data[owned];
    if (typeof raw !== "string") return undefined;
    values.push(raw);
  }
  return values;
}

function freezeParsedUnit(parsed: ParsedUnit): ParsedUnit {
  if (parsed.kind === "invalid") return Object.freeze({ kind: "invalid", reasons: Object.freeze([...parsed.reasons]) });
  const { unit } = parsed;
  return Object.freeze({ kind: "valid", unit: Object.freeze({ ...unit, topology: Object.freeze({ ...unit.topology }) }) });
}

function parseWorkerUnit(application: string, unitName: string, data: Databag): ParsedUnit {
  const parsed = decodeRequirerUnitDatabag(data);
  if (parsed.kind === "absent") return { kind: "invalid", reasons: ["juju_topology and address: not published yet"] };
  if (parsed.kind === "invalid") return { kind: "invalid", reasons: [...parsed.reasons] };
  const { juju_topology: topology, address } = parsed.data;
  if (topology.application !== application) {
    return {
      kind: "invalid",
      reasons: [`juju_topology.application: ${quote(topology.application)} is not this relation's application ${quote(application)}`],
    };
  }
  // The schema has already accepted the address; normalising again yields the host it stands for.
  const normalised = normaliseAddress(address);
  if (normalised.kind === "invalid") return { kind: "invalid", reasons: [`address: ${quote(address)} ${normalised.reason}`] };
  return { kind: "valid", unit: { name: unitName, address: normalised.host, topology } };
}

function rejectAddressConflicts(candidates: readonly Candidate[], rejected: Rejection[]): Candidate[] {
  const owners = new Map<string, Candidate>();
  const accepted: Candidate[] = [];
  const byApplicationThenUnit = isInApplicationThenUnitOrder(candidates) ? candidates : sortByApplicationThenUnit(candidates);
  for (const candidate of byApplicationThenUnit) {
    const owner = owners.get(candidate.unit.address);
    if (owner !== undefined && owner.application !== candidate.application) {
      rejected.push({
        relationId: candidate.relationId,
        application: candidate.application,
        unit: candidate.unit.name,
        reasons: [
          `address: ${quote(candidate.unit.address)} is also claimed by ${owner.unit.name} of application ${owner.application}; ` +
            `keeping ${owner.unit.name} (first by application and unit name) and leaving ${candidate.unit.name} out`,
        ],
      });
      continue;
    }
    if (owner === undefined) owners.set(candidate.unit.address, candidate);
    accepted.push(candidate);
  }
  return accepted;
}

/**
 * `memberlist.join_members`: `<host>:7946` for every valid unit of every taking-part application,
 * whatever its role (spec §3), sorted and de-duplicated. IPv6 hosts are bracketed.
 */
export function gossipRing(cluster: ClusterView): string[] {
  const members = new Set<string>();
  for (const application of cluster.applications) {
    for (const unit of application.units) members.add(formatHostPort(unit.address, MEMBERLIST_PORT));
  }
  return [...members].sort(compareText);
}

/**
 * The relations whose provider databag this coordinator should write: those of taking-part
 * applications, sorted by id. A relation whose application has no valid role gets nothing (upstream
 * interface tests 1 and 3: its databags stay empty). Whether the cluster is complete enough to publish
 * at all is the coordinator's decision (`clusterMissingRoles`).
 */
export function relationsToPublishTo(cluster: ClusterView): number[] {
  return [...new Set(cluster.applications.map((application) => application.relationId))].sort((a, b) => a - b);
}

/** The components the cluster runs (`all` expanded), sorted. */
export function coveredRoles(cluster: ClusterView): ComponentRole[] {
  const covered = new Set<ComponentRole>();
  for (const application of cluster.applications) for (const role of expandRole(application.role)) covered.add(role);
  return [...covered].sort(compareText);
}

/** The required roles nobody runs yet, sorted; empty when the cluster is complete. */
export function clusterMissingRoles(cluster: ClusterView): RequiredRole[] {
  return missingRoles(coveredRoles(cluster));
}

/**
 * What one relation's provider application databag must hold. Lists are put in a canonical order
 * (ports ascending and unique, remote-write endpoints by content) so that the same inputs always give
 * the same bytes. The S3 CA goes under both keys (spec §2.5).
 */
export function providerDatabag(input: ProviderAppData): Record<string, string> {
  return encodeProviderAppData({
    ...input,
    worker_ports: input.worker_ports === undefined ? undefined : [...new Set(input.worker_ports)].sort((a, b) => a - b),
    remote_write_endpoints:
      input.remote_write_endpoints === undefined ? undefined : sortUniqueByContent(input.remote_write_endpoints),
  });
}

/** Every key the provider owns in its application databag (what a change set may delete). */
export const PROVIDER_OWNED_KEYS: readonly string[] = PROVIDER_APP_KEYS;

function sortUniqueByContent<T>(items: readonly T[]): T[] {
  const byContent = new Map<string, T>();
  for (const item of items) byContent.set(canonicalJson(item), item);
  return [...byContent.keys()].sort(compareText).map((key) => byContent.get(key) as T);
}

/** Code-unit order: locale-independent, so output never depends on the machine's settings. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `app/2` before `app/10`: by application, then unit number. */
export function compareUnitNames(a: string, b: string): number {
  return compareUnitKeys(unitSortKey(a), unitSortKey(b));
}

/** A unit name split once, so that a sort does not split both names on every comparison. */
interface UnitSortKey {
  readonly name: string;
  readonly app: string;
  readonly number: number;
}

/** As `name.split("/")`: the text before the first slash, and the number between it and the next (0 if none). */
function unitSortKey(name: string): UnitSortKey {
  const slash = name.indexOf("/");
  if (slash === -1) return { name, app: name, number: 0 };
  const nextSlash = name.indexOf("/", slash + 1);
  return { name, app: name.slice(0, slash), number: Number(name.slice(slash + 1, nextSlash === -1 ? undefined : nextSlash)) };
}

/** `compareUnitNames` on split names: the same answer for every pair, so sorts come out the same. */
function compareUnitKeys(a: UnitSortKey, b: UnitSortKey): number {
  if (a.app !== b.app) return compareText(a.app, b.app);
  const difference = a.number - b.number;
  return Number.isNaN(difference) || difference === 0 ? compareText(a.name, b.name) : difference;
}

/** `items` sorted by `compareUnitNames` of their names, each with its name split once. */
function sortByUnitName<T>(items: readonly T[], nameOf: (item: T) => string): Array<{ item: T; key: UnitSortKey }> {
  return items.map((item) => ({ item, key: unitSortKey(nameOf(item)) })).sort((a, b) => compareUnitKeys(a.key, b.key));
}

function compareApplicationThenUnit(a: Candidate, b: Candidate): number {
  return compareText(a.application, b.application) || compareUnitKeys(a.key, b.key);
}

function sortByApplicationThenUnit(candidates: readonly Candidate[]): Candidate[] {
  return [...candidates].sort(compareApplicationThenUnit);
}

/**
 * Candidates arrive sorted by application and unit unless two relations share an application. When
 * every unit number is a number, the order is total and a stable sort would leave sorted candidates
 * as they are, so the sort is skipped; otherwise (`app/x`) they are sorted as always.
 */
function isInApplicationThenUnitOrder(candidates: readonly Candidate[]): boolean {
  for (let index = 0; index < candidates.length; index += 1) {
    const candidate = candidates[index]!;
    if (Number.isNaN(candidate.key.number)) return false;
    if (index > 0 && compareApplicationThenUnit(candidates[index - 1]!, candidate) > 0) return false;
  }
  return true;
}

function compareRelations(a: WorkerRelation, b: WorkerRelation): number {
  return compareText(a.app, b.app) || a.id - b.id;
}

/** By application, the application's own rejection first, then by unit name; each unit name split once. */
function sortRejections(rejections: readonly Rejection[]): Rejection[] {
  return rejections
    .map((rejection) => ({ rejection, key: rejection.unit === undefined ? undefined : unitSortKey(rejection.unit) }))
    .sort((a, b) => {
      if (a.rejection.application !== b.rejection.application) return compareText(a.rejection.application, b.rejection.application);
      if (a.key === undefined || b.key === undefined) {
        return a.key === b.key ? a.rejection.relationId - b.rejection.relationId : a.key === undefined ? -1 : 1;
      }
      return compareUnitKeys(a.key, b.key) || a.rejection.relationId - b.rejection.relationId;
    })
    .map(({ rejection }) => rejection);
}
