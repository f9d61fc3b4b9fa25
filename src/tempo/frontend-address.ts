/**
 * `querier.frontend_worker.frontend_address`: one `host:port` on the query-frontends' gRPC port.
 *
 * Tempo's querier re-resolves that host and connects to every A record it gets
 * (`modules/querier/worker/worker.go`), so the best host is one that resolves to every frontend.
 * On Kubernetes, Juju gives each application a headless service `<app>-endpoints`, and a unit's
 * address is its pod FQDN `<pod>.<app>-endpoints.<model>.svc.<domain>`: the service name is that
 * FQDN without its first label. Anything else (an IP address, a machine hostname) is used as is.
 * The Python coordinator strips the first label unconditionally, which turns `192.0.2.1` into
 * `0.2.1:9096` (python-reference §6.4); this module never rewrites an address it does not recognise.
 *
 * Limitation: outside Kubernetes there is no name for "every frontend", so with several frontend
 * units addressed by IP or hostname the queriers attach to the first one only, and queries sent to
 * the other frontends wait for a querier. A DNS name covering every frontend would lift that.
 */
import type { ClusterView, WorkerApplication, WorkerUnit } from "../interface/cluster-view.js";
import { joinHostPort } from "./host-port.js";
import { GRPC_PORT } from "../interface/ports.js";

/** The headless service of `application`, if `address` is one of its pods' FQDNs in `model`. */
export function headlessServiceOf(address: string, application: string, model: string): string | null {
  const labels = address.split(".");
  const [pod, service, namespace, svc, ...domain] = labels;
  const isPodFqdn =
    pod !== undefined &&
    pod.length > 0 &&
    service === `${application}-endpoints` &&
    namespace === model &&
    svc === "svc" &&
    domain.length > 0 &&
    domain.every((label) => label.length > 0);
  return isPodFqdn ? labels.slice(1).join(".") : null;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Dedicated query-frontend applications first (a querier should not pull work from an `all` node
 * when real frontends exist), then `all`; then application and unit name, so the choice never
 * depends on relation or event order.
 */
function preferenceRank(app: WorkerApplication): number {
  return app.role === "query-frontend" ? 0 : 1;
}

/** The frontend address, or null when the cluster has no query-frontend (nor `all`) unit. */
export function queryFrontendAddress(cluster: ClusterView, model: string): string | null {
  const candidates: { app: WorkerApplication; unit: WorkerUnit }[] = cluster.applications
    .filter((app) => app.role === "query-frontend" || app.role === "all")
    .flatMap((app) => app.units.map((unit) => ({ app, unit })))
    .sort(
      (a, b) =>
        preferenceRank(a.app) - preferenceRank(b.app) ||
        compareText(a.app.application, b.app.application) ||
        compareText(a.unit.name, b.unit.name),
    );
  const first = candidates[0];
  if (first === undefined) return null;
  const service = headlessServiceOf(first.unit.address, first.app.application, model);
  return joinHostPort(service ?? first.unit.address, GRPC_PORT);
}
