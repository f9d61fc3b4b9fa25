/**
 * The front door's nginx.conf for 10 … 10,000 worker units: routes + render time and size, beside
 * a plain `JSON.stringify` of the same routes as the baseline measured in the same run.
 *
 *   npx tsx bench/nginx-config.bench.ts
 *
 * Every coordinator hook renders it (the push happens only when the bytes differ), so it must stay
 * far below a hook's own cost (a hook command is ~1 ms under Juju) even for large clusters.
 */
import { pathToFileURL } from "node:url";
import { renderNginxConfig } from "../src/charms/coordinator/nginx/nginx-config.js";
import { frontDoorRoutes } from "../src/charms/coordinator/nginx/routes.js";
import type { ClusterView, WorkerApplication } from "../src/interface/cluster-view.js";
import { RECEIVER_PROTOCOLS } from "../src/interface/ports.js";

const UNIT_COUNTS = [10, 100, 1_000, 10_000] as const;
const ROLES_IN_BENCH = ["all", "compactor", "distributor", "ingester", "querier", "query-frontend"] as const;

/** `unitCount` units dealt round-robin over six applications, pod FQDN addresses. */
function clusterWithUnits(unitCount: number): ClusterView {
  const applications: WorkerApplication[] = ROLES_IN_BENCH.map((role, appIndex) => {
    const application = `tempo-${role}`;
    const count = Math.floor(unitCount / ROLES_IN_BENCH.length) + (appIndex < unitCount % ROLES_IN_BENCH.length ? 1 : 0);
    const units = Array.from({ length: count }, (_, index) => ({
      name: `${application}/${index}`,
      address: `${application}-${index}.${application}-endpoints.cos.svc.cluster.local`,
      topology: { application, unit: `${application}/${index}`, charm_name: "tempo-worker-k8s" },
    }));
    return { relationId: appIndex + 1, application, role, units };
  }).filter((app) => app.units.length > 0);
  return { applications, rejected: [] };
}

function medianMs(runs: number, work: () => unknown): number {
  const timings: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    work();
    timings.push(performance.now() - start);
  }
  timings.sort((a, b) => a - b);
  return timings[Math.floor(timings.length / 2)] ?? 0;
}

export async function benchNginxConfig(): Promise<void> {
  const render = (cluster: ClusterView) =>
    renderNginxConfig({ routes: frontDoorRoutes(cluster, RECEIVER_PROTOCOLS), resolver: "10.152.183.10", tls: { serverName: "tempo.cos.svc.cluster.local" } });
  const warmUp = clusterWithUnits(1_000);
  for (let run = 0; run < 20; run++) render(warmUp);
  console.log("front door nginx.conf: routes + render vs JSON.stringify(routes) baseline (median ms)");
  console.log(["units", "routes+render", "conf bytes", "JSON.stringify", "json bytes"].map((h) => h.padStart(16)).join(""));
  for (const unitCount of UNIT_COUNTS) {
    const cluster = clusterWithUnits(unitCount);
    const routes = frontDoorRoutes(cluster, RECEIVER_PROTOCOLS);
    const runs = unitCount >= 10_000 ? 15 : 30;
    const renderMs = medianMs(runs, () => render(cluster));
    const jsonMs = medianMs(runs, () => JSON.stringify(routes));
    console.log(
      [unitCount, renderMs.toFixed(2), Buffer.byteLength(render(cluster)), jsonMs.toFixed(3), Buffer.byteLength(JSON.stringify(routes))]
        .map((cell) => String(cell).padStart(16))
        .join(""),
    );
  }
}

const isRunDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isRunDirectly) await benchNginxConfig();
