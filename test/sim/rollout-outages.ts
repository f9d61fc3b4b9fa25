/**
 * Watching a rollout in the simulator: every Tempo restart of a worker unit, with the workload time
 * it happened at, and whether two units of one application were down at once.
 */
import { CONTAINER_NAME } from "../../src/charms/worker/index.js";
import { modelStatus } from "../../src/sim/model-status.js";
import type { Simulator } from "../../src/sim/simulator.js";
import { SIM_TEMPO_READY_AFTER_MS } from "../../src/sim/tempo-cluster.js";
import { workerUnits } from "../../src/sim/tempo-report.js";

export interface Outage {
  readonly unit: string;
  readonly app: string;
  /** Workload clock when Tempo was restarted, and when the simulated Tempo answers /ready again. */
  readonly fromMs: number;
  readonly toMs: number;
}

export function tempoOf(sim: Simulator, unit: string) {
  return sim.world.units.get(unit)!.containers.get(CONTAINER_NAME)!;
}

/**
 * Run hook by hook until quiet and note every Tempo restart with the workload time it happened at.
 * A `run` limited to one hook lets workload time pass only after that hook (simulator.ts run), so
 * the clock read before the step is the restart's time.
 */
export async function runRecordingOutages(sim: Simulator, statuses: Set<string> = new Set()): Promise<Outage[]> {
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
export function overlaps(outages: readonly Outage[]): string[] {
  const found: string[] = [];
  for (const [index, a] of outages.entries()) {
    for (const b of outages.slice(index + 1)) {
      if (a.app === b.app && a.fromMs < b.toMs && b.fromMs < a.toMs) found.push(`${a.unit} and ${b.unit}`);
    }
  }
  return found;
}
