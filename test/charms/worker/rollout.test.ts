import { describe, expect, it } from "vitest";
import { readPeerState, rolloutGate, rolloutGeneration, type PeerRolloutState } from "../../../src/charms/worker/rollout.js";

const NEW = "new-generation";
const OLD = "old-generation";

function peer(unit: string, generation: string | undefined, isReady = true): PeerRolloutState {
  return { unit, generation, isReady };
}

describe("the rollout gate", () => {
  it("lets a unit with no peers restart at once", () => {
    expect(rolloutGate("tempo-ingester/0", NEW, [])).toEqual({ kind: "go" });
  });

  it("lets the lowest-numbered unit still on the old generation go first while the others are ready", () => {
    expect(rolloutGate("tempo-ingester/0", NEW, [peer("tempo-ingester/1", OLD), peer("tempo-ingester/2", OLD)])).toEqual({ kind: "go" });
  });

  it("holds a unit back while a lower-numbered unit has not moved to the new generation", () => {
    expect(rolloutGate("tempo-ingester/2", NEW, [peer("tempo-ingester/0", OLD), peer("tempo-ingester/1", OLD)])).toEqual({
      kind: "wait",
      message: "rollout: waiting for tempo-ingester/0 to restart first",
    });
  });

  it("holds a unit back while another unit of its application is not ready", () => {
    expect(rolloutGate("tempo-ingester/1", NEW, [peer("tempo-ingester/0", NEW, false), peer("tempo-ingester/2", OLD)])).toEqual({
      kind: "wait",
      message: "rollout: waiting for tempo-ingester/0 to be ready",
    });
  });

  it("lets the next unit go once the earlier ones are on the new generation and ready", () => {
    expect(rolloutGate("tempo-ingester/2", NEW, [peer("tempo-ingester/0", NEW), peer("tempo-ingester/1", NEW)])).toEqual({ kind: "go" });
  });

  it("orders units by number, not by name (unit 10 comes after unit 9)", () => {
    expect(rolloutGate("tempo-ingester/10", NEW, [peer("tempo-ingester/9", OLD)]).kind).toBe("wait");
    expect(rolloutGate("tempo-ingester/9", NEW, [peer("tempo-ingester/10", OLD)]).kind).toBe("go");
  });

  it("counts a peer that published nothing as ready but on an older generation, so a lower one still goes first", () => {
    expect(readPeerState("tempo-ingester/0", {})).toEqual({ unit: "tempo-ingester/0", generation: undefined, isReady: true });
    expect(rolloutGate("tempo-ingester/1", NEW, [readPeerState("tempo-ingester/0", {})]).kind).toBe("wait");
    expect(rolloutGate("tempo-ingester/0", NEW, [readPeerState("tempo-ingester/1", {})]).kind).toBe("go");
  });

  it("reads a peer that published ready=false as not ready", () => {
    expect(readPeerState("tempo-ingester/0", { "rollout-generation": NEW, ready: "false" }).isReady).toBe(false);
  });
});

describe("the rollout generation", () => {
  it("is the same for the same coordinator data whatever the key order", () => {
    expect(rolloutGeneration({ a: "1", b: "2" }, "ingester")).toBe(rolloutGeneration({ b: "2", a: "1" }, "ingester"));
  });

  it("changes when the coordinator's data changes", () => {
    expect(rolloutGeneration({ worker_config: "x: 1" }, "ingester")).not.toBe(rolloutGeneration({ worker_config: "x: 2" }, "ingester"));
  });
});
