/**
 * The events Juju can dispatch to a charm, as one discriminated union.
 *
 * A charm's `reconcile` should not branch much on these (the event only says "something changed"),
 * but the few facts an event carries — which relation, which unit left, which check failed — are
 * typed here so nothing re-parses environment strings. Hook names and env variables are in
 * juju-hook-tools.md §1.3.
 */
import type { RelationRef } from "./backend.js";

export const LIFECYCLE_HOOKS = [
  "install",
  "start",
  "stop",
  "remove",
  "config-changed",
  "upgrade-charm",
  "update-status",
  "leader-elected",
  "leader-settings-changed",
  "pre-series-upgrade",
  "post-series-upgrade",
  "collect-metrics",
] as const;
export type LifecycleHook = (typeof LIFECYCLE_HOOKS)[number];

export const RELATION_HOOK_KINDS = ["created", "joined", "changed", "departed", "broken"] as const;
export type RelationHookKind = (typeof RELATION_HOOK_KINDS)[number];

export const SECRET_HOOKS = ["secret-changed", "secret-rotate", "secret-remove", "secret-expired"] as const;
export type SecretHook = (typeof SECRET_HOOKS)[number];

export interface LifecycleEvent {
  readonly kind: LifecycleHook;
}

export interface RelationEvent {
  readonly kind: `relation-${RelationHookKind}`;
  readonly relation: RelationRef;
  readonly remoteApp: string;
  /** Absent for created, broken and app-data-only changed hooks (Juju sets it to ""). */
  readonly remoteUnit?: string;
  /** Departed only: the unit leaving; the local unit itself when this unit is the one going away. */
  readonly departingUnit?: string;
}

export interface PebbleReadyEvent {
  readonly kind: "pebble-ready";
  readonly container: string;
}

export interface PebbleCheckEvent {
  readonly kind: "pebble-check-failed" | "pebble-check-recovered";
  readonly container: string;
  readonly check: string;
}

export interface PebbleCustomNoticeEvent {
  readonly kind: "pebble-custom-notice";
  readonly container: string;
  readonly notice: { readonly id: string; readonly type: string; readonly key: string };
}

export interface StorageEvent {
  readonly kind: "storage-attached" | "storage-detaching";
  readonly storage: { readonly name: string; readonly index: number; readonly location?: string };
}

export interface SecretEvent {
  readonly kind: SecretHook;
  readonly secret: { readonly id: string; readonly label?: string; readonly revision?: number };
}

export interface ActionEvent {
  readonly kind: "action";
  readonly action: { readonly name: string; readonly uuid: string };
}

export type JujuEvent =
  | LifecycleEvent
  | RelationEvent
  | PebbleReadyEvent
  | PebbleCheckEvent
  | PebbleCustomNoticeEvent
  | StorageEvent
  | SecretEvent
  | ActionEvent;

export function isRelationEvent(event: JujuEvent): event is RelationEvent {
  return event.kind.startsWith("relation-");
}

/** The hook name Juju uses for this event (`JUJU_HOOK_NAME`); empty for actions, as in Juju. */
export function hookName(event: JujuEvent): string {
  switch (event.kind) {
    case "relation-created":
    case "relation-joined":
    case "relation-changed":
    case "relation-departed":
    case "relation-broken":
      return `${event.relation.endpoint}-${event.kind}`;
    case "pebble-ready":
    case "pebble-check-failed":
    case "pebble-check-recovered":
    case "pebble-custom-notice":
      return `${event.container}-${event.kind}`;
    case "storage-attached":
    case "storage-detaching":
      return `${event.storage.name}-${event.kind}`;
    case "action":
      return "";
    default:
      return event.kind;
  }
}

/** `JUJU_DISPATCH_PATH` for this event: `hooks/<hook>` or `actions/<action>`. */
export function dispatchPath(event: JujuEvent): string {
  return event.kind === "action" ? `actions/${event.action.name}` : `hooks/${hookName(event)}`;
}
