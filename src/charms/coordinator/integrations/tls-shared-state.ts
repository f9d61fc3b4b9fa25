/**
 * The certificates state as the leader sees it, shared with the other coordinator units through the
 * peer relation's application bag: every unit may read that bag, only the leader writes it (Juju's
 * rules, juju-hook-tools.md §3.1). A non-leader cannot read the certificates relation's application
 * bag, which holds our request, so without this its status would never mention TLS at all.
 *
 * The state names the certificates relation it is about: relation ids are never reused, so a state
 * left from an earlier relation (the leader does not clean up after a removal, to save a read every
 * hook) is simply ignored until the leader has run for the current one.
 */
import * as z from "zod";
import type { Parsed } from "../../../interface/parsed.js";
import type { Problem } from "../status.js";

export const TLS_STATE_KEY = "tls-state";

const SharedTlsState = z.object({
  relationId: z.number().int(),
  status: z.enum(["active", "waiting", "blocked", "maintenance", "note"]),
  message: z.string(),
});
export type SharedTlsState = z.output<typeof SharedTlsState>;

/** What the leader shares: its certificates problem, or that TLS is on. */
export function sharedTlsState(relationId: number, problem: Problem | undefined): SharedTlsState {
  return problem
    ? { relationId, status: problem.severity, message: problem.message }
    : { relationId, status: "active", message: "TLS on" };
}

/** Fixed key order, so an unchanged state is byte-for-byte the same and never rewritten. */
export function encodeSharedTlsState(state: SharedTlsState): string {
  return JSON.stringify({ relationId: state.relationId, status: state.status, message: state.message });
}

export function decodeSharedTlsState(raw: string | undefined): Parsed<SharedTlsState> {
  if (raw === undefined || raw === "") return { kind: "absent" };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { kind: "invalid", reasons: [`${TLS_STATE_KEY} is not JSON`] };
  }
  const checked = SharedTlsState.safeParse(json);
  return checked.success
    ? { kind: "valid", data: checked.data }
    : { kind: "invalid", reasons: checked.error.issues.map((issue) => `${TLS_STATE_KEY}: ${issue.message}`) };
}

/**
 * What a non-leader shows for the current certificates relation: the leader's problem, said to be
 * the leader's; nothing when TLS is on or when the leader has not shared a state for this relation.
 */
export function problemSharedByLeader(raw: string | undefined, relationId: number): Problem | undefined {
  const decoded = decodeSharedTlsState(raw);
  if (decoded.kind !== "valid" || decoded.data.relationId !== relationId || decoded.data.status === "active") return undefined;
  return { severity: decoded.data.status, message: `${decoded.data.message} (per the leader)` };
}
