/**
 * Relation databags as the charm sees them: remote bags are read-only snapshots; the local unit
 * and application bags buffer writes and send them at the end of the hook as one `relation-set`
 * carrying only the keys whose bytes changed (juju-hook-tools.md §2.4, §4.3).
 */
import type { Databag } from "./backend.js";

export interface ReadableBag {
  get(key: string): string | undefined;
  /** The whole bag, pending writes of this hook included. */
  entries(): Readonly<Record<string, string>>;
}

export interface WritableBag extends ReadableBag {
  /** Set a key; an empty string deletes it, as in Juju. */
  set(key: string, value: string): void;
  delete(key: string): void;
  /** Set several keys at once; `undefined` or "" deletes. */
  update(changes: Readonly<Record<string, string | undefined>>): void;
}

/**
 * The keys to send so that `current` becomes `current` overlaid with `pending`, where a pending ""
 * means delete. Keys whose value would not change are left out, so a no-op write sends nothing.
 */
export function changedKeys(current: Readonly<Databag>, pending: Readonly<Databag>): Databag {
  const changes: Databag = {};
  for (const key of Object.keys(pending).sort()) {
    const wanted = pending[key]!;
    const existing = current[key];
    if (wanted === "" ? existing !== undefined : existing !== wanted) changes[key] = wanted;
  }
  return changes;
}

/** `current` with `changes` applied (empty value = delete), keys sorted. */
export function applyChanges(current: Readonly<Databag>, changes: Readonly<Databag>): Databag {
  const merged: Databag = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === "") delete merged[key];
    else merged[key] = value;
  }
  return sortedBag(merged);
}

export function sortedBag(bag: Readonly<Databag>): Databag {
  const sorted: Databag = {};
  for (const key of Object.keys(bag).sort()) sorted[key] = bag[key]!;
  return sorted;
}

/**
 * A local bag with buffered writes. `load` reads the committed bag (one `relation-get`) the first
 * time anything needs it; `checkWrite` enforces who may write before anything is buffered.
 */
export class BufferedBag implements WritableBag {
  private loaded: Databag | undefined;
  private readonly pending: Databag = {};

  constructor(
    private readonly load: () => Databag,
    private readonly checkRead: () => void,
    private readonly checkWrite: () => void,
  ) {}

  get(key: string): string | undefined {
    return this.entries()[key];
  }

  entries(): Readonly<Record<string, string>> {
    this.checkRead();
    return Object.freeze(applyChanges(this.current(), this.pending));
  }

  set(key: string, value: string): void {
    this.update({ [key]: value });
  }

  delete(key: string): void {
    this.update({ [key]: "" });
  }

  update(changes: Readonly<Record<string, string | undefined>>): void {
    this.checkWrite();
    for (const [key, value] of Object.entries(changes)) {
      if (typeof value !== "string" && value !== undefined) {
        throw new TypeError(`databag values must be strings; "${key}" is ${typeof value}`);
      }
      this.pending[key] = value ?? "";
    }
  }

  /** The single `relation-set` payload this bag needs, or undefined when nothing changed. */
  pendingChanges(): Databag | undefined {
    if (Object.keys(this.pending).length === 0) return undefined;
    const changes = changedKeys(this.current(), this.pending);
    return Object.keys(changes).length > 0 ? changes : undefined;
  }

  /** After a successful `relation-set`: the changes are now the committed view of this hook. */
  markWritten(): void {
    this.loaded = applyChanges(this.current(), this.pending);
    for (const key of Object.keys(this.pending)) delete this.pending[key];
  }

  private current(): Databag {
    this.loaded ??= this.load();
    return this.loaded;
  }
}
