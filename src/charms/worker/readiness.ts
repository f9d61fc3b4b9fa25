/**
 * Is Tempo ready? Judged from Pebble's `ready` check, never from the service state alone, and
 * never from the check's `status` alone.
 *
 * Pebble's checkstate reports a check `up` whenever it has fewer consecutive failures than its
 * threshold: a check is `up` with `successes: 0` from the moment it starts until its first probe
 * a period later (manager.go updateCheckData), and a check that passed before a restart of the
 * service it probes stays `up` (with its old successes) until enough probes of the restarted
 * Tempo have failed. Tempo 2.7 answers 503 on /ready for about 70 s after a start (the
 * compactor waits a minute for its ring), so `up` right after a restart proves nothing.
 *
 * "Ready" therefore means: the check is `up` and has passed at least once since this charm last
 * (re)started Tempo. The charm records the check as it was right after that start (the baseline,
 * READY_BASELINE_PATH); a later success is either a higher `successes` in the same perform-check
 * change, or a new change (a recovery starts one with successes 1; a changed check config one
 * counting from 0), whose successes then all come after the start.
 *
 * Pure: the Pebble calls are in workload-sync.ts.
 */
import * as z from "zod";
import type { CheckInfo } from "../../juju/pebble.js";

export interface ReadyBaseline {
  readonly changeId?: string | undefined;
  readonly successes: number;
}

export type Readiness =
  /** The check passed since Tempo started and is up. */
  | { readonly kind: "ready" }
  /** Tempo has not answered /ready with 200 since it started (it is still joining its ring). */
  | { readonly kind: "starting"; readonly failures: number }
  /** It was ready since the start, and now fails as often as the threshold. */
  | { readonly kind: "not-ready"; readonly failures: number }
  /** Pebble has no `ready` check (a plan written by something else). */
  | { readonly kind: "unknown" };

export function judgeReadiness(check: CheckInfo | undefined, baseline: ReadyBaseline | undefined): Readiness {
  if (check === undefined) return { kind: "unknown" };
  const since = baseline ?? { successes: 0 };
  if (check.status === "down") {
    // A recover-check change carries the successes of the perform-check it replaced, so only a
    // count beyond the baseline says Tempo had been ready since it started.
    return check.successes > since.successes ? { kind: "not-ready", failures: check.failures } : { kind: "starting", failures: check.failures };
  }
  const isNewRun = check.changeId !== undefined && since.changeId !== undefined && check.changeId !== since.changeId;
  const hasPassed = isNewRun ? check.successes > 0 : check.successes > since.successes;
  return hasPassed ? { kind: "ready" } : { kind: "starting", failures: check.failures };
}

const BaselineWire = z.object({ "change-id": z.string().optional(), successes: z.number().int().nonnegative() });

/** The baseline file's text for `check` (stable bytes: same check, same text). */
export function baselineText(check: CheckInfo | undefined): string {
  return JSON.stringify({ ...(check?.changeId ? { "change-id": check.changeId } : {}), successes: check?.successes ?? 0 }) + "\n";
}

/** The baseline from the file's text; undefined when absent or unreadable (then any success counts). */
export function parseBaseline(text: string | undefined): ReadyBaseline | undefined {
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = BaselineWire.safeParse(json);
  return parsed.success ? { changeId: parsed.data["change-id"], successes: parsed.data.successes } : undefined;
}
