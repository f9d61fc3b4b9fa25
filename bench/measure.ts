/**
 * What the benchmarks share: the median of a set of timings, a function timed that way, and the
 * cluster shapes the renderers are measured on.
 */
import type { ClusterView, WorkerApplication } from "../src/interface/cluster-view.js";
import type { Role } from "../src/interface/roles.js";

/** The middle value; with an even count, the mean of the two middle ones. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** `work` run `runs` times in a row; the median wall time of one run, in ms. */
export function medianMs(runs: number, work: () => unknown): number {
  const timings: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    work();
    timings.push(performance.now() - start);
  }
  return median(timings);
}

/** `unitCount` units dealt round-robin over one application per role, each with its pod FQDN as address. */
export function clusterWithUnits(unitCount: number, roles: readonly Role[]): ClusterView {
  const applications: WorkerApplication[] = roles
    .map((role, appIndex) => {
      const application = `tempo-${role}`;
      const count = Math.floor(unitCount / roles.length) + (appIndex < unitCount % roles.length ? 1 : 0);
      const units = Array.from({ length: count }, (_, index) => ({
        name: `${application}/${index}`,
        address: `${application}-${index}.${application}-endpoints.cos.svc.cluster.local`,
        topology: { application, unit: `${application}/${index}`, charm_name: "tempo-worker-k8s" },
      }));
      return { relationId: appIndex + 1, application, role, units };
    })
    .filter((app) => app.units.length > 0);
  return { applications, rejected: [] };
}
