/**
 * `send-remote-write`: Prometheus units' endpoints turn the metrics-generator on and reach every
 * worker as `remote_write_endpoints`.
 */
import { describe, expect, it } from "vitest";
import { coordinatorCharm, createCoordinatorCharm } from "../../../src/charms/coordinator/charm.js";
import { parseRemoteWriteUnitData, remoteWriteIntegration } from "../../../src/charms/coordinator/integrations/remote-write.js";
import { DEFAULT_UNIT_BAG, type RegularRelationState, on, relation, run } from "../../../src/testing/index.js";
import { validateTempoConfigText } from "../../../src/tempo/validate.js";
import {
  coordinatorState,
  distributed,
  jsonKey,
  relationSets,
  s3,
  workerConfig,
  workerConfigText,
  workers,
} from "./tracing-fixtures.js";

const charm = createCoordinatorCharm([remoteWriteIntegration]);
const PROM_0 = "http://prometheus-0.prometheus-endpoints.cos.svc.cluster.local:9090/api/v1/write";
const PROM_1 = "http://prometheus-1.prometheus-endpoints.cos.svc.cluster.local:9090/api/v1/write";

/** A Prometheus with one unit bag per entry; `undefined` = that unit has written nothing yet. */
function prometheus(id: number, remoteWrites: readonly (string | undefined)[], app = "prometheus"): RegularRelationState {
  return relation({
    id,
    endpoint: "send-remote-write",
    interface: "prometheus_remote_write",
    remoteApp: app,
    remoteUnitsData: Object.fromEntries(
      remoteWrites.map((value, n) => [String(n), { ...DEFAULT_UNIT_BAG, ...(value === undefined ? {} : { remote_write: value }) }]),
    ),
  });
}

const endpointJson = (url: string) => JSON.stringify({ url });

describe("reading a remote-write provider unit", () => {
  it("is absent while the unit has written nothing", () => {
    expect(parseRemoteWriteUnitData({ ...DEFAULT_UNIT_BAG })).toEqual({ kind: "absent" });
  });

  it("reads the url of the JSON object", () => {
    expect(parseRemoteWriteUnitData({ remote_write: endpointJson(PROM_0) })).toEqual({ kind: "valid", data: { url: PROM_0 } });
  });

  it("names what is wrong with a value it cannot use", () => {
    expect(parseRemoteWriteUnitData({ remote_write: "http://x" })).toEqual({ kind: "invalid", reasons: ["remote_write is not JSON"] });
    expect(parseRemoteWriteUnitData({ remote_write: "{}" })).toEqual({ kind: "invalid", reasons: ["remote_write has no url"] });
    expect(parseRemoteWriteUnitData({ remote_write: endpointJson("ftp://x/write") })).toEqual({
      kind: "invalid",
      reasons: ["remote_write url is not an http(s) URL"],
    });
    expect(parseRemoteWriteUnitData({ remote_write: '["http://x"]' }).kind).toBe("invalid");
  });
});

describe("the coordinator with a remote-write provider", () => {
  it("turns the metrics-generator on with every unit's endpoint, and the config passes the validator", async () => {
    const state = coordinatorState([...distributed(), s3(), prometheus(20, [endpointJson(PROM_1), endpointJson(PROM_0)])]);
    const result = await run(charm, on.relationChanged({ id: 20 }, { remoteUnit: 0 }), state);
    const urls = workerConfig(result.state, 1).metrics_generator.storage.remote_write.map((entry: { url: string }) => entry.url);
    expect(urls).toEqual([PROM_0, PROM_1]);
    for (const version of ["2.7", "2.10"] as const) {
      expect(validateTempoConfigText(workerConfigText(result.state, 1), version)).toEqual([]);
    }
  });

  it("publishes the endpoints to every worker, sorted and without duplicates across providers", async () => {
    const state = coordinatorState([
      ...distributed(),
      s3(),
      prometheus(20, [endpointJson(PROM_1)]),
      prometheus(21, [endpointJson(PROM_1), endpointJson(PROM_0)], "mimir"),
    ]);
    const result = await run(charm, on.relationChanged({ id: 21 }, { remoteUnit: 1 }), state);
    for (const id of [1, 2, 3, 4, 5]) {
      expect(jsonKey(result.state, id, "remote_write_endpoints")).toEqual([{ url: PROM_0 }, { url: PROM_1 }]);
    }
  });

  it("leaves the metrics-generator off and publishes no endpoints while the provider has written nothing", async () => {
    const state = coordinatorState([workers(1, "tempo-worker", "all", [0]), prometheus(20, [undefined])]);
    const result = await run(charm, on.relationJoined({ id: 20 }, { remoteUnit: 0 }), state);
    expect(workerConfig(result.state, 1).metrics_generator).toBeUndefined();
    expect(jsonKey(result.state, 1, "remote_write_endpoints")).toBeUndefined();
    expect(result.state.unitStatus.status).toBe("active");
  });

  it("turns the metrics-generator off and withdraws the endpoints when the relation is removed", async () => {
    const first = await run(charm, on.relationChanged({ id: 20 }, { remoteUnit: 0 }), coordinatorState([...distributed(), s3(), prometheus(20, [endpointJson(PROM_0)])]));
    expect(jsonKey(first.state, 1, "remote_write_endpoints")).toEqual([{ url: PROM_0 }]);
    const removed = await run(charm, on.relationBroken({ id: 20 }), first.state);
    expect(workerConfig(removed.state, 1).metrics_generator).toBeUndefined();
    expect(jsonKey(removed.state, 1, "remote_write_endpoints")).toBeUndefined();
  });

  it("leaves out a unit whose endpoint is unusable, names it in the status, and keeps the others", async () => {
    const state = coordinatorState([...distributed(), s3(), prometheus(20, [endpointJson(PROM_0), "not json"])]);
    const result = await run(charm, on.relationChanged({ id: 20 }, { remoteUnit: 1 }), state);
    expect(result.state.unitStatus).toEqual({
      status: "active",
      message:
        "7 workers in 5 applications; prometheus/1 sent an unusable remote-write endpoint (remote_write is not JSON); metrics are not written to it (fix prometheus, or: juju remove-relation tempo:send-remote-write prometheus)",
    });
    expect(jsonKey(result.state, 1, "remote_write_endpoints")).toEqual([{ url: PROM_0 }]);
  });

  it("takes the idle note off a dedicated metrics-generator once an endpoint arrives", async () => {
    const cluster = [...distributed(), workers(6, "tempo-metrics-generator", "metrics-generator", [0]), s3()];
    const idle = await run(charm, on.configChanged(), coordinatorState(cluster));
    expect(idle.state.unitStatus.message).toContain("metrics-generator idle");
    const busy = await run(charm, on.configChanged(), coordinatorState([...cluster, prometheus(20, [endpointJson(PROM_0)])]));
    expect(busy.state.unitStatus).toEqual({ status: "active", message: "8 workers in 6 applications" });
  });

  it("lets a non-leader read the endpoints without writing anything", async () => {
    const state = coordinatorState([...distributed(), s3(), prometheus(20, [endpointJson(PROM_0)])], { leader: false, unitId: 1 });
    const result = await run(charm, on.relationChanged({ id: 20 }, { remoteUnit: 0 }), state);
    expect(relationSets(result)).toEqual([]);
  });

  it("is part of the shipped coordinator", async () => {
    const state = coordinatorState([...distributed(), s3(), prometheus(20, [endpointJson(PROM_0)])]);
    const result = await run(coordinatorCharm, on.relationChanged({ id: 20 }, { remoteUnit: 0 }), state);
    expect(jsonKey(result.state, 1, "remote_write_endpoints")).toEqual([{ url: PROM_0 }]);
  });
});
