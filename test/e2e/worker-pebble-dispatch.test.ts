/**
 * The built worker charm's `dispatch` under the fake Juju agent, talking to the test Pebble server
 * over Pebble's HTTP API (issue #16's two defects, end to end): a Tempo that takes 70 s to become
 * ready, and a Tempo that exits at once. Time passes only in the server's in-memory Pebble.
 */
import { mkdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { workerMeta } from "../../src/charms/worker/meta.js";
import { runDispatch, type DispatchResult } from "../../src/testing/fake-juju/driver.js";
import { type FakeJujuStateInput, jujuUnitBag } from "../../src/testing/fake-juju/state.js";
import type { MemoryPebbleStateInput } from "../../src/testing/pebble-memory.js";
import { startPebbleServerProcess, type PebbleServerProcess } from "../../src/testing/pebble-server-process.js";
import { bundleCharm } from "../helpers/bundle-charm.js";
import { TEMPO_IMAGE_EXECS, tempoConfig } from "../charms/worker/worker-scenario.js";

const CHANGED = { kind: "relation", phase: "changed", relationId: 5 } as const;
const CREATED = { kind: "relation", phase: "created", relationId: 5 } as const;
const STARTING = "all starting: Tempo not ready yet (ring settling); waiting for GET :3200/ready to pass";

function workerState(): FakeJujuStateInput {
  return {
    model: { name: "cos", uuid: "2f9a6c1e-7b3d-4e8a-9c5f-1d2e3f4a5b6c", type: "kubernetes" },
    unitName: "tempo-worker/0",
    leader: true,
    config: { "role-all": true },
    relations: [
      {
        endpoint: "tempo-cluster",
        id: 5,
        remoteApp: "tempo",
        localUnitData: jujuUnitBag("10.1.0.20"),
        remoteAppData: { worker_config: JSON.stringify(tempoConfig()) },
        remoteUnitsData: { "tempo/0": jujuUnitBag("10.1.0.10") },
      },
    ],
  };
}

function checkHook(kind: "pebble-check-failed" | "pebble-check-recovered") {
  return { kind: "workload", container: "tempo", phase: kind, checkName: "ready" } as const;
}

let charmDir: string;
let server: PebbleServerProcess | undefined;
beforeAll(async () => {
  charmDir = await bundleCharm("test/fixtures/worker-main-local-pebble.ts", workerMeta);
}, 120_000);
afterAll(async () => {
  await rm(path.dirname(charmDir), { recursive: true, force: true });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Serve the tempo container where the test entry looks for it: <charm dir>/../containers/tempo/pebble.socket. */
async function serveTempoContainer(state: MemoryPebbleStateInput): Promise<PebbleServerProcess> {
  const directory = path.join(path.dirname(charmDir), "containers", "tempo");
  await mkdir(directory, { recursive: true });
  server = await startPebbleServerProcess(path.join(directory, "pebble.socket"), { execs: TEMPO_IMAGE_EXECS, ...state });
  return server;
}

function ok(result: DispatchResult): DispatchResult {
  expect(result.exitCode, result.stderr).toBe(0);
  return result;
}

describe("the built worker charm with a Tempo that takes 70 s to become ready", () => {
  it("waits while Tempo settles and goes active only on pebble-check-recovered", async () => {
    const pebble = await serveTempoContainer({ workloads: { tempo: { readyAfterMs: 70_000 } } });
    const started = ok(runDispatch({ charmDir, state: workerState(), event: CHANGED }));
    expect(started.state.unitStatus).toEqual({ status: "waiting", message: STARTING });

    const settling = await pebble.advance(60_000);
    expect(settling.events.map((event) => event.kind)).toEqual(["pebble-check-failed"]);
    const failed = ok(runDispatch({ charmDir, state: started.state, event: checkHook("pebble-check-failed") }));
    expect(failed.state.unitStatus).toEqual({ status: "waiting", message: STARTING });

    const ready = await pebble.advance(15_000);
    expect(ready.events.map((event) => event.kind)).toEqual(["pebble-check-recovered"]);
    const recovered = ok(runDispatch({ charmDir, state: failed.state, event: checkHook("pebble-check-recovered") }));
    expect(recovered.state.unitStatus.status).toBe("active");
    expect((await pebble.state()).journal.map((record) => record.action)).toEqual(["start"]);
  }, 120_000);
});

describe("the built worker charm with a Tempo that exits at once", () => {
  it("exits 0, commits its address and role, and is blocked with Pebble's cause and Tempo's log", async () => {
    await serveTempoContainer({
      workloads: { tempo: { exitAfterMs: 30, exitCode: 1, output: ['level=error msg="error running Tempo" err="listen tcp :3200: bind: address already in use"'] } },
    });
    const created = ok(runDispatch({ charmDir, state: workerState(), event: CREATED }));
    const relation = created.state.relations.find((candidate) => candidate.id === 5);
    expect(relation?.localAppData).toEqual({ role: JSON.stringify("all") });
    expect(JSON.parse(relation?.localUnitData["address"] ?? "null")).toBe("tempo-worker-0.tempo-worker-endpoints.cos.svc.cluster.local");
    expect(created.state.unitStatus.status).toBe("blocked");
    expect(created.state.unitStatus.message).toContain("exited quickly with code 1, will restart");
    expect(created.state.unitStatus.message).toContain("bind: address already in use");
  }, 120_000);
});

describe("the built worker charm running a command in its workload container", () => {
  it("runs it over Pebble's exec websockets with ws from its own file beside the bundle, and reports Tempo's version", async () => {
    const pebble = await serveTempoContainer({ workloads: { tempo: {} } });
    // esbuild names each bundled CommonJS module by its path: ws is not in the main bundle.
    expect(await readFile(path.join(charmDir, "charm.mjs"), "utf8")).not.toContain("node_modules/ws/");
    const started = ok(runDispatch({ charmDir, state: workerState(), event: CHANGED }));
    expect((await pebble.state()).execJournal.map((record) => record.command.join(" "))).toContain("/bin/tempo -version");
    expect(started.state.workloadVersion).toBe("2.7.1");
  }, 120_000);
});
