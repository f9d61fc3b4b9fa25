import { describe, expect, it } from "vitest";
import { InconsistentStateError, UncaughtCharmError, on, peerRelation, relation, run } from "../../src/testing/index.js";
import { exampleCharm } from "../fixtures/example-charm.js";

describe("run", () => {
  it("writes the unit bag, and the app bag as leader, opens the port and sets status", async () => {
    const api = relation({ endpoint: "example-api", remoteApp: "client", remoteUnitsData: { 0: { requested: "a" }, 1: {} } });
    const { state } = await run(exampleCharm, on.relationChanged(api, { remoteUnit: 0 }), { leader: true, relations: [api] });
    const out = state.relations[0]!;
    expect(out.localUnitData).toMatchObject({ "unit-port": "8080", greeting: "hello", "ingress-address": "192.0.2.0" });
    expect(out.localAppData).toEqual({ greeting: "hello", "remote-units": '["client/0","client/1"]', requested: '["a"]' });
    expect(state.openedPorts).toEqual([{ protocol: "tcp", port: 8080 }]);
    expect(state.unitStatus).toEqual({ status: "active", message: "serving 2 remote units" });
    expect(state.appStatus).toEqual({ status: "active", message: "" });
  });

  it("commits nothing buffered when the charm throws, but keeps what Juju applies immediately", async () => {
    const api = relation({ endpoint: "example-api", remoteApp: "client" });
    const failure = await run(exampleCharm, on.configChanged(), {
      leader: true,
      relations: [api],
      config: { "fail-hook": true },
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UncaughtCharmError);
    const { result } = failure as UncaughtCharmError;
    expect(result.state.relations[0]).toEqual(api);
    expect(result.state.openedPorts).toEqual([]);
  });

  it("rejects a relation on an endpoint the charm does not declare", async () => {
    const stray = relation({ endpoint: "nope" });
    await expect(run(exampleCharm, on.install(), { relations: [stray] })).rejects.toBeInstanceOf(InconsistentStateError);
  });

  it("lets a non-leader peer read but not write the peer application bag", async () => {
    const peers = peerRelation({ endpoint: "replicas", localAppData: { k: "v" }, peersData: { 1: {} } });
    const { state } = await run(exampleCharm, on.relationChanged(peers, { remoteUnit: 1 }), { relations: [peers] });
    expect(state.relations[0]!.localAppData).toEqual({ k: "v" });
  });
});
