import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { CONTAINER_NAME } from "../../src/charms/worker/index.js";
import { modelStatus } from "../../src/sim/model-status.js";
import { applyStep, parseStep } from "../../src/sim/steps.js";
import type { Simulator } from "../../src/sim/simulator.js";
import { RECOMMENDED_SHAPE, type WorkerGroup, buildTempoModel, parseWorkerShape } from "../../src/sim/tempo-cluster.js";
import { configOf, tempoReport, workerUnits } from "../../src/sim/tempo-report.js";

async function converged(shape: readonly WorkerGroup[]): Promise<Simulator> {
  const built = buildTempoModel(shape);
  if (built.kind !== "done") throw new Error(built.reason);
  expect(await built.value.run()).toMatchObject({ kind: "quiet" });
  return built.value;
}

function joinMembersOf(sim: Simulator, unit: string): string[] {
  const config = parseYaml(configOf(sim, unit) ?? "{}") as { memberlist?: { join_members?: string[] } };
  return config.memberlist?.join_members ?? [];
}

function ingesterHost(index: number): string {
  return `tempo-ingester-${index}.tempo-ingester-endpoints.tempo-sim.svc.cluster.local:7946`;
}

const SMALL_SHAPE = parseWorkerShape("query-frontend=1,querier=1,ingester=2,distributor=1,compactor=1");

describe("a simulated Tempo cluster with the real charms", () => {
  it("converges the recommended cluster to every unit active with one identical config on all workers", async () => {
    const sim = await converged(RECOMMENDED_SHAPE);
    const status = modelStatus(sim);
    expect(status.units.filter((row) => row.workload !== "active")).toEqual([]);
    const report = tempoReport(sim);
    expect(report.received).toHaveLength(8);
    expect(report.withoutConfig).toEqual([]);
    expect(report.distinctConfigs).toBe(1);
    // Every worker runs the received bytes, except that the metrics-generator adds its own unit's labels.
    expect(report.localAdditions.map((local) => local.units)).toEqual([["tempo-metrics-generator/0"]]);
    expect(report.localAdditions[0]!.removedLines).toEqual([]);
    expect(report.localAdditions[0]!.addedLines).toContain("      juju_unit: tempo-metrics-generator/0");
    expect(report.ring.map((member) => member.unit)).toEqual([
      "tempo-compactor/0",
      "tempo-distributor/0",
      "tempo-ingester/0",
      "tempo-ingester/1",
      "tempo-ingester/2",
      "tempo-metrics-generator/0",
      "tempo-querier/0",
      "tempo-query-frontend/0",
    ]);
    expect(sim.stats.noOpRelationSets).toBe(0);
  });

  it("makes join_members follow ingester scale-up and scale-down on every worker", async () => {
    if (SMALL_SHAPE.kind !== "valid") throw new Error("shape");
    const sim = await converged(SMALL_SHAPE.shape);
    for (const unit of workerUnits(sim)) expect(joinMembersOf(sim, unit)).toContain(ingesterHost(1));

    expect(sim.addUnits("tempo-ingester").kind).toBe("done");
    expect(await sim.run()).toMatchObject({ kind: "quiet" });
    expect(workerUnits(sim)).toContain("tempo-ingester/2");
    for (const unit of workerUnits(sim)) expect(joinMembersOf(sim, unit)).toContain(ingesterHost(2));
    expect(tempoReport(sim).distinctConfigs).toBe(1);

    const step = parseStep("remove-unit tempo-ingester/0");
    if (step.kind !== "valid") throw new Error(step.reason);
    expect(applyStep(sim, step.step).kind).toBe("done");
    expect(await sim.run()).toMatchObject({ kind: "quiet" });
    for (const unit of workerUnits(sim)) {
      expect(joinMembersOf(sim, unit)).not.toContain(ingesterHost(0));
      expect(joinMembersOf(sim, unit)).toContain(ingesterHost(2));
    }
    expect(tempoReport(sim).distinctConfigs).toBe(1);
  });

  it("produces the same timeline and the same worker files on every run", async () => {
    if (SMALL_SHAPE.kind !== "valid") throw new Error("shape");
    const runs = [await converged(SMALL_SHAPE.shape), await converged(SMALL_SHAPE.shape)];
    const [first, second] = runs.map((sim) => ({
      timeline: sim.timeline,
      files: workerUnits(sim).map((unit) => sim.world.units.get(unit)!.containers.get(CONTAINER_NAME)!.toState()),
      status: modelStatus(sim),
    }));
    expect(second).toEqual(first);
  });

  it("keeps hooks linear in worker units, apart from the peer relation's joins", async () => {
    const small = await converged([{ role: "all", units: 4 }]);
    const large = await converged([{ role: "all", units: 16 }]);
    const isPeerHook = (hook: string) => hook.startsWith("peers-relation-");
    // Four times the workers: at most four times the hooks (the fixed part only helps).
    const nonPeerHooks = (sim: Simulator) => sim.timeline.filter((entry) => !isPeerHook(entry.hook)).length;
    expect(nonPeerHooks(large)).toBeLessThanOrEqual(4 * nonPeerHooks(small));
    // Juju tells every unit of a peer relation of every other unit joining (joined, then changed):
    // 2·N·(N−1), quadratic by nature. The worker adds none: it writes its peer bag only once it
    // takes part in a rollout (rollout.ts).
    const peerHooks = large.timeline.filter((entry) => isPeerHook(entry.hook) && entry.hook !== "peers-relation-created").length;
    expect(peerHooks).toBe(2 * 16 * 15);
    expect(large.stats.noOpRelationSets).toBe(0);
  });
});
