import { describe, expect, it } from "vitest";
import type { Charm } from "../../src/juju/charm.js";
import { HookEnvironmentError, dispatch, runHook } from "../../src/juju/charm.js";
import { renderHookEnv } from "../../src/juju/context.js";
import { MemoryBackend, relation, state, worldFromState } from "../../src/testing/index.js";
import { exampleCharm } from "../fixtures/example-charm.js";

const api = relation({ endpoint: "example-api", id: 3, remoteApp: "client" });

function setup(leader = true) {
  const unitWorld = worldFromState(exampleCharm.meta, state({ leader, relations: [api] }));
  const backend = new MemoryBackend(unitWorld.world, { unit: unitWorld.unitName });
  const env = renderHookEnv({
    unitName: "example/0",
    appName: "example",
    modelName: "m",
    modelUuid: "u",
    jujuVersion: "3.6.14",
    event: { kind: "config-changed" },
  });
  return { world: unitWorld.world, backend, env };
}

describe("runHook", () => {
  it("reconciles and then sends the buffered writes", async () => {
    const { backend, env } = setup();
    await runHook(exampleCharm, { env, backend });
    expect(backend.record.calls.filter((call) => call.startsWith("relation-set"))).toHaveLength(2);
  });

  it("sends nothing buffered when reconcile throws", async () => {
    const { backend, env } = setup();
    const failing: Charm = {
      meta: exampleCharm.meta,
      async reconcile(model, event) {
        await exampleCharm.reconcile(model, event);
        throw new Error("late failure");
      },
    };
    await expect(runHook(failing, { env, backend })).rejects.toThrow("late failure");
    expect(backend.record.calls.filter((call) => /^(relation-set|open-port)/.test(call))).toEqual([]);
  });

  it("refuses an environment that is not a hook's, before reconciling", async () => {
    const { backend } = setup();
    await expect(runHook(exampleCharm, { env: {}, backend })).rejects.toBeInstanceOf(HookEnvironmentError);
    expect(backend.record.calls).toEqual([]);
  });
});

describe("dispatch", () => {
  it("exits 0 after a successful hook", async () => {
    const { backend, env } = setup();
    const codes: number[] = [];
    await dispatch(exampleCharm, { env, backend, exit: (code) => codes.push(code) });
    expect(codes).toEqual([0]);
  });

  it("logs an uncaught error through juju-log at ERROR and exits 1", async () => {
    const { backend, env } = setup();
    const codes: number[] = [];
    const failing: Charm = {
      meta: exampleCharm.meta,
      async reconcile() {
        throw new Error("cannot render config");
      },
    };
    const stderr = process.stderr.write;
    process.stderr.write = () => true;
    try {
      await dispatch(failing, { env, backend, exit: (code) => codes.push(code) });
    } finally {
      process.stderr.write = stderr;
    }
    expect(codes).toEqual([1]);
    expect(backend.record.logs).toEqual([
      { level: "ERROR", message: expect.stringContaining("uncaught error in hooks/config-changed: Error: cannot render config") },
    ]);
  });
});

describe("dispatch: Pebble on real Juju", () => {
  it("reaches each container through its socket under /charm/containers, failing as a connection error when absent", async () => {
    const { backend, env } = setup();
    const seen: string[] = [];
    const withWorkload: Charm = {
      meta: { ...exampleCharm.meta, containers: { workload: {} } },
      async reconcile(model) {
        const client = await model.container("workload");
        await client.systemInfo().catch((error: unknown) => seen.push((error as Error).name));
      },
    };
    const codes: number[] = [];
    await dispatch(withWorkload, { env, backend, exit: (code) => codes.push(code) });
    expect(codes).toEqual([0]);
    expect(seen).toEqual(["PebbleConnectionError"]);
  });
});
