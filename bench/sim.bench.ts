/**
 * Simulator convergence with the real charms for 10, 100 and 1,000 worker units: hooks, events,
 * `relation-set` calls (and those that changed nothing), wall time, peak memory, and where the
 * time went (coordinator, workers, the simulator itself), beside a baseline measured in the same
 * run: building the same model without running a hook.
 *
 * Targets (reported, not asserted): hooks grow linearly with units; no `relation-set` that changes
 * nothing; 1,000 units converge in under 10 s. Run alone with `npx tsx bench/sim.bench.ts [units…]`,
 * or through `npm run bench`.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { Charm } from "../src/juju/charm.js";
import { TEMPO_MODEL_CHARMS, type TempoModelCharms, type WorkerGroup, buildTempoModel } from "../src/sim/tempo-cluster.js";

const WORKER_UNIT_COUNTS = [10, 100, 1000] as const;
const TARGET_MS_AT_1000 = 10_000;

/** n worker units: one of each role but ingester, the rest ingesters (the role that scales in practice). */
function shapeFor(workerUnits: number): WorkerGroup[] {
  return [
    { role: "query-frontend", units: 1 },
    { role: "querier", units: 1 },
    { role: "distributor", units: 1 },
    { role: "compactor", units: 1 },
    { role: "ingester", units: Math.max(1, workerUnits - 4) },
  ];
}

interface CharmTime {
  hooks: number;
  ms: number;
}

/** The model's charms, each wrapped to time its hooks and sample memory (the simulator has no timers of its own). */
function instrumentedCharms(peak: { rss: number; heap: number }): { charms: TempoModelCharms; times: Map<string, CharmTime> } {
  const times = new Map<string, CharmTime>();
  const wrap = (charm: Charm): Charm => {
    const time: CharmTime = { hooks: 0, ms: 0 };
    times.set(charm.meta.name, time);
    return {
      meta: charm.meta,
      async reconcile(model, event) {
        const start = performance.now();
        try {
          await charm.reconcile(model, event);
        } finally {
          time.ms += performance.now() - start;
          time.hooks += 1;
          if (time.hooks % 16 === 0) {
            const memory = process.memoryUsage();
            peak.rss = Math.max(peak.rss, memory.rss);
            peak.heap = Math.max(peak.heap, memory.heapUsed);
          }
        }
      },
    };
  };
  const charms: TempoModelCharms = {
    coordinator: wrap(TEMPO_MODEL_CHARMS.coordinator),
    worker: wrap(TEMPO_MODEL_CHARMS.worker),
    s3: wrap(TEMPO_MODEL_CHARMS.s3),
    remoteWrite: wrap(TEMPO_MODEL_CHARMS.remoteWrite),
  };
  return { charms, times };
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
}

export async function benchSim(unitCounts: readonly number[] = WORKER_UNIT_COUNTS): Promise<void> {
  // Warm the JIT on a small model first, so the smallest measured model is not mostly compile time.
  const warmUp = buildTempoModel(shapeFor(10));
  if (warmUp.kind === "done") await warmUp.value.run();
  const lines: string[] = [];
  let previous: { units: number; hooks: number } | undefined;
  for (const units of unitCounts) {
    const peak = { rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed };
    const { charms, times: byCharm } = instrumentedCharms(peak);
    const buildStart = performance.now();
    const built = buildTempoModel(shapeFor(units), { charms });
    const buildMs = performance.now() - buildStart;
    if (built.kind === "rejected") throw new Error(built.reason);
    const sim = built.value;
    const baselineHeap = process.memoryUsage().heapUsed;

    const start = performance.now();
    const outcome = await sim.run();
    const wallMs = performance.now() - start;
    const memory = process.memoryUsage();
    peak.rss = Math.max(peak.rss, memory.rss);
    peak.heap = Math.max(peak.heap, memory.heapUsed);

    const stats = sim.stats;
    const charmMs = [...byCharm.values()].reduce((sum, time) => sum + time.ms, 0);
    const growth = previous ? ` (×${(stats.hooks / previous.hooks).toFixed(1)} hooks for ×${(units / previous.units).toFixed(0)} units)` : "";
    lines.push(
      `${units} worker units: ${outcome.kind} in ${ms(wallMs)} (baseline: building the same model without hooks ${ms(buildMs)})` +
        (units >= 1000 ? ` — target < ${ms(TARGET_MS_AT_1000)}: ${wallMs < TARGET_MS_AT_1000 ? "met" : "MISSED"}` : ""),
      `  hooks ${stats.hooks} (${(stats.hooks / units).toFixed(1)} per worker unit)${growth}; events queued ${stats.events}, coalesced ${stats.coalesced}; rounds ${stats.rounds}`,
      `  relation-set ${stats.relationSets}, of which changed nothing: ${stats.noOpRelationSets} ${stats.noOpRelationSets === 0 ? "ok" : "NOT ok"}; hook commands ${stats.hookCommands}`,
      `  peak memory: rss ${mb(peak.rss)}, heap ${mb(peak.heap)} (heap before running ${mb(baselineHeap)})`,
      `  time: ${[...byCharm.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .filter(([, time]) => time.hooks > 0)
        .map(([name, time]) => `${name} ${ms(time.ms)} over ${time.hooks} hooks (${(time.ms / time.hooks).toFixed(2)} ms/hook)`)
        .join("; ")}; simulator and harness ${ms(wallMs - charmMs)}`,
    );
    previous = { units, hooks: stats.hooks };
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

const isRunDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isRunDirectly) {
  const counts = process.argv.slice(2).map(Number).filter((count) => Number.isInteger(count) && count > 0);
  await benchSim(counts.length > 0 ? counts : WORKER_UNIT_COUNTS);
}
