import { describe, expect, it } from "vitest";
import type { Charm } from "../../src/juju/charm.js";
import type { JujuEvent } from "../../src/juju/events.js";
import {
  addApplication,
  addUnit,
  createWorld,
  enterScope,
  leaveScope,
  relate,
  removeRelation,
  removeUnit,
  runUnitHook,
  setLeader,
} from "../../src/testing/index.js";
import { exampleCharm } from "../fixtures/example-charm.js";

const clientCharm: Charm = {
  meta: {
    name: "client",
    summary: "s",
    description: "d",
    requires: { api: { interface: "example_api" } },
  },
  async reconcile(model) {
    for (const relation of model.relations("api")) relation.localUnitData().set("requested", model.unit.name);
  },
};

function model() {
  const world = createWorld();
  addApplication(world, { name: "example", meta: exampleCharm.meta });
  addApplication(world, { name: "client", meta: clientCharm.meta });
  const server = addUnit(world, "example", { address: "10.0.0.1" });
  setLeader(world, "example", server);
  const clients = [addUnit(world, "client", { address: "10.0.1.1" }), addUnit(world, "client", { address: "10.0.1.2" })];
  const id = relate(world, { app: "example", endpoint: "example-api" }, { app: "client", endpoint: "api" });
  for (const unit of [server, ...clients]) enterScope(world, id, unit);
  return { world, server, clients, id };
}

function relationEvent(kind: "joined" | "changed" | "departed", id: number, remoteUnit: string): JujuEvent {
  return {
    kind: `relation-${kind}`,
    relation: { endpoint: "example-api", id },
    remoteApp: "client",
    remoteUnit,
    ...(kind === "departed" ? { departingUnit: remoteUnit } : {}),
  };
}

describe("a World shared by many units", () => {
  it("seeds each unit bag with the unit's own address on entering scope", () => {
    const { world, id, clients } = model();
    expect(world.relations.get(id)!.unitData.get(clients[1]!)).toEqual({
      "egress-subnets": "10.0.1.2/32",
      "ingress-address": "10.0.1.2",
      "private-address": "10.0.1.2",
    });
  });

  it("lists a remote unit only once this unit's joined hook for it has run", async () => {
    const { world, server, clients, id } = model();
    const first = await runUnitHook(exampleCharm, world, server, relationEvent("joined", id, clients[0]!));
    expect(first.kind).toBe("committed");
    expect(world.relations.get(id)!.appData.get("example")!["remote-units"]).toBe('["client/0"]');
    await runUnitHook(exampleCharm, world, server, { kind: "update-status" });
    expect(world.relations.get(id)!.appData.get("example")!["remote-units"]).toBe('["client/0"]');
    await runUnitHook(exampleCharm, world, server, relationEvent("joined", id, clients[1]!));
    expect(world.relations.get(id)!.appData.get("example")!["remote-units"]).toBe('["client/0","client/1"]');
  });

  it("shows a remote unit's writes only after its hook committed", async () => {
    const { world, server, clients, id } = model();
    await runUnitHook(exampleCharm, world, server, relationEvent("joined", id, clients[0]!));
    await runUnitHook(exampleCharm, world, server, relationEvent("joined", id, clients[1]!));
    expect(world.relations.get(id)!.appData.get("example")!.requested).toBe("[]");
    const clientEvent: JujuEvent = {
      kind: "relation-joined",
      relation: { endpoint: "api", id },
      remoteApp: "example",
      remoteUnit: server,
    };
    await runUnitHook(clientCharm, world, clients[0]!, clientEvent);
    await runUnitHook(exampleCharm, world, server, relationEvent("changed", id, clients[0]!));
    expect(world.relations.get(id)!.appData.get("example")!.requested).toBe('["client/0"]');
  });

  it("drops a departed unit from the list while its bag stays in the world", async () => {
    const { world, server, clients, id } = model();
    for (const unit of clients) await runUnitHook(exampleCharm, world, server, relationEvent("joined", id, unit));
    leaveScope(world, id, clients[0]!);
    await runUnitHook(exampleCharm, world, server, relationEvent("departed", id, clients[0]!));
    expect(world.relations.get(id)!.appData.get("example")!["remote-units"]).toBe('["client/1"]');
    expect(world.relations.get(id)!.unitData.has(clients[0]!)).toBe(true);
  });

  it("lets only the current leader write the application bag", async () => {
    const { world, id } = model();
    const second = addUnit(world, "example");
    enterScope(world, id, second);
    const outcome = await runUnitHook(exampleCharm, world, second, { kind: "config-changed" });
    expect(outcome.kind).toBe("committed");
    expect(world.relations.get(id)!.appData.get("example")).toEqual({});
    setLeader(world, "example", second);
    await runUnitHook(exampleCharm, world, second, { kind: "leader-elected" });
    expect(world.relations.get(id)!.appData.get("example")).toMatchObject({ greeting: "hello" });
  });
});

describe("building a World", () => {
  it("never reuses a unit number, even after the highest unit is removed", () => {
    const world = createWorld();
    addApplication(world, { name: "example", meta: exampleCharm.meta });
    addUnit(world, "example");
    const second = addUnit(world, "example");
    removeUnit(world, second);
    expect(addUnit(world, "example")).toBe("example/2");
  });

  it("refuses to relate endpoints the charms do not declare, or a peer endpoint across applications", () => {
    const world = createWorld();
    addApplication(world, { name: "example", meta: exampleCharm.meta });
    addApplication(world, { name: "client", meta: clientCharm.meta });
    expect(() => relate(world, { app: "example", endpoint: "nope" }, { app: "client", endpoint: "api" })).toThrow(/no endpoint "nope"/);
    expect(() => relate(world, { app: "example", endpoint: "replicas" }, { app: "client", endpoint: "api" })).toThrow(/cannot be used/);
  });

  it("makes a peer relation when both ends are the same application and endpoint, and never reuses ids", () => {
    const world = createWorld();
    addApplication(world, { name: "example", meta: exampleCharm.meta });
    const peers = relate(world, { app: "example", endpoint: "replicas" }, { app: "example", endpoint: "replicas" });
    removeRelation(world, peers);
    const again = relate(world, { app: "example", endpoint: "replicas" }, { app: "example", endpoint: "replicas" });
    expect(world.relations.get(again)!.ends).toEqual([{ app: "example", endpoint: "replicas" }]);
    expect(again).toBeGreaterThan(peers);
  });
});

describe("a World with the uniter's remote unit cache", () => {
  it("shows a member's bag as last read until a changed hook for that unit runs", async () => {
    const { world, server, clients, id } = model();
    world.cacheRemoteUnitBags = true;
    await runUnitHook(exampleCharm, world, server, relationEvent("joined", id, clients[0]!));
    const clientEvent: JujuEvent = { kind: "relation-joined", relation: { endpoint: "api", id }, remoteApp: "example", remoteUnit: server };
    await runUnitHook(clientCharm, world, clients[0]!, clientEvent);
    await runUnitHook(exampleCharm, world, server, { kind: "update-status" });
    expect(world.relations.get(id)!.appData.get("example")!.requested).toBe("[]");
    await runUnitHook(exampleCharm, world, server, relationEvent("changed", id, clients[0]!));
    expect(world.relations.get(id)!.appData.get("example")!.requested).toBe('["client/0"]');
  });
});
