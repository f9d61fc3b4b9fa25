import { describe, expect, it } from "vitest";
import type { JujuEvent } from "../../src/juju/events.js";
import { Model, ModelAccessError } from "../../src/juju/model.js";
import type { StateInput } from "../../src/testing/index.js";
import { MemoryBackend, peerRelation, relation, state, worldFromState } from "../../src/testing/index.js";
import { exampleCharm } from "../fixtures/example-charm.js";

/** A Model over the in-memory backend, for checking what the model asks of Juju. */
function modelFor(input: StateInput, event: JujuEvent = { kind: "update-status" }) {
  const unitWorld = worldFromState(exampleCharm.meta, state(input));
  const backend = new MemoryBackend(unitWorld.world, {
    unit: unitWorld.unitName,
    ...(event.kind.startsWith("relation-") && "relation" in event
      ? {
          relation: {
            id: event.relation.id,
            kind: event.kind.slice(9) as "changed",
            ...(event.remoteUnit ? { remoteUnit: event.remoteUnit } : {}),
          },
        }
      : {}),
  });
  const model = new Model({
    meta: exampleCharm.meta,
    backend,
    context: {
      unitName: unitWorld.unitName,
      appName: unitWorld.appName,
      modelName: "m",
      modelUuid: "u",
      jujuVersion: "3.6.14",
      event,
    },
  });
  const calls = () => backend.record.calls;
  return { model, backend, calls, world: unitWorld.world };
}

describe("Model: relations", () => {
  it("leaves the relation being broken out of relations() even when Juju (before 3.4) still lists it", () => {
    const broken = relation({ endpoint: "example-api", id: 7, remoteApp: "client" });
    const other = relation({ endpoint: "example-api", id: 8, remoteApp: "other" });
    const { model, world } = modelFor(
      { relations: [broken, other] },
      { kind: "relation-broken", relation: { endpoint: "example-api", id: 7 }, remoteApp: "client" },
    );
    world.listsBrokenRelation = true;
    expect(model.relations("example-api").map((candidate) => candidate.id)).toEqual([8]);
    expect(model.eventRelation()?.isActive).toBe(false);
  });
});

const api = relation({
  endpoint: "example-api",
  id: 5,
  remoteApp: "client",
  localAppData: { kept: "1", old: "x" },
  remoteAppData: { wants: "all" },
  remoteUnitsData: { 0: { requested: "a" }, 1: { requested: "b" } },
});

describe("Model: application databag access", () => {
  it("refuses a non-leader's read of its own application bag without running relation-get", () => {
    const { model, calls } = modelFor({ relations: [api] });
    const [rel] = model.relations("example-api");
    expect(() => rel!.localAppData().entries()).toThrow(ModelAccessError);
    expect(calls().filter((call) => call.startsWith("relation-get"))).toEqual([]);
  });

  it("refuses a non-leader's write to its own application bag without running relation-set", () => {
    const { model, calls } = modelFor({ relations: [api] });
    const [rel] = model.relations("example-api");
    expect(() => rel!.localAppData().set("k", "v")).toThrow(/only the leader/);
    model.commit();
    expect(calls().filter((call) => call.startsWith("relation-"))).toEqual(["relation-ids example-api"]);
  });

  it("lets a non-leader read the peer application bag but not write it", () => {
    const peers = peerRelation({ endpoint: "replicas", id: 2, localAppData: { seed: "s" } });
    const { model } = modelFor({ relations: [peers] });
    const [rel] = model.relations("replicas");
    expect(rel!.localAppData().entries()).toEqual({ seed: "s" });
    expect(() => rel!.localAppData().set("seed", "t")).toThrow(ModelAccessError);
  });

  it("asks is-leader once per hook however many bags it guards", () => {
    const { model, calls } = modelFor({ leader: true, relations: [api] });
    const [rel] = model.relations("example-api");
    rel!.localAppData().set("a", "1");
    rel!.localAppData().set("b", "2");
    rel!.localAppData().entries();
    expect(model.isLeader()).toBe(true);
    expect(calls().filter((call) => call === "is-leader")).toHaveLength(1);
  });
});

describe("Model: buffered databag writes", () => {
  it("sends one relation-set per bag carrying only the keys that changed", () => {
    const { model, calls } = modelFor({ leader: true, relations: [api] });
    const [rel] = model.relations("example-api");
    const bag = rel!.localAppData();
    bag.set("kept", "1");
    bag.set("new", "n");
    bag.update({ other: "o", new: "n2" });
    expect(calls().filter((call) => call.startsWith("relation-set"))).toEqual([]);
    model.commit();
    expect(calls().filter((call) => call.startsWith("relation-set"))).toEqual(["relation-set -r example-api:5 --app --file -"]);
  });

  it("writes exactly the changed keys, deleting with an empty value", () => {
    const sent: Record<string, string>[] = [];
    const { model, backend } = modelFor({ leader: true, relations: [api] });
    const original = backend.relationSet.bind(backend);
    backend.relationSet = (ref, changes, isApp) => {
      sent.push(changes);
      original(ref, changes, isApp);
    };
    const [rel] = model.relations("example-api");
    rel!.localAppData().update({ kept: "1", old: undefined, fresh: "f", never: "" });
    model.commit();
    expect(sent).toEqual([{ fresh: "f", old: "" }]);
  });

  it("sends nothing when every write leaves the bag as it was", () => {
    const { model, calls } = modelFor({ leader: true, relations: [api] });
    const [rel] = model.relations("example-api");
    rel!.localAppData().update({ kept: "1", missing: "" });
    rel!.localUnitData().set("ingress-address", "192.0.2.0");
    model.commit();
    expect(calls().filter((call) => call.startsWith("relation-set"))).toEqual([]);
  });

  it("shows the hook's own writes on read before they are sent", () => {
    const { model } = modelFor({ relations: [api] });
    const [rel] = model.relations("example-api");
    rel!.localUnitData().set("x", "1");
    rel!.localUnitData().delete("private-address");
    expect(rel!.localUnitData().get("x")).toBe("1");
    expect(rel!.localUnitData().entries()).not.toHaveProperty("private-address");
  });

  it("reads each remote bag with one relation-get however often the charm looks", () => {
    const { model, calls } = modelFor({ relations: [api] });
    const [rel] = model.relations("example-api");
    for (let i = 0; i < 3; i++) {
      rel!.remoteUnitData("client/0");
      rel!.remoteAppData();
      void rel!.units;
    }
    expect(calls()).toEqual([
      "relation-ids example-api",
      "relation-get -r example-api:5 - client/0",
      "relation-list -r example-api:5",
      "relation-get -r example-api:5 --app - client",
    ]);
  });

  it("hands out remote bags that cannot be modified", () => {
    const { model } = modelFor({ relations: [api] });
    const [rel] = model.relations("example-api");
    const bag = rel!.remoteUnitData("client/0") as Record<string, string>;
    expect(() => {
      bag.requested = "z";
    }).toThrow(TypeError);
  });

  it("refuses a non-string value before anything is buffered", () => {
    const { model } = modelFor({ relations: [api] });
    const [rel] = model.relations("example-api");
    expect(() => rel!.localUnitData().update({ n: 3 as unknown as string })).toThrow(/must be strings/);
  });
});

describe("Model: relations", () => {
  it("names the remote application from the hook without asking Juju", () => {
    const event: JujuEvent = { kind: "relation-changed", relation: { endpoint: "example-api", id: 5 }, remoteApp: "client" };
    const { model, calls } = modelFor({ relations: [api] }, event);
    expect(model.eventRelation()!.app).toBe("client");
    expect(calls()).toEqual([]);
  });

  it("keeps the broken relation reachable from the event but out of relations()", () => {
    const event: JujuEvent = { kind: "relation-broken", relation: { endpoint: "example-api", id: 5 }, remoteApp: "client" };
    const { model } = modelFor({ relations: [api] }, event);
    expect(model.relations("example-api")).toEqual([]);
    const broken = model.eventRelation()!;
    expect(broken.isActive).toBe(false);
    expect(broken.units).toEqual([]);
    expect(broken.remoteAppData()).toEqual({ wants: "all" });
  });

  it("refuses an endpoint that is not in the metadata", () => {
    const { model } = modelFor({});
    expect(() => model.relations("nope")).toThrow(/not in the charm's metadata/);
  });
});

describe("Model: status, ports, config, version", () => {
  it("skips status-set when Juju already shows the same status", () => {
    const { model, calls } = modelFor({ unitStatus: { status: "active", message: "ok" } });
    model.setUnitStatus({ status: "active", message: "ok" });
    expect(calls()).toEqual(["status-get --application=false"]);
    model.setUnitStatus({ status: "blocked", message: "relate s3" });
    model.setUnitStatus({ status: "blocked", message: "relate s3" });
    expect(calls()).toEqual(["status-get --application=false", "status-set --application=false blocked"]);
  });

  it("refuses application status from a non-leader", () => {
    const { model, calls } = modelFor({});
    expect(() => model.setAppStatus({ status: "active" })).toThrow(ModelAccessError);
    expect(calls()).toEqual(["is-leader"]);
  });

  it("opens and closes only the difference between the wanted and opened ports", () => {
    const { model, calls } = modelFor({
      openedPorts: [
        { protocol: "tcp", port: 80 },
        { protocol: "tcp", port: 443 },
      ],
    });
    model.setPorts([
      { protocol: "tcp", port: 443 },
      { protocol: "udp", port: 53 },
    ]);
    expect(calls()).toEqual([]);
    model.commit();
    expect(calls()).toEqual(["opened-ports", "close-port 80/tcp", "open-port 53/udp"]);
  });

  it("touches no port when the wanted set is already open", () => {
    const { model, calls } = modelFor({ openedPorts: [{ protocol: "tcp", port: 80 }] });
    model.setPorts([{ protocol: "tcp", port: 80 }]);
    model.commit();
    expect(calls()).toEqual(["opened-ports"]);
  });

  it("reads config once, with metadata defaults under the operator's values", () => {
    const { model, calls } = modelFor({ config: { port: 9000 } });
    expect(model.config).toEqual({ "fail-hook": false, greeting: "hello", port: 9000 });
    void model.config.port;
    expect(calls()).toEqual(["config-get"]);
  });

  it("sends a repeated workload version once", () => {
    const { model, calls } = modelFor({});
    model.setWorkloadVersion("2.8.1");
    model.setWorkloadVersion("2.8.1");
    expect(calls()).toEqual(["application-version-set"]);
  });

  it("refuses a container the metadata does not declare", () => {
    const { model } = modelFor({});
    expect(() => model.container("workload")).toThrow(/not in the charm's metadata/);
  });
});

describe("Model: network and unit state", () => {
  it("answers network-get once per binding, from the state's networks", () => {
    const ingress = { bindAddresses: [], egressSubnets: ["10.0.0.0/24"], ingressAddresses: ["10.0.0.7"] };
    const { model, calls } = modelFor({ networks: { "example-api": ingress } });
    expect(model.network("example-api").ingressAddresses).toEqual(["10.0.0.7"]);
    expect(model.network("example-api").ingressAddresses).toEqual(["10.0.0.7"]);
    expect(model.network("juju-info").ingressAddresses).toEqual(["192.0.2.0"]);
    expect(calls()).toEqual(["network-get example-api", "network-get juju-info"]);
  });

  it("reads back unit state written in the same hook", () => {
    const { model } = modelFor({ unitState: { kept: "1" } });
    model.setUnitState({ added: "2" });
    expect(model.unitState()).toEqual({ added: "2", kept: "1" });
  });
});
