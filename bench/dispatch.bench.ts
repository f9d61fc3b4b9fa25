/**
 * How much a hook costs on the real path: the bundled example charm's `dispatch` under the fake Juju
 * agent, beside a bare `node -e 0` start and one fake hook command measured in the same run.
 *
 * Target (reported, not asserted): dispatch ≤ 1.5 × bare Node start-up + the hook commands' own
 * cost, exactly one `relation-get` per databag read and at most one `relation-set` per databag
 * written. Run alone with `npx tsx bench/dispatch.bench.ts`, or through `npm run bench`.
 */
import { spawnSync } from "node:child_process";
import { median } from "./measure.js";
import { rmSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { countCallsByCommand, type HookCommandCall, runDispatch, startHook } from "../src/testing/fake-juju/driver.js";
import { type FakeJujuStateInput, jujuUnitBag } from "../src/testing/fake-juju/state.js";
import { exampleCharm } from "../test/fixtures/example-charm.js";
import { bundleCharm } from "../test/helpers/bundle-charm.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REMOTE_UNIT_COUNTS = [1, 10, 100] as const;
const BASELINE_SAMPLES_PER_RUN = 5;
const API_ID = 4;


function timeMs(action: () => void): number {
  const start = performance.now();
  action();
  return performance.now() - start;
}

/** Leader of `example` related to `client` with `remoteUnits` units, each asking for something. */
function stateWithRemoteUnits(remoteUnits: number): FakeJujuStateInput {
  const remoteUnitsData: Record<string, Record<string, string>> = {};
  for (let index = 0; index < remoteUnits; index += 1) {
    remoteUnitsData[`client/${index}`] = jujuUnitBag(`10.1.${Math.floor(index / 250)}.${(index % 250) + 1}`, {
      requested: `feature-${index}`,
    });
  }
  return {
    unitName: "example/0",
    leader: true,
    config: { port: 8080, greeting: "hello", "fail-hook": false },
    relations: [
      { endpoint: "replicas", id: 1, remoteApp: "example", isPeer: true, localUnitData: jujuUnitBag("10.1.0.1") },
      { endpoint: "example-api", id: API_ID, remoteApp: "client", localUnitData: jujuUnitBag("10.1.0.1"), remoteUnitsData },
    ],
  };
}

function timeBareNode(): number {
  return timeMs(() => {
    const child = spawnSync(process.execPath, ["-e", "0"], { stdio: "ignore" });
    if (child.status !== 0) throw new Error("node -e 0 failed");
  });
}

/** One fake hook command (`is-leader --format=json`), spawned the way HookCommandsBackend does. */
function timeHookCommand(env: Record<string, string>): number {
  return timeMs(() => {
    const child = spawnSync("is-leader", ["--format=json"], { env, encoding: "utf8", input: "" });
    if (child.status !== 0) throw new Error(`is-leader failed: ${child.stderr}`);
  });
}

interface DispatchFigures {
  readonly remoteUnits: number;
  readonly medianMs: number;
  /** Baselines measured between this size's dispatch runs, so a busy machine slows both alike. */
  readonly bareNodeMs: number;
  readonly hookCommandMs: number;
  readonly calls: HookCommandCall[];
}

function measureDispatch(charmDir: string, remoteUnits: number): DispatchFigures {
  // 100 remote units spawn 100+ processes per run: fewer runs keep `npm run bench` short.
  const runs = remoteUnits >= 100 ? 1 : 3;
  const timings: number[] = [];
  const bareNode: number[] = [];
  const hookCommand: number[] = [];
  let calls: HookCommandCall[] = [];
  const baselineHook = startHook({ state: stateWithRemoteUnits(1), event: { kind: "lifecycle", name: "update-status" } });
  try {
    for (let run = 0; run < runs; run += 1) {
      for (let sample = 0; sample < BASELINE_SAMPLES_PER_RUN; sample += 1) {
        bareNode.push(timeBareNode());
        hookCommand.push(timeHookCommand(baselineHook.env));
      }
      const state = stateWithRemoteUnits(remoteUnits);
      const event = { kind: "relation", phase: "changed", relationId: API_ID, remoteUnit: "client/0" } as const;
      let exitCode = 0;
      timings.push(
        timeMs(() => {
          const result = runDispatch({ charmDir, state, event });
          exitCode = result.exitCode;
          calls = result.calls;
        }),
      );
      if (exitCode !== 0) throw new Error(`dispatch failed with exit code ${exitCode}`);
    }
  } finally {
    baselineHook.finish(0);
  }
  return {
    remoteUnits,
    medianMs: median(timings),
    bareNodeMs: median(bareNode),
    hookCommandMs: median(hookCommand),
    calls,
  };
}

/** Bags read per relation-get call: the same (relation, entity) twice would be a wasted call. */
function repeatedReads(calls: readonly HookCommandCall[], command: string): number {
  const seen = calls.filter((call) => call.command === command).map((call) => call.args.join(" "));
  return seen.length - new Set(seen).size;
}

const format = (ms: number) => `${ms.toFixed(1)} ms`;

export async function benchDispatch(): Promise<void> {
  const charmDir = await bundleCharm(path.join(repoRoot, "test/fixtures/example-charm-main.ts"), exampleCharm.meta);
  try {
    const lines: string[] = [
      "dispatch of the bundled example charm on example-api-relation-changed, under the fake Juju agent",
      "baselines per size, measured between its dispatch runs: a bare `node -e 0` start and one fake hook command",
      "(is-leader; a Node start per call here, where Juju's jujuc costs about 1 ms plus an RPC, juju-hook-tools.md §4.3)",
      "",
    ];
    for (const remoteUnits of REMOTE_UNIT_COUNTS) {
      const figures = measureDispatch(charmDir, remoteUnits);
      const { bareNodeMs, hookCommandMs } = figures;
      const byCommand = countCallsByCommand(figures.calls);
      const hookCommandsMs = figures.calls.length * hookCommandMs;
      const budgetMs = 1.5 * bareNodeMs + hookCommandsMs;
      // What the charm process itself costs once its hook commands are taken out, against bare Node.
      const charmOwnMs = figures.medianMs - hookCommandsMs;
      const relationGets = byCommand["relation-get"] ?? 0;
      const relationSets = byCommand["relation-set"] ?? 0;
      // Read: every remote unit bag, plus the own unit and app bags once each to diff the writes.
      const bagsRead = remoteUnits + 2;
      const bagsWritten = 2;
      lines.push(
        `${remoteUnits} remote unit(s): dispatch median ${format(figures.medianMs)}; ` +
          `bare node ${format(bareNodeMs)}, one hook command ${format(hookCommandMs)}`,
        `  budget 1.5 × node + ${figures.calls.length} calls × ${format(hookCommandMs)} = ${format(budgetMs)}: ` +
          `${figures.medianMs <= budgetMs ? "within" : "OVER"}; ` +
          `without its hook commands ${format(charmOwnMs)} = ${(charmOwnMs / bareNodeMs).toFixed(2)} × bare node`,
        `  hook commands: ${figures.calls.length} — ${Object.entries(byCommand)
          .map(([command, count]) => `${command} ${count}`)
          .join(", ")}`,
        `  relation-get ${relationGets} for ${bagsRead} databags read (repeated reads: ${repeatedReads(figures.calls, "relation-get")}) ` +
          `${relationGets === bagsRead ? "ok" : "NOT one per bag"}; ` +
          `relation-set ${relationSets} for ${bagsWritten} databags written ${relationSets <= bagsWritten ? "ok" : "TOO MANY"}`,
      );
    }
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    rmSync(path.dirname(charmDir), { recursive: true, force: true });
  }
}

const isRunDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isRunDirectly) await benchDispatch();
