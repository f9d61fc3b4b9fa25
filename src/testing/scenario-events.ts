/**
 * Events as a test names them: relative to the State (a relation by id, a remote unit by number),
 * turned into the runtime's JujuEvent once the State says who is on the other side.
 */
import type { JujuEvent, LifecycleHook, RelationHookKind, SecretHook } from "../juju/events.js";
import type { RelationState, State } from "./state.js";

export type ScenarioEvent =
  | { readonly kind: LifecycleHook }
  | {
      readonly kind: `relation-${RelationHookKind}`;
      readonly relationId: number;
      /** A unit number (resolved against the relation's remote app) or a full unit name. */
      readonly remoteUnit?: number | string;
      /** Departed only; defaults to the remote unit. */
      readonly departingUnit?: number | string;
    }
  | { readonly kind: "pebble-ready"; readonly container: string }
  | { readonly kind: "pebble-check-failed" | "pebble-check-recovered"; readonly container: string; readonly check: string }
  | { readonly kind: "storage-attached" | "storage-detaching"; readonly storage: { name: string; index: number } }
  | { readonly kind: SecretHook; readonly secretId: string; readonly revision?: number }
  | { readonly kind: "action"; readonly name: string; readonly params?: Readonly<Record<string, unknown>> };

type RelationRefLike = Pick<RelationState, "id">;
type UnitOptions = { remoteUnit?: number | string };

/** Builders so tests read as scenarios: `run(charm, on.relationChanged(rel, { remoteUnit: 0 }), state)`. */
export const on = {
  install: (): ScenarioEvent => ({ kind: "install" }),
  start: (): ScenarioEvent => ({ kind: "start" }),
  stop: (): ScenarioEvent => ({ kind: "stop" }),
  remove: (): ScenarioEvent => ({ kind: "remove" }),
  configChanged: (): ScenarioEvent => ({ kind: "config-changed" }),
  upgradeCharm: (): ScenarioEvent => ({ kind: "upgrade-charm" }),
  updateStatus: (): ScenarioEvent => ({ kind: "update-status" }),
  leaderElected: (): ScenarioEvent => ({ kind: "leader-elected" }),
  leaderSettingsChanged: (): ScenarioEvent => ({ kind: "leader-settings-changed" }),
  relationCreated: (relation: RelationRefLike): ScenarioEvent => ({ kind: "relation-created", relationId: relation.id }),
  relationJoined: (relation: RelationRefLike, options: { remoteUnit: number | string }): ScenarioEvent => ({
    kind: "relation-joined",
    relationId: relation.id,
    remoteUnit: options.remoteUnit,
  }),
  /** Without `remoteUnit`: the remote application's bag changed (`JUJU_REMOTE_UNIT=""`). */
  relationChanged: (relation: RelationRefLike, options: UnitOptions = {}): ScenarioEvent => ({
    kind: "relation-changed",
    relationId: relation.id,
    ...(options.remoteUnit !== undefined ? { remoteUnit: options.remoteUnit } : {}),
  }),
  relationDeparted: (
    relation: RelationRefLike,
    options: { remoteUnit: number | string; departingUnit?: number | string },
  ): ScenarioEvent => ({
    kind: "relation-departed",
    relationId: relation.id,
    remoteUnit: options.remoteUnit,
    ...(options.departingUnit !== undefined ? { departingUnit: options.departingUnit } : {}),
  }),
  relationBroken: (relation: RelationRefLike): ScenarioEvent => ({ kind: "relation-broken", relationId: relation.id }),
  pebbleReady: (container: string): ScenarioEvent => ({ kind: "pebble-ready", container }),
  pebbleCheckFailed: (container: string, check: string): ScenarioEvent => ({ kind: "pebble-check-failed", container, check }),
  pebbleCheckRecovered: (container: string, check: string): ScenarioEvent => ({
    kind: "pebble-check-recovered",
    container,
    check,
  }),
  storageAttached: (name: string, index = 0): ScenarioEvent => ({ kind: "storage-attached", storage: { name, index } }),
  storageDetaching: (name: string, index = 0): ScenarioEvent => ({ kind: "storage-detaching", storage: { name, index } }),
  secretChanged: (secretId: string): ScenarioEvent => ({ kind: "secret-changed", secretId }),
  secretRotate: (secretId: string): ScenarioEvent => ({ kind: "secret-rotate", secretId }),
  secretRemove: (secretId: string, revision: number): ScenarioEvent => ({ kind: "secret-remove", secretId, revision }),
  secretExpired: (secretId: string, revision: number): ScenarioEvent => ({ kind: "secret-expired", secretId, revision }),
  /** `juju run <unit> <name> key=value…`. */
  action: (name: string, params: Readonly<Record<string, unknown>> = {}): ScenarioEvent => ({ kind: "action", name, params }),
} as const;

/** The other side's application as this unit sees it (its own application for peers). */
export function remoteAppOf(relation: RelationState, appName: string): string {
  return relation.kind === "peer" ? appName : relation.remoteApp;
}

/** A unit number or name, as a full unit name of the relation's remote application. */
export function remoteUnitName(relation: RelationState, appName: string, unit: number | string): string {
  return typeof unit === "number" ? `${remoteAppOf(relation, appName)}/${unit}` : unit;
}

/** The JujuEvent for a ScenarioEvent; assumes the consistency checks passed. */
export function toJujuEvent(event: ScenarioEvent, state: State, appName: string): JujuEvent {
  switch (event.kind) {
    case "relation-created":
    case "relation-joined":
    case "relation-changed":
    case "relation-departed":
    case "relation-broken": {
      const relation = state.relations.find((candidate) => candidate.id === event.relationId)!;
      const remoteUnit =
        event.remoteUnit !== undefined ? remoteUnitName(relation, appName, event.remoteUnit) : undefined;
      const departingUnit =
        event.kind === "relation-departed"
          ? event.departingUnit !== undefined
            ? remoteUnitName(relation, appName, event.departingUnit)
            : remoteUnit
          : undefined;
      return {
        kind: event.kind,
        relation: { endpoint: relation.endpoint, id: relation.id },
        remoteApp: remoteAppOf(relation, appName),
        ...(remoteUnit ? { remoteUnit } : {}),
        ...(departingUnit ? { departingUnit } : {}),
      };
    }
    case "secret-changed":
    case "secret-rotate":
    case "secret-remove":
    case "secret-expired": {
      const secret = state.secrets.find((candidate) => candidate.id === event.secretId);
      return {
        kind: event.kind,
        secret: {
          id: event.secretId,
          ...(secret?.label ? { label: secret.label } : {}),
          ...(event.revision !== undefined ? { revision: event.revision } : {}),
        },
      };
    }
    case "action":
      // Juju numbers actions per model; one per run is all a scenario needs.
      return { kind: "action", action: { name: event.name, uuid: "1" } };
    default:
      return event;
  }
}
