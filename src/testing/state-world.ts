/**
 * Translating one unit's State into a World the MemoryBackend can serve, and the World back into
 * the State that unit would observe after the hook.
 */
import type { CharmMeta } from "../juju/charm-meta.js";
import { configDefaults } from "../juju/charm-meta.js";
import { sortedBag } from "../juju/databag.js";
import { sortPorts } from "../juju/ports.js";
import { MemoryPebble } from "./pebble-memory.js";
import type { RelationState, SecretState, State } from "./state.js";
import type { World, WorldApp, WorldRelation, WorldSecret, WorldUnit } from "./world.js";
import { GRANTED_OUTSIDE_STATE } from "./world.js";

/** The app that owns secrets this unit consumes; the State does not say, so it is imagined. */
export const REMOTE_SECRET_OWNER = "secret-owner";

export interface UnitWorld {
  readonly world: World;
  readonly unitName: string;
  readonly appName: string;
}

export function worldFromState(meta: CharmMeta, state: State): UnitWorld {
  const appName = state.appName ?? meta.name;
  const unitName = `${appName}/${state.unitId}`;
  const world: World = {
    modelName: state.model.name,
    modelUuid: state.model.uuid,
    apps: new Map(),
    units: new Map(),
    relations: new Map(),
    secrets: new Map(),
    secretSerial: 0,
    relationSerial: Math.max(0, ...state.relations.map((relation) => relation.id)),
    ...(state.now !== undefined ? { clockMs: Date.parse(state.now) } : {}),
  };
  const app: WorldApp = {
    name: appName,
    meta,
    leader: state.leader ? unitName : undefined,
    status: { ...state.appStatus },
    config: { ...configDefaults(meta), ...state.config },
  };
  world.apps.set(appName, app);
  world.units.set(unitName, {
    name: unitName,
    app: appName,
    status: { ...state.unitStatus },
    workloadVersion: state.workloadVersion,
    openedPorts: sortPorts(state.openedPorts),
    state: { ...state.unitState },
    networks: structuredClone(state.networks),
    containers: new Map(state.containers.map(({ name, ...pebble }) => [name, MemoryPebble.fromState(pebble)])),
  });

  for (const relation of state.relations) {
    world.relations.set(relation.id, relationFromState(relation, appName, unitName, world));
  }
  for (const secret of state.secrets) world.secrets.set(secret.id, secretFromState(secret, appName, unitName));
  return { world, unitName, appName };
}

function relationFromState(relation: RelationState, appName: string, unitName: string, world: World): WorldRelation {
  const remoteApp = relation.kind === "peer" ? appName : relation.remoteApp;
  const remoteBags = relation.kind === "peer" ? relation.peersData : relation.remoteUnitsData;
  const unitData = new Map([[unitName, { ...relation.localUnitData }]]);
  for (const [number, bag] of Object.entries(remoteBags)) unitData.set(`${remoteApp}/${number}`, { ...bag });
  const appData = new Map([[appName, { ...relation.localAppData }]]);
  if (relation.kind === "regular") {
    appData.set(remoteApp, { ...relation.remoteAppData });
    if (!world.apps.has(remoteApp)) {
      world.apps.set(remoteApp, {
        name: remoteApp,
        leader: undefined,
        status: { status: "unset", message: "" },
        config: {},
      });
    }
  }
  return {
    id: relation.id,
    ...(relation.interface !== undefined ? { interface: relation.interface } : {}),
    ends:
      relation.kind === "peer"
        ? [{ app: appName, endpoint: relation.endpoint }]
        : [
            { app: appName, endpoint: relation.endpoint },
            { app: remoteApp, endpoint: relation.endpoint },
          ],
    appData,
    unitData,
    unitsInScope: new Set(unitData.keys()),
    // The State lists the remote units this unit already knows (Scenario's model).
    seenBy: new Map([[unitName, new Set([...unitData.keys()].filter((unit) => unit !== unitName))]]),
    versions: new Map(),
  };
}

function secretFromState(secret: SecretState, appName: string, unitName: string): WorldSecret {
  const revisions = new Map([[1, { ...secret.trackedContent }]]);
  if (secret.latestContent) revisions.set(2, { ...secret.latestContent });
  const latestRevision = revisions.size;
  const owner =
    secret.owner === "unit"
      ? { app: appName, unit: unitName }
      : secret.owner === "application"
        ? { app: appName }
        : { app: REMOTE_SECRET_OWNER };
  return {
    id: secret.id,
    owner,
    ...(secret.owner !== null && secret.label !== undefined ? { label: secret.label } : {}),
    ...(secret.description !== undefined ? { description: secret.description } : {}),
    ...(secret.owner !== null && secret.expire !== undefined ? { expiry: secret.expire } : {}),
    revisions,
    latestRevision,
    // A consumer in the State has been granted the secret and tracks revision 1.
    grants:
      secret.owner === null
        ? new Map([[GRANTED_OUTSIDE_STATE, new Set([appName])]])
        : new Map(Object.entries(secret.grants).map(([id, grantees]) => [Number(id), new Set(grantees)])),
    tracked: secret.owner === null ? new Map([[unitName, 1]]) : new Map(),
    consumerLabels: secret.owner === null && secret.label !== undefined ? new Map([[unitName, secret.label]]) : new Map(),
  };
}

/** The State `unitName` observes in `world`, keeping the input's shape (relation order, ids). */
export function stateFromWorld(input: State, unitWorld: UnitWorld): State {
  const { world, unitName, appName } = unitWorld;
  const unit: WorldUnit = world.units.get(unitName)!;
  const app = world.apps.get(appName)!;
  const relations = input.relations.map((relation): RelationState => {
    const live = world.relations.get(relation.id);
    if (!live) return relation;
    const localAppData = sortedBag(live.appData.get(appName) ?? {});
    const localUnitData = sortedBag(live.unitData.get(unitName) ?? {});
    if (relation.kind === "peer") return { ...relation, localAppData, localUnitData };
    return {
      ...relation,
      localAppData,
      localUnitData,
      remoteAppData: sortedBag(live.appData.get(relation.remoteApp) ?? {}),
    };
  });
  return {
    ...input,
    relations,
    containers: [...unit.containers]
      .map(([name, pebble]) => ({ name, ...pebble.toState() }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    secrets: secretsFromWorld(world, appName, unitName),
    openedPorts: sortPorts(unit.openedPorts),
    unitStatus: { ...unit.status },
    appStatus: { ...app.status },
    workloadVersion: unit.workloadVersion,
    unitState: sortedBag(unit.state),
  };
}

function secretsFromWorld(world: World, appName: string, unitName: string): SecretState[] {
  const secrets: SecretState[] = [];
  for (const secret of [...world.secrets.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    const latest = secret.revisions.get(secret.latestRevision) ?? {};
    const ownedHere = secret.owner.unit ? secret.owner.unit === unitName : secret.owner.app === appName;
    if (ownedHere) {
      secrets.push({
        id: secret.id,
        owner: secret.owner.unit ? "unit" : "application",
        trackedContent: { ...latest },
        ...(secret.label !== undefined ? { label: secret.label } : {}),
        ...(secret.description !== undefined ? { description: secret.description } : {}),
        ...(secret.expiry !== undefined ? { expire: secret.expiry } : {}),
        grants: Object.fromEntries(
          [...secret.grants]
            .filter(([id]) => id !== GRANTED_OUTSIDE_STATE)
            .sort(([a], [b]) => a - b)
            .map(([id, grantees]) => [String(id), [...grantees].sort()]),
        ),
      });
      continue;
    }
    const tracked = secret.tracked.get(unitName) ?? 1;
    const trackedContent = secret.revisions.get(tracked) ?? latest;
    const label = secret.consumerLabels.get(unitName);
    secrets.push({
      id: secret.id,
      owner: null,
      trackedContent: { ...trackedContent },
      ...(tracked !== secret.latestRevision ? { latestContent: { ...latest } } : {}),
      ...(label !== undefined ? { label } : {}),
      ...(secret.description !== undefined ? { description: secret.description } : {}),
      grants: {},
    });
  }
  return secrets;
}
