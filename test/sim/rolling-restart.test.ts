import { describe, expect, it } from "vitest";
import type { Simulator } from "../../src/sim/simulator.js";
import { buildTempoModel, parseWorkerShape } from "../../src/sim/tempo-cluster.js";
import { configOf, workerUnits } from "../../src/sim/tempo-report.js";
import { overlaps, runRecordingOutages } from "./rollout-outages.js";

const SHAPE = parseWorkerShape("query-frontend=1,querier=2,ingester=3,distributor=2,compactor=1");

async function convergedCluster(): Promise<Simulator> {
  if (SHAPE.kind !== "valid") throw new Error(SHAPE.reasons.join("; "));
  const built = buildTempoModel(SHAPE.shape);
  if (built.kind !== "done") throw new Error(built.reason);
  expect(await built.value.run()).toMatchObject({ kind: "quiet" });
  return built.value;
}

describe("a rollout of a coordinator option that needs Tempo restarted", () => {
  it("never has two units of one worker application restarting or not ready at the same time", async () => {
    const sim = await convergedCluster();
    expect(sim.configure("tempo", { "retention-period": "48" }).kind).toBe("done");

    const outages = await runRecordingOutages(sim);

    expect(outages.filter((outage) => outage.app === "tempo-ingester")).toHaveLength(3);
    expect(overlaps(outages)).toEqual([]);
  });

  it("restarts every worker unit exactly once and leaves each on the new config", async () => {
    const sim = await convergedCluster();
    expect(sim.configure("tempo", { "retention-period": "48" }).kind).toBe("done");

    const outages = await runRecordingOutages(sim);

    expect(outages.map((outage) => outage.unit).sort()).toEqual([...workerUnits(sim)].sort());
    for (const unit of workerUnits(sim)) expect(configOf(sim, unit)).toContain("block_retention: 48h");
  });

  it("says which unit a waiting unit waits for", async () => {
    const sim = await convergedCluster();
    expect(sim.configure("tempo", { "retention-period": "48" }).kind).toBe("done");
    const statuses = new Set<string>();

    await runRecordingOutages(sim, statuses);

    expect(statuses).toContain("tempo-ingester/1 waiting: rollout: waiting for tempo-ingester/0 to be ready");
    expect(statuses).toContain("tempo-ingester/2 waiting: rollout: waiting for tempo-ingester/1 to be ready");
  });
});
