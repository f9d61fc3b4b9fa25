/**
 * The built worker charm, run the way Juju runs it: its `dispatch` under the fake Juju agent (hook
 * commands as processes on PATH, writes committed only on exit 0). There is no Pebble socket, as
 * before the workload container is up: the worker must still publish its data and wait.
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workerMeta } from "../../src/charms/worker/meta.js";
import { runDispatch } from "../../src/testing/fake-juju/driver.js";
import { type FakeJujuStateInput, jujuUnitBag } from "../../src/testing/fake-juju/state.js";
import { bundleCharm } from "../helpers/bundle-charm.js";
import { decodeValues, publishedValidators } from "../interface/published-schemas.js";

const JUJU_UNIT_KEYS = ["egress-subnets", "ingress-address", "private-address"];

function workerState(overrides: Partial<FakeJujuStateInput> = {}): FakeJujuStateInput {
  return {
    model: { name: "cos", uuid: "2f9a6c1e-7b3d-4e8a-9c5f-1d2e3f4a5b6c", type: "kubernetes" },
    unitName: "tempo-worker/0",
    leader: true,
    config: { "role-all": true },
    relations: [
      {
        endpoint: "tempo-cluster",
        id: 5,
        remoteApp: "tempo",
        localUnitData: jujuUnitBag("10.1.0.20"),
        remoteAppData: {
          worker_config: JSON.stringify("foo: bar"),
          charm_tracing_receivers: JSON.stringify({ otlp_http: "http://192.0.2.1:4318" }),
          workload_tracing_receivers: JSON.stringify({ otlp_http: "http://192.0.2.2:4318", otlp_grpc: "192.0.2.2:4317" }),
        },
        remoteUnitsData: { "tempo/0": jujuUnitBag("10.1.0.10") },
      },
    ],
    ...overrides,
  };
}

const CREATED = { kind: "relation", phase: "created", relationId: 5 } as const;

let charmDir: string;
let leaderCreated: ReturnType<typeof runDispatch>;
beforeAll(async () => {
  charmDir = await bundleCharm("src/charms/worker/main.ts", workerMeta);
  leaderCreated = runDispatch({ charmDir, state: workerState(), event: CREATED });
}, 120_000);
afterAll(async () => {
  await rm(path.dirname(charmDir), { recursive: true, force: true });
});

function ownUnitData(bag: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(bag).filter(([key]) => !JUJU_UNIT_KEYS.includes(key)));
}

describe("the built worker charm under the fake Juju agent", () => {
  it("publishes application and unit databags that validate against the published requirer schema", () => {
    const result = leaderCreated;
    expect(result.exitCode, result.stderr).toBe(0);
    const relation = result.state.relations.find((candidate) => candidate.id === 5);
    const validators = publishedValidators();
    const app = decodeValues(relation?.localAppData ?? {});
    const unit = decodeValues(ownUnitData(relation?.localUnitData ?? {}));
    expect(validators.requirerApp(app), JSON.stringify(validators.requirerApp.errors)).toBe(true);
    expect(validators.requirerUnit(unit), JSON.stringify(validators.requirerUnit.errors)).toBe(true);
    expect(app).toEqual({ role: "all" });
    expect(unit).toMatchObject({ address: "tempo-worker-0.tempo-worker-endpoints.cos.svc.cluster.local" });
  });

  it("keeps Juju's own unit keys and waits for its container", () => {
    const relation = leaderCreated.state.relations.find((candidate) => candidate.id === 5);
    expect(relation?.localUnitData).toMatchObject(jujuUnitBag("10.1.0.20"));
    expect(leaderCreated.state.unitStatus).toEqual({
      status: "waiting",
      message: "waiting for the tempo container: Pebble is not reachable yet",
    });
  });

  it("as a non-leader, publishes its unit data and no role", () => {
    const result = runDispatch({ charmDir, state: workerState({ leader: false, unitName: "tempo-worker/1" }), event: CREATED });
    expect(result.exitCode, result.stderr).toBe(0);
    const relation = result.state.relations.find((candidate) => candidate.id === 5);
    expect(relation?.localAppData ?? {}).toEqual({});
    expect(decodeValues(ownUnitData(relation?.localUnitData ?? {}))).toMatchObject({
      address: "tempo-worker-1.tempo-worker-endpoints.cos.svc.cluster.local",
    });
  });
});
