import { describe, expect, it } from "vitest";
import { planWorkload, type DesiredWorkload } from "../../../src/charms/worker/restart-plan.js";
import { applyWorkloadActions, observeWorkload } from "../../../src/charms/worker/workload-sync.js";
import { workerLayer } from "../../../src/charms/worker/layer.js";
import { CONFIG_PATH, PRIVATE_KEY_PATH, RESTART_PENDING_PATH } from "../../../src/charms/worker/workload-files.js";
import { MemoryPebble } from "../../../src/testing/pebble-memory.js";

const layer = workerLayer({
  role: "all",
  isTlsEnabled: false,
  unitAddress: "w-0.w-endpoints.m.svc.cluster.local",
  identity: { model: "m", modelUuid: "u", application: "w", unit: "w/0", charmName: "tempo-worker" },
});

type RunWorkload = Extract<DesiredWorkload, { kind: "run" }>;

function desired(configText: string): RunWorkload {
  return { kind: "run", serviceName: "tempo", layer, files: [{ path: CONFIG_PATH, content: configText, permissions: 0o600 }] };
}

/** A Pebble whose next restart fails, as a real one does when the service will not stop in time. */
class PebbleFailingNextRestart extends MemoryPebble {
  failNextRestart = false;
  override async restartServices(names: readonly string[]): Promise<void> {
    if (this.failNextRestart) {
      this.failNextRestart = false;
      throw new Error("cannot restart: timed out");
    }
    await super.restartServices(names);
  }
}

async function sync(pebble: MemoryPebble, want: DesiredWorkload): Promise<void> {
  const actions = planWorkload(await observeWorkload(pebble, "tempo"), want);
  await applyWorkloadActions(pebble, "tempo", "tempo", actions);
}

describe("applyWorkloadActions", () => {
  it("reads back exactly what it wrote, so a second pass does nothing", async () => {
    const pebble = new MemoryPebble();
    await sync(pebble, desired("a: 1\n"));
    const observed = await observeWorkload(pebble, "tempo");
    expect(observed.files.get(CONFIG_PATH)).toEqual({ content: "a: 1\n", permissions: 0o600 });
    expect(observed.serviceState).toBe("active");
    expect(planWorkload(observed, desired("a: 1\n")).service).toBe("none");
  });

  it("leaves no restart marker behind after a successful restart", async () => {
    const pebble = new MemoryPebble();
    await sync(pebble, desired("a: 1\n"));
    await sync(pebble, desired("a: 2\n"));
    expect(pebble.readText(RESTART_PENDING_PATH)).toBeUndefined();
    expect(pebble.restartCount("tempo")).toBe(1);
  });

  it("restarts in the next hook when a restart failed after the new config was written", async () => {
    const pebble = new PebbleFailingNextRestart();
    await sync(pebble, desired("a: 1\n"));
    pebble.failNextRestart = true;
    await expect(sync(pebble, desired("a: 2\n"))).rejects.toThrow("timed out");
    expect(pebble.readText(CONFIG_PATH)).toBe("a: 2\n");
    expect(pebble.readText(RESTART_PENDING_PATH)).toBeDefined();
    await sync(pebble, desired("a: 2\n"));
    expect(pebble.restartCount("tempo")).toBe(1);
    expect(pebble.readText(RESTART_PENDING_PATH)).toBeUndefined();
  });

  it("stops Tempo before removing its files on teardown", async () => {
    const pebble = new MemoryPebble();
    await sync(pebble, { ...desired("a: 1\n"), files: [{ path: CONFIG_PATH, content: "a: 1\n", permissions: 0o600 }, { path: PRIVATE_KEY_PATH, content: "K", permissions: 0o600 }] });
    await sync(pebble, { kind: "stopped", serviceName: "tempo" });
    expect(pebble.journal.map((record) => record.action)).toEqual(["start", "stop"]);
    expect(pebble.readText(CONFIG_PATH)).toBeUndefined();
    expect(pebble.readText(PRIVATE_KEY_PATH)).toBeUndefined();
  });
});
