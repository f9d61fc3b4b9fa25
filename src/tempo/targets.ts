/**
 * Which Tempo `-target` a worker runs for its tempo_cluster role.
 *
 * `all` maps to `scalable-single-binary`, not Tempo's `all`: `-target=all` forces the ingester and
 * generator rings to `inmemory` and RF 1 (§1 of reference/tempo-distributed.md), so an `all` unit
 * could never join a ring with other workers; `scalable-single-binary` runs every component and keeps
 * the rings as configured (v2.7.1 targets.json notes; the Python worker does the same,
 * python-reference §7.8). Every other role is a Tempo target of the same name in 2.x.
 */
import type { Role } from "../interface/roles.js";

export function tempoTargetForRole(role: Role): string {
  return role === "all" ? "scalable-single-binary" : role;
}
