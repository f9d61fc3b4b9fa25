/**
 * What follows from a worker's role: the components it runs, Tempo's `-target`, whether a set of
 * workers makes a complete cluster, and which ports the worker must open (spec §3).
 */
import { GRPC_PORT, HTTP_PORT, MEMBERLIST_PORT } from "./ports.js";
import { COMPONENT_ROLES, REQUIRED_ROLES, type RequiredRole, type Role } from "./roles.js";

export type ComponentRole = Exclude<Role, "all">;

/** `all` runs every component (not itself); any other role runs just itself. */
export function expandRole(role: Role): ComponentRole[] {
  return role === "all" ? [...COMPONENT_ROLES] : [role];
}

/** The value of Tempo's `-target` flag for a role: `all` is Tempo's `scalable-single-binary`. */
export function tempoTarget(role: Role): string {
  return role === "all" ? "scalable-single-binary" : role;
}

/**
 * The required roles (querier, query-frontend, ingester, distributor, compactor) that no covered
 * role provides, sorted alphabetically. `all` covers every role. Empty means the cluster is complete.
 */
export function missingRoles(coveredRoles: Iterable<Role>): RequiredRole[] {
  const covered = new Set<Role>();
  for (const role of coveredRoles) for (const component of expandRole(role)) covered.add(component);
  return REQUIRED_ROLES.filter((role) => !covered.has(role)).sort();
}

/**
 * The ports a worker of this role must open: HTTP and memberlist always; the enabled receiver ports
 * where traces are ingested (`all`, `distributor`); gRPC where queriers connect (`all`,
 * `query-frontend`). Sorted and unique, so the published `worker_ports` bytes are stable.
 */
export function workerPorts(role: Role, enabledReceiverPorts: Iterable<number>): number[] {
  const ports = new Set<number>([HTTP_PORT, MEMBERLIST_PORT]);
  if (role === "all" || role === "distributor") for (const port of enabledReceiverPorts) ports.add(port);
  if (role === "all" || role === "query-frontend") ports.add(GRPC_PORT);
  return [...ports].sort((a, b) => a - b);
}
