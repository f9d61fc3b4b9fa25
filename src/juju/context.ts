/**
 * The hook environment, parsed: who we are, which model, and which event.
 *
 * Juju replaces the environment rather than extending it (no HOME) and runs `dispatch` with no
 * arguments, so the environment is the only input (juju-hook-tools.md §1.3). The event comes from
 * `JUJU_DISPATCH_PATH` the way ops reads it. Endpoints, containers and storage named by the hook
 * are checked against the charm's metadata, so a hook the charm cannot have is refused up front
 * instead of surfacing later as a confusing model error.
 */
import type { CharmMeta } from "./charm-meta.js";
import { endpointRole } from "./charm-meta.js";
import type { JujuEvent, RelationHookKind } from "./events.js";
import { LIFECYCLE_HOOKS, RELATION_HOOK_KINDS, SECRET_HOOKS, dispatchPath, hookName } from "./events.js";

export interface HookContext {
  readonly unitName: string;
  readonly appName: string;
  readonly modelName: string;
  readonly modelUuid: string;
  readonly jujuVersion: string;
  readonly charmDir?: string;
  readonly event: JujuEvent;
}

export type ParsedHookContext =
  | { readonly kind: "valid"; readonly context: HookContext }
  | { readonly kind: "invalid"; readonly reasons: string[] };

export type HookEnv = Readonly<Record<string, string | undefined>>;

const ALWAYS_REQUIRED = [
  "JUJU_DISPATCH_PATH",
  "JUJU_MODEL_NAME",
  "JUJU_MODEL_UUID",
  "JUJU_UNIT_NAME",
  "JUJU_VERSION",
] as const;

export function parseHookEnv(env: HookEnv, meta: CharmMeta): ParsedHookContext {
  const missing: string[] = ALWAYS_REQUIRED.filter((name) => env[name] === undefined || env[name] === "");
  // JUJU_HOOK_NAME must be present but is legitimately empty for actions.
  if (env.JUJU_HOOK_NAME === undefined) missing.push("JUJU_HOOK_NAME");
  if (missing.length > 0) {
    return invalid(`missing hook environment variables: ${missing.sort().join(", ")} (is this running under Juju?)`);
  }
  const unitName = env.JUJU_UNIT_NAME!;
  const unitMatch = /^([a-z][a-z0-9-]*)\/(\d+)$/.exec(unitName);
  if (!unitMatch) return invalid(`JUJU_UNIT_NAME "${unitName}" is not of the form <application>/<number>`);

  const event = parseEvent(env, meta);
  if (event.kind === "invalid") return event;
  return {
    kind: "valid",
    context: {
      unitName,
      appName: unitMatch[1]!,
      modelName: env.JUJU_MODEL_NAME!,
      modelUuid: env.JUJU_MODEL_UUID!,
      jujuVersion: env.JUJU_VERSION!,
      ...(env.JUJU_CHARM_DIR ? { charmDir: env.JUJU_CHARM_DIR } : {}),
      event: event.event,
    },
  };
}

type ParsedEvent = { kind: "valid"; event: JujuEvent } | { kind: "invalid"; reasons: string[] };

function parseEvent(env: HookEnv, meta: CharmMeta): ParsedEvent {
  const path = env.JUJU_DISPATCH_PATH!;
  const slash = path.lastIndexOf("/");
  const name = path.slice(slash + 1);
  const directory = path.slice(0, Math.max(slash, 0)).split("/").pop() ?? "";

  if (directory === "actions") {
    const uuid = env.JUJU_ACTION_UUID;
    if (!uuid) return invalid("action dispatch without JUJU_ACTION_UUID");
    return valid({ kind: "action", action: { name: env.JUJU_ACTION_NAME || name, uuid } });
  }
  if ((LIFECYCLE_HOOKS as readonly string[]).includes(name)) {
    return valid({ kind: name as (typeof LIFECYCLE_HOOKS)[number] });
  }
  if ((SECRET_HOOKS as readonly string[]).includes(name)) return parseSecretEvent(name, env);

  const relationKind = RELATION_HOOK_KINDS.find((kind) => name.endsWith(`-relation-${kind}`));
  if (relationKind) return parseRelationEvent(name, relationKind, env, meta);

  const pebble = /^(.+)-(pebble-ready|pebble-check-failed|pebble-check-recovered|pebble-custom-notice)$/.exec(name);
  if (pebble) return parsePebbleEvent(pebble[1]!, pebble[2]!, env, meta);

  const storage = /^(.+)-storage-(attached|detaching)$/.exec(name);
  if (storage) return parseStorageEvent(storage[1]!, storage[2] as "attached" | "detaching", env, meta);

  return invalid(`unknown hook "${name}" (JUJU_DISPATCH_PATH=${path})`);
}

function parseRelationEvent(name: string, kind: RelationHookKind, env: HookEnv, meta: CharmMeta): ParsedEvent {
  const endpoint = name.slice(0, -`-relation-${kind}`.length);
  const required = ["JUJU_RELATION", "JUJU_RELATION_ID", "JUJU_REMOTE_APP"];
  // Present but possibly empty (app-data changes). JUJU_DEPARTING_UNIT is not required: Juju exports
  // it only when it is non-empty (context.go HookVars: `if c.departingUnitName != ""`).
  if (kind === "joined" || kind === "changed" || kind === "departed") required.push("JUJU_REMOTE_UNIT");
  const missing = required.filter((variable) => env[variable] === undefined);
  if (missing.length > 0) return invalid(`${name}: missing ${missing.join(", ")}`);
  if (env.JUJU_RELATION !== endpoint) {
    return invalid(`${name}: JUJU_RELATION is "${env.JUJU_RELATION}" but the hook is for endpoint "${endpoint}"`);
  }
  if (!endpointRole(meta, endpoint)) return invalid(`${name}: endpoint "${endpoint}" is not in the charm's metadata`);
  // ops: int(JUJU_RELATION_ID.split(':')[-1])
  const idText = env.JUJU_RELATION_ID!.split(":").pop() ?? "";
  if (!/^\d+$/.test(idText)) return invalid(`${name}: JUJU_RELATION_ID "${env.JUJU_RELATION_ID}" has no numeric id`);
  const remoteUnit = env.JUJU_REMOTE_UNIT;
  if ((kind === "joined" || kind === "departed") && !remoteUnit) {
    return invalid(`${name}: JUJU_REMOTE_UNIT is empty, but a ${kind} hook is always about one remote unit`);
  }
  return valid({
    kind: `relation-${kind}`,
    relation: { endpoint, id: Number(idText) },
    remoteApp: env.JUJU_REMOTE_APP!,
    ...(remoteUnit ? { remoteUnit } : {}),
    // Without JUJU_DEPARTING_UNIT the remote unit is the one leaving (a local unit leaving is named).
    ...(kind === "departed" ? { departingUnit: env.JUJU_DEPARTING_UNIT || remoteUnit! } : {}),
  });
}

function parsePebbleEvent(container: string, kind: string, env: HookEnv, meta: CharmMeta): ParsedEvent {
  const workload = env.JUJU_WORKLOAD_NAME || container;
  if (workload !== container) {
    return invalid(`${container}-${kind}: JUJU_WORKLOAD_NAME is "${workload}"`);
  }
  if (!meta.containers?.[container]) return invalid(`${container}-${kind}: container "${container}" is not in the charm's metadata`);
  if (kind === "pebble-ready") return valid({ kind, container });
  if (kind === "pebble-custom-notice") {
    const id = env.JUJU_NOTICE_ID;
    const type = env.JUJU_NOTICE_TYPE;
    const key = env.JUJU_NOTICE_KEY;
    if (!id || !type || key === undefined) return invalid(`${container}-${kind}: missing JUJU_NOTICE_ID/TYPE/KEY`);
    return valid({ kind, container, notice: { id, type, key } });
  }
  const check = env.JUJU_PEBBLE_CHECK_NAME;
  if (!check) return invalid(`${container}-${kind}: missing JUJU_PEBBLE_CHECK_NAME`);
  return valid({ kind: kind as "pebble-check-failed" | "pebble-check-recovered", container, check });
}

function parseStorageEvent(name: string, kind: "attached" | "detaching", env: HookEnv, meta: CharmMeta): ParsedEvent {
  const id = env.JUJU_STORAGE_ID ?? "";
  const match = /^(.+)\/(\d+)$/.exec(id);
  if (!match) return invalid(`${name}-storage-${kind}: JUJU_STORAGE_ID "${id}" is not <name>/<index>`);
  if (match[1] !== name) return invalid(`${name}-storage-${kind}: JUJU_STORAGE_ID names storage "${match[1]}"`);
  if (!meta.storage?.[name]) return invalid(`${name}-storage-${kind}: storage "${name}" is not in the charm's metadata`);
  const location = env.JUJU_STORAGE_LOCATION;
  return valid({
    kind: `storage-${kind}`,
    storage: { name, index: Number(match[2]), ...(location ? { location } : {}) },
  });
}

function parseSecretEvent(name: string, env: HookEnv): ParsedEvent {
  const id = env.JUJU_SECRET_ID;
  if (!id) return invalid(`${name}: missing JUJU_SECRET_ID`);
  const label = env.JUJU_SECRET_LABEL;
  const revisionText = env.JUJU_SECRET_REVISION;
  if (revisionText && !/^\d+$/.test(revisionText)) return invalid(`${name}: JUJU_SECRET_REVISION "${revisionText}" is not a number`);
  return valid({
    kind: name as (typeof SECRET_HOOKS)[number],
    secret: {
      id,
      ...(label ? { label } : {}),
      ...(revisionText ? { revision: Number(revisionText) } : {}),
    },
  });
}

/**
 * The environment Juju would give `dispatch` for this event (§1.3): the inverse of parseHookEnv,
 * used by the test harness, the simulator and the fake agent so they all agree on one rendering.
 * Only hook-relevant variables are produced; PATH and socket variables belong to whoever spawns.
 */
export function renderHookEnv(context: HookContext): Record<string, string> {
  const { event } = context;
  const env: Record<string, string> = {
    JUJU_DISPATCH_PATH: dispatchPath(event),
    JUJU_HOOK_NAME: hookName(event),
    JUJU_UNIT_NAME: context.unitName,
    JUJU_MODEL_NAME: context.modelName,
    JUJU_MODEL_UUID: context.modelUuid,
    JUJU_VERSION: context.jujuVersion,
  };
  if (context.charmDir) {
    env.JUJU_CHARM_DIR = context.charmDir;
    env.CHARM_DIR = context.charmDir;
  }
  switch (event.kind) {
    case "relation-created":
    case "relation-joined":
    case "relation-changed":
    case "relation-departed":
    case "relation-broken":
      env.JUJU_RELATION = event.relation.endpoint;
      env.JUJU_RELATION_ID = `${event.relation.endpoint}:${event.relation.id}`;
      env.JUJU_REMOTE_APP = event.remoteApp;
      env.JUJU_REMOTE_UNIT = event.remoteUnit ?? "";
      if (event.kind === "relation-departed") {
        // Exported only when non-empty, as Juju does (context.go HookVars).
        const departing = event.departingUnit ?? event.remoteUnit ?? "";
        if (departing !== "") env.JUJU_DEPARTING_UNIT = departing;
      }
      break;
    case "pebble-ready":
      env.JUJU_WORKLOAD_NAME = event.container;
      break;
    case "pebble-check-failed":
    case "pebble-check-recovered":
      env.JUJU_WORKLOAD_NAME = event.container;
      env.JUJU_PEBBLE_CHECK_NAME = event.check;
      break;
    case "pebble-custom-notice":
      env.JUJU_WORKLOAD_NAME = event.container;
      env.JUJU_NOTICE_ID = event.notice.id;
      env.JUJU_NOTICE_TYPE = event.notice.type;
      env.JUJU_NOTICE_KEY = event.notice.key;
      break;
    case "storage-attached":
    case "storage-detaching":
      env.JUJU_STORAGE_ID = `${event.storage.name}/${event.storage.index}`;
      if (event.storage.location) env.JUJU_STORAGE_LOCATION = event.storage.location;
      break;
    case "secret-changed":
    case "secret-rotate":
    case "secret-remove":
    case "secret-expired":
      env.JUJU_SECRET_ID = event.secret.id;
      env.JUJU_SECRET_LABEL = event.secret.label ?? "";
      if (event.secret.revision !== undefined && event.secret.revision > 0) {
        env.JUJU_SECRET_REVISION = String(event.secret.revision);
      }
      break;
    case "action":
      env.JUJU_ACTION_NAME = event.action.name;
      env.JUJU_ACTION_UUID = event.action.uuid;
      env.JUJU_ACTION_TAG = `action-${event.action.uuid}`;
      break;
    default:
      break;
  }
  return env;
}

function valid(event: JujuEvent): ParsedEvent {
  return { kind: "valid", event };
}

function invalid(reason: string): { kind: "invalid"; reasons: string[] } {
  return { kind: "invalid", reasons: [reason] };
}
