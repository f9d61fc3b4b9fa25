/**
 * The two defects seen against a real Pebble (issue #16), at the charm level: a Tempo that takes
 * 70 s to become ready, and a Tempo that exits at once. Time passes only in the in-memory Pebble.
 */
import { describe, expect, it } from "vitest";
import { workerCharm } from "../../../src/charms/worker/charm.js";
import { judgeReadiness } from "../../../src/charms/worker/readiness.js";
import type { CheckInfo } from "../../../src/juju/pebble.js";
import { on, run, type State, type StateInput } from "../../../src/testing/index.js";
import { decodeValues } from "../../interface/published-schemas.js";
import {
  afterSeconds,
  clusterRelation,
  providerBag,
  serviceActions,
  tempoConfig,
  tempoContainer,
  tempoState,
  withProviderData,
  withTempoBehaviour,
} from "./worker-scenario.js";

const STARTING = "all starting: Tempo not ready yet (ring settling); waiting for GET :3200/ready to pass";
const ACTIVE = "all ready; metrics-generator off until the coordinator has a remote-write endpoint: juju integrate tempo:send-remote-write <prometheus>";

function related(container = tempoContainer()): StateInput {
  return { leader: true, relations: [clusterRelation(providerBag({ worker_config: tempoConfig() }))], containers: [container] };
}

/** Let `seconds` pass, then run every hook Juju would run for the check transitions, in order. */
async function after(state: State, seconds: number): Promise<{ state: State; hooks: string[]; statuses: string[] }> {
  const passed = afterSeconds(state, seconds);
  let current = passed.state;
  const statuses: string[] = [];
  for (const event of passed.events) {
    const hook = event.kind === "pebble-check-failed" ? on.pebbleCheckFailed("tempo", event.check) : on.pebbleCheckRecovered("tempo", event.check);
    current = (await run(workerCharm, hook, current)).state;
    statuses.push(current.unitStatus.status);
  }
  return { state: current, hooks: passed.events.map((event) => event.kind), statuses };
}

describe("a Tempo that takes 70 s to become ready", () => {
  const slowTempo = tempoContainer({ workloads: { tempo: { readyAfterMs: 70_000 } } });

  it("is waiting, not active, right after the start, while Pebble reports the check up with no successes", async () => {
    const { state } = await run(workerCharm, on.relationChanged({ id: 7 }), related(slowTempo));
    expect(serviceActions(state)).toEqual(["start"]);
    expect(state.unitStatus).toEqual({ status: "waiting", message: STARTING });
  });

  it("stays waiting through the failed check and goes active when the check recovers, never flapping", async () => {
    const { state: started } = await run(workerCharm, on.relationChanged({ id: 7 }), related(slowTempo));
    const settling = await after(started, 60);
    expect(settling.hooks).toEqual(["pebble-check-failed"]);
    expect(settling.state.unitStatus).toEqual({ status: "waiting", message: STARTING });
    const ready = await after(settling.state, 15);
    expect(ready.hooks).toEqual(["pebble-check-recovered"]);
    expect(ready.state.unitStatus).toEqual({ status: "active", message: ACTIVE });
    expect([...settling.statuses, ...ready.statuses]).toEqual(["waiting", "active"]);
  });

  it("is waiting again after a restart, although the check still reports its old successes", async () => {
    const { state: started } = await run(workerCharm, on.relationChanged({ id: 7 }), related(slowTempo));
    const ready = (await after(started, 75)).state;
    const restarted = (await run(workerCharm, on.relationChanged({ id: 7 }), withProviderData(ready, providerBag({ worker_config: tempoConfig({ retentionHours: 24 }) })))).state;
    expect(serviceActions(restarted)).toEqual(["start", "restart"]);
    expect(restarted.unitStatus).toEqual({ status: "waiting", message: STARTING });
    const update = (await run(workerCharm, on.updateStatus(), afterSeconds(restarted, 10).state)).state;
    expect(update.unitStatus.status).toBe("waiting");
    expect((await after(restarted, 75)).state.unitStatus.status).toBe("active");
  });
});

describe("a Tempo that exits at once", () => {
  const portTaken = tempoContainer({
    workloads: { tempo: { exitAfterMs: 30, exitCode: 1, output: ['level=info msg="Starting Tempo"', 'level=error msg="error running Tempo" err="listen tcp :3200: bind: address already in use"'] } },
  });

  it("commits the relation data of relation-created: the coordinator can name this unit", async () => {
    const { state } = await run(workerCharm, on.relationCreated({ id: 7 }), related(portTaken));
    const bags = state.relations[0]!;
    expect(decodeValues(bags.localAppData)).toEqual({ role: "all" });
    expect(JSON.parse(bags.localUnitData["address"] ?? "null")).toBe("tempo-worker-0.tempo-worker-endpoints.test-model.svc.cluster.local");
  });

  it("is blocked with Pebble's cause and Tempo's last log line, while Pebble keeps restarting it", async () => {
    const { state } = await run(workerCharm, on.relationChanged({ id: 7 }), related(portTaken));
    expect(state.unitStatus).toEqual({
      status: "blocked",
      message:
        "Tempo does not stay up (service start attempt: exited quickly with code 1, will restart); Pebble keeps restarting it with backoff; " +
        `Tempo's last log line: level=error msg="error running Tempo" err="listen tcp :3200: bind: address already in use" (more in juju debug-log)`,
    });
    expect(tempoState(state).services.tempo?.current).toBe("backoff");
    expect(tempoState(state).files.find((file) => file.path === "/etc/worker/restart-pending")).toBeUndefined();
  });

  it("does not restart Tempo itself in the next hooks: the retrying is Pebble's", async () => {
    const { state: first } = await run(workerCharm, on.relationChanged({ id: 7 }), related(portTaken));
    const { state: second } = await run(workerCharm, on.updateStatus(), afterSeconds(first, 20).state);
    expect(serviceActions(second)).toEqual(["start"]);
    expect(second.unitStatus.status).toBe("blocked");
  });

  it("clears the status by itself once the port is free and Pebble's restart stays up", async () => {
    const { state: first } = await run(workerCharm, on.relationChanged({ id: 7 }), related(portTaken));
    const failing = await after(first, 20);
    expect(failing.hooks).toEqual(["pebble-check-failed"]);
    expect(failing.state.unitStatus.status).toBe("blocked");
    const freed = withTempoBehaviour(failing.state, {});
    const recovered = await after(freed, 60);
    expect(recovered.hooks).toEqual(["pebble-check-recovered"]);
    expect(recovered.state.unitStatus).toEqual({ status: "active", message: ACTIVE });
    expect(serviceActions(recovered.state)).toEqual(["start"]);
  });
});

describe("judgeReadiness", () => {
  const check = (fields: Partial<CheckInfo>): CheckInfo => ({ name: "ready", level: "", status: "up", successes: 0, failures: 0, threshold: 3, changeId: "7", ...fields });

  it("does not take up with no successes for ready", () => {
    expect(judgeReadiness(check({ successes: 0 }), undefined).kind).toBe("starting");
  });

  it("counts only successes beyond the baseline of the last start", () => {
    expect(judgeReadiness(check({ successes: 12 }), { changeId: "7", successes: 12 }).kind).toBe("starting");
    expect(judgeReadiness(check({ successes: 13 }), { changeId: "7", successes: 12 }).kind).toBe("ready");
  });

  it("takes a recovery (a new change with successes 1) as passed since the start", () => {
    expect(judgeReadiness(check({ successes: 1, changeId: "9" }), { changeId: "7", successes: 12 }).kind).toBe("ready");
  });

  it("tells a check that never passed since the start from one that stopped passing", () => {
    expect(judgeReadiness(check({ status: "down", successes: 12, failures: 3, changeId: "8" }), { changeId: "7", successes: 12 }).kind).toBe("starting");
    expect(judgeReadiness(check({ status: "down", successes: 20, failures: 3, changeId: "8" }), { changeId: "7", successes: 12 })).toEqual({ kind: "not-ready", failures: 3 });
  });
});
