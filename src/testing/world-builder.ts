/**
 * Building and changing a multi-unit World the way the controller would: deploy an application,
 * add units, integrate, enter and leave relation scope, hand over leadership. The simulator drives
 * these and then runs each affected unit's hooks with `runUnitHook`; these functions change only
 * controller state and emit no events themselves.
 */
import type { CharmMeta } from "../juju/charm-meta.js";
import { bindingNames, configDefaults, endpointRole } from "../juju/charm-meta.js";
import { MemoryPebble } from "./pebble-memory.js";
import { DEFAULT_NETWORK } from "./state.js";
import type { ConfigValue, World, WorldRelation, WorldRelationEnd } from "./world.js";
import { appOfUnit, bagKey, endOf } from "./world.js";

export function createWorld(model: { name?: string; uuid?: string } = {}): World {
  return {
    modelName: model.name ?? "test-model",
    modelUuid: model.uuid ?? "00000000-0000-4000-8000-000000000000",
    apps: new Map(),
    units: new Map(),
    relations: new Map(),
    secrets: new Map(),
    secretSerial: 0,
    relationSerial: 0,
  };
}

export function addApplication(
  world: World,
  options: { name: string; meta: CharmMeta; config?: Record<string, ConfigValue> },
): void {
  if (world.apps.has(options.name)) throw new Error(`application ${options.name} already exists`);
  world.apps.set(options.name, {
    name: options.name,
    meta: options.meta,
    leader: undefined,
    unitSerial: -1,
    // Juju creates applications `unset` (juju/juju#11740); status-get prints it until the leader sets one.
    status: { status: "unset", message: "" },
    config: { ...configDefaults(options.meta), ...options.config },
  });
}

/** `juju config`: the operator's values over the metadata defaults. */
export function setConfig(world: World, app: string, config: Record<string, ConfigValue>): void {
  const application = requireApp(world, app);
  application.config = { ...(application.meta ? configDefaults(application.meta) : {}), ...config };
}

/**
 * Add a unit (numbers are never reused) with its workload containers, each a MemoryPebble that
 * can connect. `address` becomes its ingress address in relation bags and `network-get`.
 */
export function addUnit(world: World, app: string, options: { address?: string } = {}): string {
  const application = requireApp(world, app);
  const highest = highestUnitNumber(world, app, application.unitSerial ?? -1);
  application.unitSerial = highest + 1;
  const name = `${app}/${application.unitSerial}`;
  const address = options.address;
  world.units.set(name, {
    name,
    app,
    status: { status: "unknown", message: "" },
    workloadVersion: "",
    openedPorts: [],
    state: {},
    networks: address ? networksFor(application.meta, address) : {},
    containers: new Map(Object.keys(application.meta?.containers ?? {}).map((container) => [container, new MemoryPebble()])),
  });
  return name;
}

export function removeUnit(world: World, unit: string): void {
  for (const relation of world.relations.values()) {
    relation.unitsInScope.delete(unit);
    relation.seenBy.delete(unit);
  }
  const app = world.apps.get(appOfUnit(unit));
  if (app?.leader === unit) app.leader = undefined;
  world.units.delete(unit);
}

export function setLeader(world: World, app: string, unit: string | undefined): void {
  const application = requireApp(world, app);
  if (unit !== undefined && appOfUnit(unit) !== app) throw new Error(`${unit} is not a unit of ${app}`);
  application.leader = unit;
}

/**
 * `juju integrate` (or the implicit peer relation when both ends are the same application and
 * endpoint). Returns the new relation's id. No unit is in scope yet.
 */
export function relate(world: World, a: WorldRelationEnd, b: WorldRelationEnd): number {
  const isPeer = a.app === b.app && a.endpoint === b.endpoint;
  for (const end of isPeer ? [a] : [a, b]) {
    const meta = requireApp(world, end.app).meta;
    const role = meta ? endpointRole(meta, end.endpoint) : undefined;
    if (meta && !role) throw new Error(`${end.app} has no endpoint "${end.endpoint}"`);
    if (meta && (role === "peers") !== isPeer) throw new Error(`${end.app}:${end.endpoint} cannot be used this way`);
  }
  world.relationSerial += 1;
  const id = world.relationSerial;
  const relation: WorldRelation = {
    id,
    ends: isPeer ? [a] : [a, b],
    appData: new Map((isPeer ? [a.app] : [a.app, b.app]).map((app) => [app, {}])),
    unitData: new Map(),
    unitsInScope: new Set(),
    seenBy: new Map(),
    versions: new Map(),
  };
  world.relations.set(id, relation);
  return id;
}

/** `juju remove-relation`: after every unit's broken hook ran. */
export function removeRelation(world: World, relationId: number): void {
  world.relations.delete(relationId);
}

/** A unit enters scope: Juju seeds its bag with its addresses (juju-hook-tools.md §3.6). */
export function enterScope(world: World, relationId: number, unit: string): void {
  const relation = requireRelation(world, relationId);
  if (!endOf(relation, appOfUnit(unit))) throw new Error(`${unit} is not on either side of relation ${relationId}`);
  const network = world.units.get(unit)?.networks[endOf(relation, appOfUnit(unit))!.endpoint] ?? DEFAULT_NETWORK;
  const address = network.ingressAddresses[0] ?? DEFAULT_NETWORK.ingressAddresses[0]!;
  const bag = relation.unitData.get(unit) ?? {};
  relation.unitData.set(unit, {
    ...bag,
    "egress-subnets": network.egressSubnets.join(",") || `${address}/32`,
    "ingress-address": address,
    "private-address": address,
  });
  const key = bagKey(unit, false);
  relation.versions.set(key, (relation.versions.get(key) ?? 0) + 1);
  relation.unitsInScope.add(unit);
  if (!relation.seenBy.has(unit)) relation.seenBy.set(unit, new Set());
}

/** A unit leaves scope; its bag stays readable to the units that still list it (§3.1). */
export function leaveScope(world: World, relationId: number, unit: string): void {
  requireRelation(world, relationId).unitsInScope.delete(unit);
}

function requireApp(world: World, app: string) {
  const application = world.apps.get(app);
  if (!application) throw new Error(`no application ${app} in the world`);
  return application;
}

function requireRelation(world: World, relationId: number): WorldRelation {
  const relation = world.relations.get(relationId);
  if (!relation) throw new Error(`no relation ${relationId} in the world`);
  return relation;
}

/**
 * The highest number among `app`'s units in the world (NaN if one is not a number, as `Math.max`
 * gives), or `floor` when it has none or none higher. One pass without intermediate arrays: the
 * simulator adds a thousand units one by one.
 */
function highestUnitNumber(world: World, app: string, floor: number): number {
  let highest = floor;
  for (const unit of world.units.values()) {
    if (unit.app === app) highest = Math.max(highest, Number(unitNumberText(unit.name)));
  }
  return highest;
}

/** `name.split("/")[1]` without building the array. */
function unitNumberText(name: string): string | undefined {
  const slash = name.indexOf("/");
  if (slash === -1) return undefined;
  const nextSlash = name.indexOf("/", slash + 1);
  return name.slice(slash + 1, nextSlash === -1 ? undefined : nextSlash);
}

function networksFor(meta: CharmMeta | undefined, address: string) {
  const network = {
    bindAddresses: [{ interfaceName: "eth0", macAddress: "", addresses: [{ hostname: "", value: address, cidr: `${address}/32` }] }],
    egressSubnets: [`${address}/32`],
    ingressAddresses: [address],
  };
  const bindings = meta ? bindingNames(meta) : ["juju-info"];
  return Object.fromEntries(bindings.map((binding) => [binding, structuredClone(network)]));
}
