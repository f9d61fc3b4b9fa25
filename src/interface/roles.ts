/**
 * The Tempo roles of tempo_cluster/v1 and the rules that follow from them.
 *
 * `all` is a meta-role: one process running every component (Tempo's `scalable-single-binary`
 * target). Roles are wire vocabulary, so they live with the interface; the Tempo builder imports them.
 */

export const ROLES = [
  "all",
  "querier",
  "query-frontend",
  "ingester",
  "distributor",
  "compactor",
  "metrics-generator",
] as const;
export type Role = (typeof ROLES)[number];

/** Roles a working cluster must cover (spec §3); `metrics-generator` is optional. */
export const REQUIRED_ROLES = ["querier", "query-frontend", "ingester", "distributor", "compactor"] as const;
export type RequiredRole = (typeof REQUIRED_ROLES)[number];

/** Every concrete component, i.e. what `all` expands to. */
export const COMPONENT_ROLES = ROLES.filter((role) => role !== "all") as Exclude<Role, "all">[];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
