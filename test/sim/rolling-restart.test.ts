import { describe, expect, it } from "vitest";
import { CONTAINER_NAME } from "../../src/charms/worker/index.js";
import { modelStatus } from "../../src/sim/model-status.js";
import type { Simulator } from "../../src/sim/simulator.js";
import { buildTempoModel, parseWorkerShape, SIM_TEMPO_READY_AFTER_MS } from "../../src/sim/tempo-cluster.js";
import { configOf, workerUnits } from "../../src/sim/tempo-report.js";

const SHAPE = parseWorkerShape("query-frontend=1,querier=2,ingester=3,distributor=2,compactor=1");

async function convergedCluster(): Promise<Simulator> {
  if (SHAPE.kind !== "valid") throw new Error(SHAPE.reasons.join("; "));
  const built = buildTempoModel(SHAPE.shape);
  if (built.kind !== "done") throw new Error(built.reason);
  expect(await built.value.run()).toMatchObject({ kind: "quiet" });
  return built.value;
}

interface Outage {
  readonly unit: string;
  readonly app: string;
  /** Workload clock when Tempo was restarted, and when the simulated Tempo answers /ready again. */
  readonly fromMs: number;
  readonly toMs: number;
}

function tempoOf(sim: Simulator, unit: string) {
  return sim.world.units.get(unit)!.containers.get(CONTAINER_NAME)!;
}

/**
 * Run hook by hook until quiet and note every Tempo restart with the workload time it happened at.
 * A `run` limited to one hook lets workload time pass only after that hook (simulator.ts run), so
 * the clock read before the step is the restart's time.
 */
async function runRecordingOutages(sim: Simulator, statuses: Set<string> = new Set()): Promise<Outage[]> {
  const outages: Outage[] = [];
  for (let steps = 0; steps < 10_000; steps += 1) {
    const before = new Map(workerUnits(sim).map((unit) => [unit, { restarts: tempoOf(sim, unit).restartCount("tempo"), now: tempoOf(sim, unit).now }]));
    const outcome = await sim.run({ maxHooks: 1 });
    for (const row of modelStatus(sim).units) statuses.add(`${row.unit} ${row.workload}: ${row.message}`);
    for (const [unit, was] of before) {
      if (tempoOf(sim, unit).restartCount("tempo") === was.restarts) continue;
      outages.push({ unit, app: sim.world.units.get(unit)!.app, fromMs: was.now, toMs: was.now + SIM_TEMPO_READY_AFTER_MS });
    }
    if (outcome.kind === "quiet") return outages;
    if (outcome.kind === "stuck") throw new Error(`stuck: ${JSON.stringify(outcome.units)}`);
  }
  throw new Error("the rollout did not finish");
}

/** Pairs of units of one application whose outages overlap. */
function overlaps(outages: readonly Outage[]): string[] {
  const found: string[] = [];
  for (const [index, a] of outages.entries()) {
    for (const b of outages.slice(index + 1)) {
      if (a.app === b.app && a.fromMs < b.toMs && b.fromMs < a.toMs) found.push(`${a.unit} and ${b.unit}`);
    }
  }
  return found;
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
