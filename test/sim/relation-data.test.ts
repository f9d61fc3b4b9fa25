import { describe, expect, it } from "vitest";
import type { JujuEvent } from "../../src/juju/events.js";
import { MAX_HOOK_ATTEMPTS, Simulator } from "../../src/sim/simulator.js";
import { UnitQueue } from "../../src/sim/unit-queue.js";
import { memberCharm, registryCharm } from "./toy-charms.js";

async function relatedModel(members = 2) {
  const sim = new Simulator();
  sim.deploy("registry", registryCharm);
  sim.deploy("member", memberCharm, { units: members });
  sim.relate("registry", "member");
  expect(await sim.run()).toMatchObject({ kind: "quiet" });
  return sim;
}

function changed(relationId: number, remoteUnit?: string): JujuEvent {
  return { kind: "relation-changed", relation: { endpoint: "roster", id: relationId }, remoteApp: "registry", ...(remoteUnit ? { remoteUnit } : {}) };
}

describe("relation-changed in the simulator", () => {
  it("fires no relation-changed when a hook writes nothing new", async () => {
    const sim = await relatedModel();
    const from = sim.timeline.length;
    expect(sim.configure("registry", { colour: "blue" }).kind).toBe("done"); // an option it publishes nowhere
    await sim.run();
    expect(sim.timeline.slice(from).map((entry) => `${entry.unit} ${entry.hook}`)).toEqual(["registry/0 config-changed"]);
    expect(sim.stats.noOpRelationSets).toBe(0);
  });

  it("runs no config-changed when the config did not change", async () => {
    const sim = await relatedModel();
    const from = sim.timeline.length;
    expect(sim.configure("registry", { motd: "hello" }).kind).toBe("done");
    expect(await sim.run()).toEqual({ kind: "quiet", hooks: 0 });
    expect(sim.timeline.length).toBe(from);
  });

  it("gives every unit on the other side one changed for an app-bag change, and the unit-bag counterpart one for the unit", async () => {
    const sim = await relatedModel();
    const from = sim.timeline.length;
    sim.configure("registry", { motd: "welcome" });
    await sim.run();
    const memberHooks = sim.timeline.slice(from).filter((entry) => entry.unit.startsWith("member/"));
    expect(memberHooks.map((entry) => `${entry.unit} ${entry.hook} ${entry.remote}`)).toEqual([
      "member/0 roster-relation-changed registry/0",
      "member/0 roster-relation-changed registry",
      "member/1 roster-relation-changed registry/0",
      "member/1 roster-relation-changed registry",
    ]);
  });

  it("never sends a unit an event for its own writes, in a regular or a peer relation", async () => {
    const sim = await relatedModel(3);
    sim.configure("registry", { motd: "again" });
    sim.addUnits("member");
    await sim.run();
    for (const entry of sim.timeline) {
      expect(entry.remote).not.toBe(entry.unit);
      // The leader writes the peer app bag; only the other peers hear of it.
      if (entry.unit === "member/0") expect(`${entry.hook} ${entry.remote}`).not.toBe("crew-relation-changed member");
    }
    expect(sim.timeline.filter((entry) => entry.hook === "crew-relation-changed" && entry.remote === "member").map((entry) => entry.unit)).toEqual([
      "member/1",
      "member/2",
      "member/3",
    ]);
  });

  it("coalesces the registry's many publications into one pending changed per waiting member", async () => {
    const sim = new Simulator();
    sim.deploy("registry", registryCharm);
    sim.deploy("member", memberCharm, { units: 4 });
    sim.relate("registry", "member");
    await sim.run();
    for (const unit of ["member/0", "member/1", "member/2", "member/3"]) {
      const appChanges = sim.timeline.filter((entry) => entry.unit === unit && entry.hook === "roster-relation-changed" && entry.remote === "registry");
      expect(appChanges).toHaveLength(1);
    }
    expect(sim.stats.coalesced).toBeGreaterThan(0);
  });
});

describe("the unit queue", () => {
  it("keeps one pending changed per relation and remote unit, and separate ones for different remotes", () => {
    const queue = new UnitQueue();
    expect(queue.push(changed(3, "registry/0"))).toBe(true);
    expect(queue.push(changed(3, "registry/0"))).toBe(false);
    expect(queue.push(changed(3))).toBe(true);
    expect(queue.push(changed(4, "registry/0"))).toBe(true);
    expect(queue.size).toBe(3);
  });

  it("never coalesces hooks that must each run", () => {
    const queue = new UnitQueue();
    const joined: JujuEvent = { kind: "relation-joined", relation: { endpoint: "roster", id: 3 }, remoteApp: "registry", remoteUnit: "registry/0" };
    queue.push(joined);
    queue.push(joined);
    queue.push({ kind: "install" });
    queue.push({ kind: "install" });
    expect(queue.size).toBe(4);
  });

  it("queues a new changed once the pending one has run", () => {
    const queue = new UnitQueue();
    queue.push(changed(3, "registry/0"));
    queue.completeHead();
    expect(queue.push(changed(3, "registry/0"))).toBe(true);
  });
});

describe("failing hooks and leadership", () => {
  it("discards a failed hook's writes, puts the unit in error, and retries the hook until it commits", async () => {
    const sim = await relatedModel();
    const relation = sim.relationBetween("registry", "member")!;
    const from = sim.timeline.length;
    expect(sim.failNextHook("registry/0", "config-changed").kind).toBe("done");
    sim.configure("registry", { motd: "changed" });

    // Run the failing hook alone: its writes must not reach the world.
    expect(await sim.run({ maxHooks: 1 })).toMatchObject({ kind: "hook-limit" });
    expect(sim.timeline.at(-1)).toMatchObject({ unit: "registry/0", hook: "config-changed", outcome: "failed" });
    expect(sim.agentStatus("registry/0")).toEqual({ status: "error", message: 'hook failed: "config-changed"' });
    expect(relation.appData.get("registry")!.motd).toBe("hello");

    expect(await sim.run()).toMatchObject({ kind: "quiet" });
    const registryHooks = sim.timeline.slice(from).filter((entry) => entry.unit === "registry/0");
    expect(registryHooks.slice(0, 2).map((entry) => `${entry.hook} ${entry.outcome}`)).toEqual(["config-changed failed", "config-changed ok"]);
    expect(relation.appData.get("registry")!.motd).toBe("changed");
    expect(sim.agentStatus("registry/0")).toEqual({ status: "idle", message: "" });
  });

  it("leaves a unit whose hook keeps failing in error and reports it as stuck", async () => {
    const sim = await relatedModel();
    sim.configure("member", { explode: "true" });
    const outcome = await sim.run();
    expect(outcome).toMatchObject({ kind: "stuck", units: [{ unit: "member/0", hook: "config-changed", error: "exploded on purpose" }, { unit: "member/1" }] });
    expect(sim.timeline.filter((entry) => entry.unit === "member/0" && entry.outcome === "failed")).toHaveLength(MAX_HOOK_ATTEMPTS);
    expect(sim.agentStatus("member/0")?.status).toBe("error");
  });

  it("runs a stuck unit's failed hook again once the operator fixed the cause and resolved it", async () => {
    const sim = await relatedModel();
    sim.configure("member", { explode: "true" });
    expect((await sim.run()).kind).toBe("stuck");
    sim.configure("member", { explode: "false" });
    expect(sim.resolve("member/0").kind).toBe("done");
    expect(sim.resolve("member/1").kind).toBe("done");
    expect(await sim.run()).toMatchObject({ kind: "quiet" });
    expect(sim.agentStatus("member/0")).toEqual({ status: "idle", message: "" });
    expect(sim.timeline.at(-1)).toMatchObject({ outcome: "ok" });
    expect(sim.resolve("member/0")).toEqual({ kind: "rejected", reason: "member/0 is not in error" });
  });

  it("moves leadership: leader-elected on the new leader, leader-settings-changed on the others, the old leader included", async () => {
    const sim = await relatedModel(3);
    const from = sim.timeline.length;
    expect(sim.setLeader("member/2").kind).toBe("done");
    await sim.run();
    const leadershipHooks = sim.timeline.slice(from).filter((entry) => entry.hook.startsWith("leader-")).map((entry) => `${entry.unit} ${entry.hook}`);
    expect(leadershipHooks).toEqual(["member/0 leader-settings-changed", "member/1 leader-settings-changed", "member/2 leader-elected"]);
    // The new leader takes over the peer app bag.
    expect(sim.relationBetween("member", "member")!.appData.get("member")!.captain).toBe("member/2");
  });

  it("rejects operations on things that are not in the model, with the reason", () => {
    const sim = new Simulator();
    sim.deploy("registry", registryCharm);
    expect(sim.removeUnit("registry/7")).toEqual({ kind: "rejected", reason: "no unit registry/7 in the model" });
    expect(sim.relate("registry", "nothing")).toEqual({ kind: "rejected", reason: "no application nothing in the model" });
    expect(sim.configure("registry", { motd: 3, colour: "red" })).toMatchObject({ kind: "rejected" });
    expect(sim.deploy("registry", registryCharm)).toEqual({ kind: "rejected", reason: "application registry already exists" });
    expect(sim.setLeader("registry/0")).toEqual({ kind: "rejected", reason: "registry/0 is already the leader" });
  });
});
