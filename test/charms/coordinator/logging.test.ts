/** `logging`: Loki units' push endpoints reach every worker as `loki_endpoints`. */
import { describe, expect, it } from "vitest";
import { coordinatorCharm, createCoordinatorCharm } from "../../../src/charms/coordinator/charm.js";
import { loggingIntegration, lokiEndpointsByUnit, parseLokiUnitData } from "../../../src/charms/coordinator/integrations/logging.js";
import { DEFAULT_UNIT_BAG, type RegularRelationState, on, relation, run } from "../../../src/testing/index.js";
import { coordinatorState, distributed, jsonKey, relationSets, s3 } from "./tracing-fixtures.js";

const charm = createCoordinatorCharm([loggingIntegration]);
const LOKI_0 = "http://loki-0.loki-endpoints.cos.svc.cluster.local:3100/loki/api/v1/push";
const LOKI_1 = "http://loki-1.loki-endpoints.cos.svc.cluster.local:3100/loki/api/v1/push";

/** A Loki with one unit bag per entry; `undefined` = that unit has written nothing yet. */
function loki(id: number, endpoints: readonly (string | undefined)[], app = "loki"): RegularRelationState {
  return relation({
    id,
    endpoint: "logging",
    interface: "loki_push_api",
    remoteApp: app,
    remoteUnitsData: Object.fromEntries(
      endpoints.map((value, n) => [String(n), { ...DEFAULT_UNIT_BAG, ...(value === undefined ? {} : { endpoint: value }) }]),
    ),
  });
}

const endpointJson = (url: string) => JSON.stringify({ url });

describe("reading a Loki unit", () => {
  it("is absent while the unit has written nothing", () => {
    expect(parseLokiUnitData({ ...DEFAULT_UNIT_BAG })).toEqual({ kind: "absent" });
  });

  it("reads the url of the JSON object", () => {
    expect(parseLokiUnitData({ endpoint: endpointJson(LOKI_0) })).toEqual({ kind: "valid", data: { url: LOKI_0 } });
  });

  it("names what is wrong with a value it cannot use", () => {
    expect(parseLokiUnitData({ endpoint: LOKI_0 })).toEqual({ kind: "invalid", reasons: ["endpoint is not JSON"] });
    expect(parseLokiUnitData({ endpoint: '{"address": "loki"}' })).toEqual({ kind: "invalid", reasons: ["endpoint has no url"] });
    expect(parseLokiUnitData({ endpoint: endpointJson("loki:3100") })).toEqual({
      kind: "invalid",
      reasons: ["endpoint url is not an http(s) URL"],
    });
  });

  it("keeps a URL given by several units once, under the first unit's name", () => {
    const shared = "http://loki-coordinator.cos.svc.cluster.local:8080/loki/api/v1/push";
    expect(
      lokiEndpointsByUnit([
        { unit: "loki-coordinator/0", url: shared },
        { unit: "loki-coordinator/1", url: shared },
        { unit: "loki/0", url: LOKI_0 },
      ]),
    ).toEqual({ "loki-coordinator/0": shared, "loki/0": LOKI_0 });
  });
});

describe("the coordinator with a Loki", () => {
  it("publishes every Loki unit's push endpoint to every worker, by unit name", async () => {
    const state = coordinatorState([...distributed(), s3(), loki(30, [endpointJson(LOKI_0), endpointJson(LOKI_1)])]);
    const result = await run(charm, on.relationChanged({ id: 30 }, { remoteUnit: 1 }), state);
    for (const id of [1, 2, 3, 4, 5]) {
      expect(jsonKey(result.state, id, "loki_endpoints")).toEqual({ "loki/0": LOKI_0, "loki/1": LOKI_1 });
    }
    expect(result.state.unitStatus.status).toBe("active");
  });

  it("publishes no endpoints while Loki has written nothing", async () => {
    const state = coordinatorState([...distributed(), s3(), loki(30, [undefined])]);
    const result = await run(charm, on.relationJoined({ id: 30 }, { remoteUnit: 0 }), state);
    expect(jsonKey(result.state, 1, "loki_endpoints")).toBeUndefined();
    expect(result.state.unitStatus.status).toBe("active");
  });

  it("drops a departed Loki unit and withdraws everything when the relation is removed", async () => {
    const first = await run(charm, on.relationChanged({ id: 30 }, { remoteUnit: 0 }), coordinatorState([...distributed(), s3(), loki(30, [endpointJson(LOKI_0), endpointJson(LOKI_1)])]));
    const scaledDown = {
      ...first.state,
      relations: first.state.relations.map((existing) =>
        existing.id === 30 && existing.kind === "regular"
          ? { ...existing, remoteUnitsData: { "0": existing.remoteUnitsData["0"] ?? {} } }
          : existing,
      ),
    };
    const departed = await run(charm, on.relationDeparted({ id: 30 }, { remoteUnit: 1 }), scaledDown);
    expect(jsonKey(departed.state, 1, "loki_endpoints")).toEqual({ "loki/0": LOKI_0 });
    const removed = await run(charm, on.relationBroken({ id: 30 }), departed.state);
    expect(jsonKey(removed.state, 1, "loki_endpoints")).toBeUndefined();
  });

  it("leaves out a unit whose endpoint is unusable, names it in the status, and keeps the others", async () => {
    const state = coordinatorState([...distributed(), s3(), loki(30, [endpointJson(LOKI_0), '{"url": 3100}'])]);
    const result = await run(charm, on.relationChanged({ id: 30 }, { remoteUnit: 1 }), state);
    expect(result.state.unitStatus).toEqual({
      status: "active",
      message:
        "7 workers in 5 applications; loki/1 sent an unusable Loki push endpoint (endpoint url is not an http(s) URL); no logs are sent to it (fix loki, or: juju remove-relation tempo:logging loki)",
    });
    expect(jsonKey(result.state, 1, "loki_endpoints")).toEqual({ "loki/0": LOKI_0 });
  });

  it("lets a non-leader read the endpoints without writing anything", async () => {
    const state = coordinatorState([...distributed(), s3(), loki(30, [endpointJson(LOKI_0)])], { leader: false, unitId: 1 });
    const result = await run(charm, on.relationChanged({ id: 30 }, { remoteUnit: 0 }), state);
    expect(relationSets(result)).toEqual([]);
  });

  it("is part of the shipped coordinator", async () => {
    const state = coordinatorState([...distributed(), s3(), loki(30, [endpointJson(LOKI_0)])]);
    const result = await run(coordinatorCharm, on.relationChanged({ id: 30 }, { remoteUnit: 0 }), state);
    expect(jsonKey(result.state, 1, "loki_endpoints")).toEqual({ "loki/0": LOKI_0 });
  });
});

describe("the coordinator's log alert rules for Loki", () => {
  it("sends one LogQL rule group per worker application, with our topology as metadata", async () => {
    const state = coordinatorState([...distributed(), s3(), loki(30, [endpointJson(LOKI_0)])]);
    const result = await run(charm, on.relationJoined({ id: 30 }, { remoteUnit: 0 }), state);
    const rules = jsonKey(result.state, 30, "alert_rules") as { groups: { name: string; rules: { expr: string }[] }[] };
    expect(rules.groups.map((group) => group.name)).toEqual(
      ["tempo-compactor", "tempo-distributor", "tempo-ingester", "tempo-querier", "tempo-query-frontend"].map((app) => `cos_2f9a6c1e_${app}_tempo_log_alerts`),
    );
    expect(rules.groups[2]!.rules[0]!.expr).toContain('juju_application="tempo-ingester"');
    expect(jsonKey(result.state, 30, "metadata")).toMatchObject({ application: "tempo", model: "cos", unit: "tempo/0" });
  });

  it("leaves the rules to the leader", async () => {
    const state = coordinatorState([...distributed(), s3(), loki(30, [endpointJson(LOKI_0)])], { leader: false, unitId: 1 });
    const result = await run(charm, on.relationJoined({ id: 30 }, { remoteUnit: 0 }), state);
    expect(jsonKey(result.state, 30, "alert_rules")).toBeUndefined();
  });
});
