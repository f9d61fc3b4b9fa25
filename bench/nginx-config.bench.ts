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
import type { ClusterView } from "../src/interface/cluster-view.js";
import type { Role } from "../src/interface/roles.js";
import { clusterWithUnits, medianMs } from "./measure.js";
import { RECEIVER_PROTOCOLS } from "../src/interface/ports.js";

const UNIT_COUNTS = [10, 100, 1_000, 10_000] as const;
const ROLES_IN_BENCH: readonly Role[] = ["all", "compactor", "distributor", "ingester", "querier", "query-frontend"];


export async function benchNginxConfig(): Promise<void> {
  const render = (cluster: ClusterView) =>
    renderNginxConfig({ routes: frontDoorRoutes(cluster, RECEIVER_PROTOCOLS), resolver: "10.152.183.10", tls: { serverName: "tempo.cos.svc.cluster.local" } });
  const warmUp = clusterWithUnits(1_000, ROLES_IN_BENCH);
  for (let run = 0; run < 20; run++) render(warmUp);
  console.log("front door nginx.conf: routes + render vs JSON.stringify(routes) baseline (median ms)");
  console.log(["units", "routes+render", "conf bytes", "JSON.stringify", "json bytes"].map((h) => h.padStart(16)).join(""));
  for (const unitCount of UNIT_COUNTS) {
    const cluster = clusterWithUnits(unitCount, ROLES_IN_BENCH);
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
