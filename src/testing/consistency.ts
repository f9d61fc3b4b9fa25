/**
 * Input states Juju could never produce, rejected before the charm runs (Scenario's consistency
 * checker, juju-hook-tools.md §5, made stricter where Juju is). A test built on an impossible state
 * proves nothing, so every problem is reported at once, in plain words.
 */
import type { CharmMeta } from "../juju/charm-meta.js";
import { bindingNames, endpointMeta, endpointRole } from "../juju/charm-meta.js";
import { flattenLayers, memoryPebbleStateProblems } from "./pebble-memory.js";
import type { ScenarioEvent } from "./scenario-events.js";
import { remoteUnitName } from "./scenario-events.js";
import type { State } from "./state.js";

export class InconsistentStateError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`inconsistent scenario:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "InconsistentStateError";
  }
}

const SECRET_ID = /^secret:[0-9a-z]{20}$/;

export function checkConsistency(
  meta: CharmMeta,
  state: State,
  event: ScenarioEvent,
  jujuVersion = "3.6.14",
): string[] {
  const appName = state.appName ?? meta.name;
  return [
    ...checkVersion(event, state, jujuVersion),
    ...checkRelations(meta, state, appName),
    ...checkConfig(meta, state),
    ...checkContainers(meta, state),
    ...checkSecrets(state),
    ...checkNetworks(meta, state),
    ...checkEvent(meta, state, event, appName),
  ];
}

/** Features the event or state needs that this Juju version does not have (§1.3, §2.16). */
function checkVersion(event: ScenarioEvent, state: State, jujuVersion: string): string[] {
  const problems: string[] = [];
  const isSecretEvent = event.kind.startsWith("secret-");
  if ((isSecretEvent || state.secrets.length > 0) && compareVersions(jujuVersion, "3.0.2") < 0) {
    problems.push(`secrets need Juju 3.0.2 or later, not ${jujuVersion}`);
  }
  if (event.kind.startsWith("pebble-check-") && compareVersions(jujuVersion, "3.6.0") < 0) {
    problems.push(`${event.kind} needs Juju 3.6 or later, not ${jujuVersion}`);
  }
  return problems;
}

function compareVersions(a: string, b: string): number {
  const parts = (version: string) => version.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  const [left, right] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

function checkRelations(meta: CharmMeta, state: State, appName: string): string[] {
  const problems: string[] = [];
  const seenIds = new Set<number>();
  const countByEndpoint = new Map<string, number>();
  for (const relation of state.relations) {
    const where = `relation ${relation.endpoint}:${relation.id}`;
    if (seenIds.has(relation.id)) problems.push(`${where}: duplicate relation id ${relation.id}`);
    seenIds.add(relation.id);
    countByEndpoint.set(relation.endpoint, (countByEndpoint.get(relation.endpoint) ?? 0) + 1);
    const role = endpointRole(meta, relation.endpoint);
    if (!role) {
      problems.push(`${where}: endpoint "${relation.endpoint}" is not in the charm's metadata`);
      continue;
    }
    if (role === "peers" && relation.kind !== "peer") {
      problems.push(`${where}: "${relation.endpoint}" is a peer endpoint; use peerRelation()`);
    }
    if (role !== "peers" && relation.kind === "peer") {
      problems.push(`${where}: "${relation.endpoint}" is a ${role} endpoint, not a peer one; use relation()`);
    }
    const declared = endpointMeta(meta, relation.endpoint)!;
    if (relation.interface !== undefined && relation.interface !== declared.interface) {
      problems.push(`${where}: interface "${relation.interface}" but metadata says "${declared.interface}"`);
    }
    if (relation.kind === "peer" && String(state.unitId) in relation.peersData) {
      problems.push(`${where}: peersData contains this unit (${appName}/${state.unitId}); list only the other peers`);
    }
    if (relation.kind === "regular" && relation.remoteApp === appName) {
      problems.push(`${where}: the remote application cannot be this application (${appName})`);
    }
  }
  for (const [endpoint, count] of countByEndpoint) {
    const limit = endpointMeta(meta, endpoint)?.limit;
    if (limit !== undefined && count > limit) {
      problems.push(`endpoint "${endpoint}" has ${count} relations but its limit is ${limit}`);
    }
  }
  return problems;
}

function checkConfig(meta: CharmMeta, state: State): string[] {
  const problems: string[] = [];
  const options = meta.config?.options ?? {};
  for (const [key, value] of Object.entries(state.config).sort(([a], [b]) => a.localeCompare(b))) {
    const option = options[key];
    if (!option) {
      problems.push(`config "${key}" is not a config option of the charm`);
      continue;
    }
    const fits =
      option.type === "string"
        ? typeof value === "string"
        : option.type === "int"
          ? typeof value === "number" && Number.isInteger(value)
          : option.type === "float"
            ? typeof value === "number"
            : option.type === "boolean"
              ? typeof value === "boolean"
              : typeof value === "string" && SECRET_ID.test(value);
    if (!fits) problems.push(`config "${key}" is ${JSON.stringify(value)} but the option's type is ${option.type}`);
  }
  return problems;
}

function checkContainers(meta: CharmMeta, state: State): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const container of state.containers) {
    if (seen.has(container.name)) problems.push(`container "${container.name}" is listed twice`);
    seen.add(container.name);
    if (!meta.containers?.[container.name]) problems.push(`container "${container.name}" is not in the charm's metadata`);
    const { name, ...pebble } = container;
    for (const problem of memoryPebbleStateProblems(pebble)) problems.push(`container "${name}": ${problem}`);
  }
  return problems;
}

function checkSecrets(state: State): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const relationIds = new Set(state.relations.map((relation) => relation.id));
  for (const secret of state.secrets) {
    if (!SECRET_ID.test(secret.id)) problems.push(`secret "${secret.id}" is not a Juju secret id (secret:<20 of [0-9a-z]>)`);
    if (seen.has(secret.id)) problems.push(`secret "${secret.id}" is listed twice`);
    seen.add(secret.id);
    if (secret.owner === null && Object.keys(secret.grants).length > 0) {
      problems.push(`secret "${secret.id}": grants are only known to the owner, but this unit does not own it`);
    }
    for (const relationId of Object.keys(secret.grants)) {
      if (!relationIds.has(Number(relationId))) {
        problems.push(`secret "${secret.id}" is granted on relation ${relationId}, which is not in the state`);
      }
    }
  }
  return problems;
}

function checkNetworks(meta: CharmMeta, state: State): string[] {
  const known = bindingNames(meta);
  return Object.keys(state.networks)
    .sort()
    .filter((binding) => !known.includes(binding))
    .map((binding) => `network "${binding}" is not an endpoint or extra-binding of the charm`);
}

function checkEvent(meta: CharmMeta, state: State, event: ScenarioEvent, appName: string): string[] {
  switch (event.kind) {
    case "relation-created":
    case "relation-joined":
    case "relation-changed":
    case "relation-departed":
    case "relation-broken": {
      const relation = state.relations.find((candidate) => candidate.id === event.relationId);
      if (!relation) return [`${event.kind} on relation ${event.relationId}, which is not in the state`];
      const problems: string[] = [];
      const needsUnit = event.kind === "relation-joined" || event.kind === "relation-departed";
      if (needsUnit && event.remoteUnit === undefined) problems.push(`${event.kind} needs the remote unit it is about`);
      if ((event.kind === "relation-created" || event.kind === "relation-broken") && event.remoteUnit !== undefined) {
        problems.push(`${event.kind} is never about one remote unit (Juju sets JUJU_REMOTE_UNIT="")`);
      }
      if (event.kind === "relation-broken" && relation.kind === "peer") {
        problems.push("peer relations never get relation-broken");
      }
      if (event.remoteUnit !== undefined) {
        const unit = remoteUnitName(relation, appName, event.remoteUnit);
        const number = unit.slice(unit.lastIndexOf("/") + 1);
        const remoteApp = relation.kind === "peer" ? appName : relation.remoteApp;
        const bags = relation.kind === "peer" ? relation.peersData : relation.remoteUnitsData;
        if (unit === `${appName}/${state.unitId}`) problems.push(`${event.kind}: the remote unit cannot be this unit`);
        else if (!unit.startsWith(`${remoteApp}/`)) problems.push(`${event.kind}: ${unit} is not a unit of ${remoteApp}`);
        else if (event.kind !== "relation-departed" && !(number in bags)) {
          problems.push(`${event.kind}: ${unit} has no databag in relation ${relation.id} (add it to the remote units)`);
        }
      }
      return problems;
    }
    case "pebble-ready":
    case "pebble-check-failed":
    case "pebble-check-recovered": {
      const problems: string[] = [];
      if (!meta.containers?.[event.container]) problems.push(`${event.kind}: container "${event.container}" is not in metadata`);
      const container = state.containers.find((candidate) => candidate.name === event.container);
      if (!container) {
        problems.push(`${event.kind}: container "${event.container}" is not in the state`);
      } else if (event.kind !== "pebble-ready" && memoryPebbleStateProblems(container).length === 0) {
        const checks = flattenLayers(container.layers).checks;
        if (!(event.check in checks)) problems.push(`${event.kind}: check "${event.check}" is not in the plan of "${event.container}"`);
      }
      return problems;
    }
    case "storage-attached":
    case "storage-detaching":
      return meta.storage?.[event.storage.name] ? [] : [`${event.kind}: storage "${event.storage.name}" is not in metadata`];
    case "secret-changed":
    case "secret-rotate":
    case "secret-remove":
    case "secret-expired": {
      const secret = state.secrets.find((candidate) => candidate.id === event.secretId);
      if (!secret) return [`${event.kind}: secret "${event.secretId}" is not in the state`];
      // Only consumers see secret-changed; only owners see rotate, expired and remove (§3.8).
      if (event.kind === "secret-changed" && secret.owner !== null) return ["secret-changed goes to consumers, not the owner"];
      if (event.kind !== "secret-changed" && secret.owner === null) return [`${event.kind} goes to the owner only`];
      if (event.kind !== "secret-changed" && secret.owner === "application" && !state.leader) {
        return [`${event.kind} of an application secret goes to the leader only`];
      }
      return [];
    }
    case "leader-elected":
      return state.leader ? [] : ["leader-elected runs only on the leader (set leader: true)"];
    case "action":
      // Juju refuses `juju run` of an action the charm does not declare in actions.yaml.
      return meta.actions?.[event.name] ? [] : [`action "${event.name}" is not in the charm's actions`];
    default:
      return [];
  }
}
