/**
 * The minimal edit that turns a databag into the desired one.
 *
 * Juju fires `relation-changed` on every write that changes bytes, so only differing keys are set;
 * and keys this side does not own (Juju's `ingress-address`, another library's keys) are never
 * touched — unlike the Python charms, which clear the whole bag on every write (python-reference §1.1).
 */
import type { Databag } from "./databag-codec.js";

export interface DatabagChanges {
  /** Keys to write, sorted. */
  readonly set: Readonly<Record<string, string>>;
  /** Owned keys to delete (Juju deletes a key set to ""), sorted. */
  readonly delete: readonly string[];
}

export function databagChanges(current: Databag, desired: Databag, ownedKeys: readonly string[]): DatabagChanges {
  const set: Record<string, string> = {};
  for (const key of Object.keys(desired).sort()) {
    const value = desired[key];
    if (value !== undefined && current[key] !== value) set[key] = value;
  }
  const toDelete = ownedKeys
    .filter((key) => Object.prototype.hasOwnProperty.call(current, key) && !Object.prototype.hasOwnProperty.call(desired, key))
    .sort();
  return { set, delete: [...new Set(toDelete)] };
}

export function hasChanges(changes: DatabagChanges): boolean {
  return Object.keys(changes.set).length > 0 || changes.delete.length > 0;
}
