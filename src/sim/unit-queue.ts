/**
 * One unit's pending hooks, in the order the unit will run them.
 *
 * Juju keeps no literal queue — the uniter's resolver recomputes the next hook from state — but
 * the effect it has on a busy unit is what this models: several committed changes to the same
 * remote bag while the unit is busy give one `relation-changed`, because only the latest version
 * is compared (juju-hook-tools.md §3.5). So a pending event that only says "look again" is never
 * queued twice; the one already pending reads the newest data when it runs. This also keeps a
 * simulation linear: a coordinator that publishes a thousand times while its workers wait gives
 * each worker one hook, not a thousand.
 */
import type { JujuEvent } from "../juju/events.js";

/**
 * The key under which an event coalesces with an identical pending one, or undefined for events
 * that must each run (joined, departed, broken, install, …).
 */
export function coalescingKey(event: JujuEvent): string | undefined {
  switch (event.kind) {
    case "relation-changed":
      return relationChangedKey(event.relation.id, event.remoteApp, event.remoteUnit);
    case "config-changed":
    case "leader-settings-changed":
    case "update-status":
      return event.kind;
    default:
      return undefined;
  }
}

/** The coalescing key of a relation-changed about `remoteUnit` (or the remote app's bag when undefined). */
export function relationChangedKey(relationId: number, remoteApp: string, remoteUnit: string | undefined): string {
  return `relation-changed ${relationId} ${remoteApp} ${remoteUnit ?? ""}`;
}

export class UnitQueue {
  private events: JujuEvent[] = [];
  private readonly pendingKeys = new Set<string>();

  get size(): number {
    return this.events.length;
  }

  get isEmpty(): boolean {
    return this.events.length === 0;
  }

  /** Whether an event with this coalescing key is pending (lets a caller skip building the event). */
  hasPending(key: string): boolean {
    return this.pendingKeys.has(key);
  }

  /** Queue `event`; false when an identical "look again" event was already pending (coalesced). */
  push(event: JujuEvent): boolean {
    const key = coalescingKey(event);
    if (key !== undefined) {
      if (this.pendingKeys.has(key)) return false;
      this.pendingKeys.add(key);
    }
    this.events.push(event);
    return true;
  }

  /**
   * Queue a non-coalescing `event` ahead of the first pending event that `isLater` accepts (or at
   * the end): Juju runs relation-created before a unit's leadership and config hooks (§3.4).
   */
  insertBefore(event: JujuEvent, isLater: (pending: JujuEvent) => boolean): void {
    const index = this.events.findIndex(isLater);
    if (index < 0) this.events.push(event);
    else this.events.splice(index, 0, event);
  }

  /** The event that runs next; it stays queued until `completeHead` (a failed hook is retried). */
  peek(): JujuEvent | undefined {
    return this.events[0];
  }

  /**
   * The head event's hook succeeded: drop it. Until then an identical event coalesces into it,
   * which is right because hooks run one at a time: nothing else commits while it runs, so the
   * head (or its retry) always reads the newest data.
   */
  completeHead(): void {
    const head = this.events.shift();
    const key = head ? coalescingKey(head) : undefined;
    if (key !== undefined) this.pendingKeys.delete(key);
  }

  /** Drop pending events (a relation or unit is going away), returning how many. Only called between hooks. */
  drop(shouldDrop: (event: JujuEvent) => boolean): number {
    const before = this.events.length;
    this.events = this.events.filter((event) => !shouldDrop(event));
    this.pendingKeys.clear();
    for (const event of this.events) {
      const key = coalescingKey(event);
      if (key !== undefined) this.pendingKeys.add(key);
    }
    return before - this.events.length;
  }

  /** Pending events, head first (for inspection). */
  pending(): readonly JujuEvent[] {
    return this.events;
  }
}
