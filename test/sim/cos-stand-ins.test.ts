/**
 * `demo --with cos`: a simulated cluster related to stand-ins for Prometheus, Grafana, Loki and a
 * blackbox exporter, run to convergence with the real charms; each stand-in shows what it received.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { dashboardTitles } from "../../src/sim/charms/grafana.js";
import { probeTargets } from "../../src/sim/charms/blackbox-exporter.js";
import { readScrapeOffer } from "../../src/sim/charms/prometheus-scrape.js";
import { modelStatus } from "../../src/sim/model-status.js";
import type { Simulator } from "../../src/sim/simulator.js";
import {
  BLACKBOX_APP,
  COORDINATOR_APP,
  GRAFANA_APP,
  LOKI_APP,
  PROMETHEUS_SCRAPE_APP,
  RECOMMENDED_SHAPE,
  buildTempoModel,
} from "../../src/sim/tempo-cluster.js";

let sim: Simulator;
beforeAll(async () => {
  const built = buildTempoModel(RECOMMENDED_SHAPE, { integrations: ["cos"] });
  if (built.kind !== "done") throw new Error(built.reason);
  sim = built.value;
  await sim.run();
}, 120_000);

const offeredTo = (app: string) => sim.relationBetween(COORDINATOR_APP, app)?.appData.get(COORDINATOR_APP) ?? {};
const statusOf = (app: string) => modelStatus(sim).apps.find((row) => row.app === app);

describe("a cluster related to COS stand-ins", () => {
  it("gives Prometheus a job per worker unit and coordinator unit, and an alert group per worker application", () => {
    const offer = readScrapeOffer(offeredTo(PROMETHEUS_SCRAPE_APP));
    expect(offer.jobs).toBe(8 + 1);
    expect(offer.alertGroups).toHaveLength(RECOMMENDED_SHAPE.length);
    expect(statusOf(PROMETHEUS_SCRAPE_APP)?.message).toBe(`9 scrape jobs, ${offer.alertRules} alert rules in 6 groups`);
  });

  it("gives Grafana our three dashboards, readable by title", () => {
    expect(dashboardTitles(offeredTo(GRAFANA_APP))).toEqual(["Tempo / Cluster overview", "Tempo / Reads", "Tempo / Writes"]);
    expect(statusOf(GRAFANA_APP)?.message).toContain("Tempo / Writes");
  });

  it("gives the blackbox exporter the front door's /ready", () => {
    expect(probeTargets(offeredTo(BLACKBOX_APP))).toEqual(["http_2xx http://tempo.tempo-sim.svc.cluster.local:3200/ready"]);
  });

  it("gives Loki a log alert group per worker application", () => {
    expect(statusOf(LOKI_APP)?.message).toBe(`${RECOMMENDED_SHAPE.length} log alert rule groups`);
  });
});
