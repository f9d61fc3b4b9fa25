import { describe, expect, it } from "vitest";
import type { Charm } from "../../src/juju/charm.js";
import { PebbleConnectionError } from "../../src/juju/pebble.js";
import {
  InconsistentStateError,
  UncaughtCharmError,
  container,
  on,
  peerRelation,
  relation,
  run,
  state as parseState,
  wroteNothing,
} from "../../src/testing/index.js";
import { exampleCharm } from "../fixtures/example-charm.js";

const api = relation({
  endpoint: "example-api",
  id: 7,
  remoteApp: "client",
  remoteUnitsData: { 0: { requested: "a" }, 1: { requested: "b" } },
});

describe("run: the example charm", () => {
  it("writes the unit bag, and the app bag as leader, opens the port and sets status", async () => {
    const { state } = await run(exampleCharm, on.relationChanged(api, { remoteUnit: 0 }), { leader: true, relations: [api] });
    const out = state.relations[0]!;
    expect(out.localUnitData).toEqual({
      "egress-subnets": "192.0.2.0/32",
      greeting: "hello",
      "ingress-address": "192.0.2.0",
      "private-address": "192.0.2.0",
      "unit-port": "8080",
    });
    expect(out.localAppData).toEqual({ greeting: "hello", "remote-units": '["client/0","client/1"]', requested: '["a","b"]' });
    expect(state.openedPorts).toEqual([{ protocol: "tcp", port: 8080 }]);
    expect(state.unitStatus).toEqual({ status: "active", message: "serving 2 remote units" });
    expect(state.appStatus).toEqual({ status: "active", message: "" });
  });

  it("leaves the application bag alone on a non-leader and still writes its unit bag", async () => {
    const before = { relations: [api] };
    const { state } = await run(exampleCharm, on.relationChanged(api, { remoteUnit: 1 }), before);
    expect(state.relations[0]!.localAppData).toEqual({});
    expect(state.relations[0]!.localUnitData["unit-port"]).toBe("8080");
    expect(state.appStatus).toEqual({ status: "unset", message: "" });
  });

  it("reads each remote unit bag once and writes each bag with one relation-set", async () => {
    const { hookCalls } = await run(exampleCharm, on.relationChanged(api, { remoteUnit: 0 }), { leader: true, relations: [api] });
    expect(hookCalls.filter((call) => call.startsWith("relation-get -r example-api:7 - client/"))).toEqual([
      "relation-get -r example-api:7 - client/0",
      "relation-get -r example-api:7 - client/1",
    ]);
    expect(hookCalls.filter((call) => call.startsWith("relation-set"))).toEqual([
      "relation-set -r example-api:7 --file -",
      "relation-set -r example-api:7 --app --file -",
    ]);
  });

  it("does nothing to Juju the second time it runs on its own output", async () => {
    const first = await run(exampleCharm, on.updateStatus(), { leader: true, relations: [api] });
    const second = await run(exampleCharm, on.updateStatus(), first.state);
    expect(second.state).toEqual(first.state);
    expect(second.hookCalls.filter((call) => /^(relation-set|status-set|open-port|close-port)/.test(call))).toEqual([]);
  });

  it("dispatches with Juju's environment, an empty remote unit for an application change", async () => {
    const { env } = await run(exampleCharm, on.relationChanged(api), { relations: [api] });
    expect(env).toMatchObject({
      JUJU_DISPATCH_PATH: "hooks/example-api-relation-changed",
      JUJU_RELATION_ID: "example-api:7",
      JUJU_REMOTE_APP: "client",
      JUJU_REMOTE_UNIT: "",
      JUJU_UNIT_NAME: "example/0",
    });
    expect(env).not.toHaveProperty("HOME");
  });

  it("no longer counts a departing unit", async () => {
    const { state } = await run(exampleCharm, on.relationDeparted(api, { remoteUnit: 1 }), { leader: true, relations: [api] });
    expect(state.relations[0]!.localAppData["remote-units"]).toBe('["client/0"]');
  });

  it("does not write to the relation whose broken hook is running", async () => {
    const before = { leader: true, relations: [api] };
    const { state } = await run(exampleCharm, on.relationBroken(api), before);
    expect(wroteNothing(parseState(before), state, 7)).toBe(true);
    expect(state.unitStatus.status).toBe("blocked");
  });

  it("writes nothing on a peer relation it does not use", async () => {
    const peers = peerRelation({ endpoint: "replicas", id: 2, peersData: { 1: {} } });
    const { state } = await run(exampleCharm, on.relationChanged(peers, { remoteUnit: 1 }), { leader: true, relations: [peers] });
    expect(state.relations[0]).toEqual(peers);
  });

  it("commits nothing buffered when the charm throws, but keeps what Juju applies immediately", async () => {
    const charm: Charm = {
      meta: exampleCharm.meta,
      async reconcile(model) {
        model.setUnitStatus({ status: "maintenance", message: "configuring" });
        await exampleCharm.reconcile(model, model.event);
        throw new Error("boom");
      },
    };
    const failure = await run(charm, on.configChanged(), { leader: true, relations: [api] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UncaughtCharmError);
    const { result } = failure as UncaughtCharmError;
    expect(result.state.relations[0]).toEqual(api);
    expect(result.state.openedPorts).toEqual([]);
    expect(result.statusHistory.map((entry) => `${entry.target}:${entry.status}`)).toEqual([
      "unit:maintenance",
      "unit:active",
      "application:active",
    ]);
    expect(result.state.unitStatus).toEqual({ status: "active", message: "serving 2 remote units" });
  });

  it("refuses to run on a state Juju could not produce", async () => {
    const stray = relation({ endpoint: "nope" });
    await expect(run(exampleCharm, on.install(), { relations: [stray] })).rejects.toBeInstanceOf(InconsistentStateError);
  });
});

describe("run: containers and secrets", () => {
  const workloadCharm: Charm = {
    meta: { ...exampleCharm.meta, containers: { workload: { resource: "image" } } },
    async reconcile(model) {
      const pebble = model.container("workload");
      try {
        await pebble.systemInfo();
      } catch (error) {
        if (error instanceof PebbleConnectionError) {
          model.setUnitStatus({ status: "waiting", message: "waiting for Pebble in workload" });
          return;
        }
        throw error;
      }
      await pebble.push("/etc/app/config.yaml", "port: 8080\n", { makeDirs: true, permissions: 0o600 });
      await pebble.addLayer("app", { services: { app: { override: "replace", command: "/bin/app", startup: "enabled" } } }, { combine: true });
      await pebble.replan();
      if (model.isLeader()) {
        const [rel] = model.relations("example-api");
        const id = model.secrets.add({ password: "hunter22" }, { label: "admin" });
        if (rel) model.secrets.grant(id, rel.ref);
      }
      model.setUnitStatus({ status: "active" });
    },
  };

  it("pushes files, plans the service and starts it in the container", async () => {
    const { state } = await run(workloadCharm, on.pebbleReady("workload"), { containers: [container({ name: "workload" })] });
    const [out] = state.containers;
    expect(out!.files).toContainEqual(expect.objectContaining({ path: "/etc/app/config.yaml", content: "port: 8080\n", permissions: 0o600 }));
    expect(out!.services).toMatchObject({ app: { current: "active" } });
  });

  it("waits when the container cannot be reached", async () => {
    const { state } = await run(workloadCharm, on.updateStatus(), { containers: [container({ name: "workload", canConnect: false })] });
    expect(state.unitStatus).toEqual({ status: "waiting", message: "waiting for Pebble in workload" });
  });

  it("shows a secret the leader added and granted in the output state", async () => {
    const { state } = await run(workloadCharm, on.pebbleReady("workload"), {
      leader: true,
      relations: [api],
      containers: [container({ name: "workload" })],
    });
    expect(state.secrets).toEqual([
      expect.objectContaining({ owner: "application", label: "admin", trackedContent: { password: "hunter22" }, grants: { "7": ["client"] } }),
    ]);
  });

  it("reads a secret it was granted, by label", async () => {
    const id = "secret:cq9a0000000000000001";
    const reader: Charm = {
      meta: exampleCharm.meta,
      async reconcile(model) {
        const found = model.secrets.get({ label: "creds" });
        model.setUnitStatus({ status: "active", message: found.kind === "found" ? found.content.user ?? "" : found.kind });
      },
    };
    const { state } = await run(reader, on.secretChanged(id), { secrets: [{ id, label: "creds", trackedContent: { user: "alice" } }] });
    expect(state.unitStatus.message).toBe("alice");
  });
});
