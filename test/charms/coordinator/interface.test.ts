/**
 * The three provider tests of the published tempo_cluster/v1 interface (spec/interface-tests.md),
 * run through the coordinator charm with the state-transition harness. As the upstream coordinator
 * fixture does, the charm under test is the leader and has an `s3` relation and a peer relation.
 */
import { describe, expect, it } from "vitest";
import { coordinatorCharm } from "../../../src/charms/coordinator/charm.js";
import { JUJU_UNIT_KEYS, on, peerRelation, relation, run, type StateInput } from "../../../src/testing/index.js";
import { decodeValues, publishedValidators } from "../../interface/published-schemas.js";
import { S3_FIXTURE } from "./fixtures.js";

const WORKER_UNIT_DATA = {
  juju_topology: JSON.stringify({ application: "worker", unit: "worker/0", charm_name: "worker" }),
  address: JSON.stringify("192.0.2.1"),
};

function fixture(remoteAppData: Record<string, string>) {
  const cluster = relation({
    endpoint: "tempo-cluster",
    interface: "tempo_cluster",
    remoteApp: "worker",
    remoteAppData,
    remoteUnitsData: { "0": WORKER_UNIT_DATA },
  });
  const state: StateInput = {
    leader: true,
    relations: [
      cluster,
      relation({ endpoint: "s3", interface: "s3", remoteApp: "s3", remoteAppData: { ...S3_FIXTURE } }),
      peerRelation({ endpoint: "peers" }),
    ],
  };
  return { cluster, state };
}

/** "data empty": nothing in our app bag, and nothing but Juju's own keys in our unit bag. */
function wroteNothing(relationOut: { localAppData: Record<string, string>; localUnitData: Record<string, string> }) {
  const unitKeys = Object.keys(relationOut.localUnitData).filter((key) => !JUJU_UNIT_KEYS.includes(key));
  return Object.keys(relationOut.localAppData).length === 0 && unitKeys.length === 0;
}

function relationOut(result: Awaited<ReturnType<typeof run>>, id: number) {
  const found = result.state.relations.find((candidate) => candidate.id === id);
  if (!found || found.kind !== "regular") throw new Error(`relation ${id} missing from the output state`);
  return found;
}

describe("tempo_cluster/v1 provider interface tests, through the coordinator charm", () => {
  it("test_validation_fails_with_missing_role: a worker without a role leaves the databags empty", async () => {
    const { cluster, state } = fixture({});
    const result = await run(coordinatorCharm, on.relationCreated(cluster), state);
    expect(wroteNothing(relationOut(result, cluster.id))).toBe(true);
  });

  it("test_validation_succeeds_on_joining_with_role: role all publishes a schema-valid provider databag", async () => {
    const { cluster, state } = fixture({ role: JSON.stringify("all") });
    const result = await run(coordinatorCharm, on.relationJoined(cluster, { remoteUnit: 0 }), state);
    const published = relationOut(result, cluster.id).localAppData;
    const validate = publishedValidators().providerApp;
    expect(validate(decodeValues(published)), JSON.stringify(validate.errors)).toBe(true);
    expect(Object.keys(published)).toContain("worker_config");
  });

  it("test_validation_fails_on_joining_with_invalid_role: role imposter leaves the databags empty", async () => {
    const { cluster, state } = fixture({ role: JSON.stringify("imposter") });
    const result = await run(coordinatorCharm, on.relationJoined(cluster, { remoteUnit: 0 }), state);
    expect(wroteNothing(relationOut(result, cluster.id))).toBe(true);
  });
});
