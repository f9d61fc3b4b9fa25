import { describe, expect, it } from "vitest";
import { Simulator } from "../../src/sim/simulator.js";
import { memberCharm, registryCharm } from "./toy-charms.js";

/** `hook remote` for each hook `unit` ran after timeline position `from`. */
function hooksOf(sim: Simulator, unit: string, from = 0): string[] {
  return sim.timeline.slice(from).filter((entry) => entry.unit === unit).map((entry) => `${entry.hook}${entry.remote ? ` ${entry.remote}` : ""}`);
}

async function relatedModel(members = 2) {
  const sim = new Simulator();
  expect(sim.deploy("registry", registryCharm).kind).toBe("done");
  expect(sim.deploy("member", memberCharm, { units: members }).kind).toBe("done");
  expect(sim.relate("registry", "member").kind).toBe("done");
  expect(await sim.run()).toMatchObject({ kind: "quiet" });
  return sim;
}

describe("Juju's event order in the simulator", () => {
  it("runs a new unit's setup in Juju's order: install, relation-created for every relation, leadership, config, start, then joins", async () => {
    const sim = await relatedModel();
    const from = sim.timeline.length;
    expect(sim.addUnits("member").kind).toBe("done");
    expect(await sim.run()).toMatchObject({ kind: "quiet" });
    expect(hooksOf(sim, "member/2", from)).toEqual([
      "install",
      "crew-relation-created",
      "roster-relation-created",
      "leader-settings-changed",
      "config-changed",
      "start",
      "crew-relation-joined member/0",
      "crew-relation-changed member/0",
      "crew-relation-joined member/1",
      "crew-relation-changed member/1",
      "crew-relation-changed member",
      "roster-relation-joined registry/0",
      "roster-relation-changed registry/0",
      "roster-relation-changed registry",
    ]);
  });

  it("gives the existing side joined then changed for the new unit, and one changed per later real change", async () => {
    const sim = await relatedModel();
    const from = sim.timeline.length;
    sim.addUnits("member");
    await sim.run();
    // The registry republishes its member list; each member then reports a new count (one change each).
    expect(hooksOf(sim, "registry/0", from)).toEqual([
      "roster-relation-joined member/2",
      "roster-relation-changed member/2",
      "roster-relation-changed member/0",
      "roster-relation-changed member/1",
      "roster-relation-changed member/2",
    ]);
    expect(hooksOf(sim, "member/0", from)).toEqual(["crew-relation-joined member/2", "crew-relation-changed member/2", "roster-relation-changed registry"]);
  });

  it("sets up the first unit as leader with leader-elected and the others with leader-settings-changed", async () => {
    const sim = await relatedModel(3);
    expect(hooksOf(sim, "member/0")).toContain("leader-elected");
    expect(hooksOf(sim, "member/1")).toContain("leader-settings-changed");
    expect(hooksOf(sim, "member/1")).not.toContain("leader-elected");
  });

  it("relates two running applications with created, then joined and changed for each remote unit, on both sides", async () => {
    const sim = new Simulator();
    sim.deploy("registry", registryCharm);
    sim.deploy("member", memberCharm, { units: 2 });
    await sim.run();
    const from = sim.timeline.length;
    expect(sim.relate("registry:roster", "member:roster")).toMatchObject({ kind: "done" });
    await sim.run();
    expect(hooksOf(sim, "registry/0", from).slice(0, 5)).toEqual([
      "roster-relation-created",
      "roster-relation-joined member/0",
      "roster-relation-changed member/0",
      "roster-relation-joined member/1",
      "roster-relation-changed member/1",
    ]);
    expect(hooksOf(sim, "member/1", from)).toEqual([
      "roster-relation-created",
      "roster-relation-joined registry/0",
      "roster-relation-changed registry/0",
      "roster-relation-changed registry",
    ]);
  });

  it("removes a relation with departed for each remote unit then broken, on both sides, and forgets it", async () => {
    const sim = await relatedModel();
    const relationId = sim.relationBetween("registry", "member")!.id;
    const from = sim.timeline.length;
    expect(sim.removeRelation("member", "registry")).toEqual({ kind: "done", value: relationId });
    expect(await sim.run()).toMatchObject({ kind: "quiet" });
    expect(hooksOf(sim, "registry/0", from)).toEqual(["roster-relation-departed member/0", "roster-relation-departed member/1", "roster-relation-broken"]);
    expect(hooksOf(sim, "member/0", from)).toEqual(["roster-relation-departed registry/0", "roster-relation-broken"]);
    expect(sim.world.relations.has(relationId)).toBe(false);
  });

  it("removes a unit: the others see it depart, it departs from everyone, breaks non-peer relations, stops and is removed", async () => {
    const sim = await relatedModel(3);
    const from = sim.timeline.length;
    expect(sim.removeUnit("member/1").kind).toBe("done");
    expect(sim.pendingEvents("member/1").map((event) => event.kind)).toEqual([
      "relation-departed",
      "relation-departed",
      "relation-departed",
      "relation-broken",
      "stop",
      "remove",
    ]);
    await sim.run();
    expect(hooksOf(sim, "member/1", from)).toEqual([
      "crew-relation-departed member/0",
      "crew-relation-departed member/2",
      "roster-relation-departed registry/0",
      "roster-relation-broken",
      "stop",
      "remove",
    ]);
    expect(hooksOf(sim, "registry/0", from)[0]).toBe("roster-relation-departed member/1");
    expect(hooksOf(sim, "member/2", from)[0]).toBe("crew-relation-departed member/1");
    expect(sim.world.units.has("member/1")).toBe(false);
    // The registry's published list follows.
    expect(JSON.parse(sim.relationBetween("registry", "member")!.appData.get("registry")!.members!)).toEqual(["member/0", "member/2"]);
  });

  it("elects a new leader when the leader is removed", async () => {
    const sim = await relatedModel(3);
    const from = sim.timeline.length;
    sim.removeUnit("member/0");
    await sim.run();
    expect(sim.world.apps.get("member")!.leader).toBe("member/1");
    expect(hooksOf(sim, "member/1", from)).toContain("leader-elected");
    expect(hooksOf(sim, "member/2", from)).toContain("leader-settings-changed");
  });

  it("removes an application: the other side sees its units depart and the relation break", async () => {
    const sim = await relatedModel();
    const from = sim.timeline.length;
    expect(sim.removeApplication("member").kind).toBe("done");
    expect(await sim.run()).toMatchObject({ kind: "quiet" });
    expect(hooksOf(sim, "registry/0", from)).toEqual(["roster-relation-departed member/0", "roster-relation-departed member/1", "roster-relation-broken"]);
    expect(sim.applications()).toEqual(["registry"]);
    expect([...sim.world.units.keys()]).toEqual(["registry/0"]);
    expect(sim.world.relations.size).toBe(0);
  });
});
