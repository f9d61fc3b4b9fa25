import { describe, expect, it } from "vitest";
import type { Charm } from "../../src/juju/charm.js";
import { Simulator } from "../../src/sim/simulator.js";
import { memberCharm, registryCharm } from "./toy-charms.js";

/** The toy member without its peer relation: peers cost n² joins in Juju too, and are not what this measures. */
const loneMemberCharm: Charm = {
  meta: { ...memberCharm.meta, name: "lone-member", peers: {} },
  reconcile: memberCharm.reconcile,
};

async function converge(members: number) {
  const sim = new Simulator();
  sim.deploy("registry", registryCharm);
  sim.deploy("member", loneMemberCharm, { units: members });
  sim.relate("registry", "member");
  const outcome = await sim.run();
  return { sim, outcome };
}

describe("simulator scale", () => {
  it("converges 1,000 requirer units with a number of hooks linear in the units", async () => {
    const small = await converge(100);
    const large = await converge(1000);
    expect(large.outcome.kind).toBe("quiet");
    // Every member sees the whole roster, and the registry lists every member.
    const relation = large.sim.relationBetween("registry", "member")!;
    expect(JSON.parse(relation.appData.get("registry")!.members!)).toHaveLength(1000);
    expect(new Set([...relation.unitData.entries()].filter(([unit]) => unit.startsWith("member/")).map(([, bag]) => bag.seen))).toEqual(new Set(["1000"]));
    // Linear: ten times the units, at most ten times the hooks (plus the fixed cost of the registry's setup).
    expect(large.sim.stats.hooks).toBeLessThanOrEqual(10 * small.sim.stats.hooks);
    // Per member: 8 of its own (setup, joined, changed, the roster) and 3 on the registry (joined, changed, its report).
    expect(large.sim.stats.hooks).toBeLessThanOrEqual(11 * 1000 + 10);
    expect(large.sim.stats.noOpRelationSets).toBe(0);
  });
});
