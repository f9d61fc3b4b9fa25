import { describe, expect, it } from "vitest";
import {
  PROVIDER_OWNED_KEYS,
  clusterMissingRoles,
  coveredRoles,
  databagChanges,
  gossipRing,
  hasChanges,
  parseCluster,
  providerDatabag,
  relationsToPublishTo,
} from "../../src/interface/provider.js";
import { sampleCluster } from "../../src/interface/sample-cluster.js";
import { json, podFqdn, unitData, workerRelation } from "./worker-relations.js";

describe("parseCluster", () => {
  it("takes every application of the sample cluster, with its units sorted and addresses normalised", () => {
    const cluster = parseCluster(sampleCluster());
    expect(cluster.rejected).toEqual([]);
    expect(cluster.applications.map((a) => [a.application, a.role, a.units.length])).toEqual([
      ["tempo-compactor", "compactor", 1],
      ["tempo-distributor", "distributor", 1],
      ["tempo-ingester", "ingester", 3],
      ["tempo-metrics-generator", "metrics-generator", 1],
      ["tempo-querier", "querier", 1],
      ["tempo-query-frontend", "query-frontend", 1],
    ]);
    expect(clusterMissingRoles(cluster)).toEqual([]);
  });

  it("keeps the unit's topology, including model and model_uuid", () => {
    const cluster = parseCluster(sampleCluster());
    expect(cluster.applications[0]?.units[0]?.topology).toEqual({
      application: "tempo-compactor",
      unit: "tempo-compactor/0",
      charm_name: "tempo-worker-k8s",
      model: "cos",
      model_uuid: "7d3c1f4e-2b9a-4c6d-8e5f-0a1b2c3d4e5f",
    });
  });

  it("sorts units by number, so w/2 comes before w/10", () => {
    const units = [10, 2, 1].map((n) => ({ name: `w/${n}`, data: unitData("w", n) }));
    const cluster = parseCluster({ relations: [workerRelation(1, "w", "all", 0, units)] });
    expect(cluster.applications[0]?.units.map((u) => u.name)).toEqual(["w/1", "w/2", "w/10"]);
  });

  it("normalises a URL, host:port or IPv6 address to the bare host", () => {
    const units = [
      { name: "w/0", data: unitData("w", 0, { address: "http://W-0.example.com:3200/" }) },
      { name: "w/1", data: unitData("w", 1, { address: "w-1.example.com:7946" }) },
      { name: "w/2", data: unitData("w", 2, { address: "[2001:db8::2]:7946" }) },
    ];
    const cluster = parseCluster({ relations: [workerRelation(1, "w", "all", 0, units)] });
    expect(cluster.applications[0]?.units.map((u) => u.address)).toEqual(["w-0.example.com", "w-1.example.com", "2001:db8::2"]);
  });

  it("leaves out an application without a role and says the leader has not published it", () => {
    const cluster = parseCluster({ relations: [workerRelation(3, "w", undefined, 1)] });
    expect(cluster.applications).toEqual([]);
    expect(cluster.rejected).toEqual([{ relationId: 3, application: "w", reasons: ["role: not published yet (the worker's leader publishes it)"] }]);
  });

  it("leaves out a unit whose topology names another application", () => {
    const units = [
      { name: "w/0", data: unitData("w", 0) },
      { name: "w/1", data: unitData("w", 1, { juju_topology: { application: "other", unit: "w/1", charm_name: null } }) },
    ];
    const cluster = parseCluster({ relations: [workerRelation(1, "w", "all", 0, units)] });
    expect(cluster.applications[0]?.units.map((u) => u.name)).toEqual(["w/0"]);
    expect(cluster.rejected).toEqual([
      { relationId: 1, application: "w", unit: "w/1", reasons: ['juju_topology.application: "other" is not this relation\'s application "w"'] },
    ]);
  });

  it("names a unit that has not published anything yet", () => {
    const units = [{ name: "w/0", data: { "ingress-address": "10.0.0.1" } }];
    const cluster = parseCluster({ relations: [workerRelation(1, "w", "querier", 0, units)] });
    // The application's own rejection sorts before its units'.
    expect(cluster.rejected).toEqual([
      {
        relationId: 1,
        application: "w",
        reasons: ["role querier is valid, but no unit has published a valid juju_topology and address yet"],
      },
      { relationId: 1, application: "w", unit: "w/0", reasons: ["juju_topology and address: not published yet"] },
    ]);
    expect(cluster.applications).toEqual([]);
  });

  it("keeps the first claim to an address shared by two applications and names both units in the rejection", () => {
    const shared = podFqdn("a", 0);
    const cluster = parseCluster({
      relations: [
        workerRelation(7, "b", "querier", 0, [{ name: "b/0", data: unitData("b", 0, { address: shared }) }]),
        workerRelation(9, "a", "ingester", 1),
      ],
    });
    expect(cluster.applications.map((a) => a.application)).toEqual(["a"]);
    expect(cluster.rejected).toEqual([
      { relationId: 7, application: "b", reasons: ["role querier is valid, but no unit has published a valid juju_topology and address yet"] },
      {
        relationId: 7,
        application: "b",
        unit: "b/0",
        reasons: [`address: "${shared}" is also claimed by a/0 of application a; keeping a/0 (first by application and unit name) and leaving b/0 out`],
      },
    ]);
  });

  it("does not let an application with an invalid role claim an address", () => {
    const cluster = parseCluster({
      relations: [
        workerRelation(1, "a", "imposter", 0, [{ name: "a/0", data: unitData("a", 0, { address: podFqdn("b", 0) }) }]),
        workerRelation(2, "b", "all", 1),
      ],
    });
    expect(cluster.applications.map((a) => a.application)).toEqual(["b"]);
  });
});

describe("gossipRing", () => {
  it("lists host:7946 for every valid unit of every role, sorted", () => {
    const cluster = parseCluster({ relations: [workerRelation(2, "q", "querier", 1), workerRelation(1, "i", "ingester", 2)] });
    expect(gossipRing(cluster)).toEqual([`${podFqdn("i", 0)}:7946`, `${podFqdn("i", 1)}:7946`, `${podFqdn("q", 0)}:7946`]);
  });

  it("brackets IPv6 hosts and lists a host once even if two units of one application share it", () => {
    const units = [
      { name: "w/0", data: unitData("w", 0, { address: "2001:db8::1" }) },
      { name: "w/1", data: unitData("w", 1, { address: "[2001:db8::1]:3200" }) },
    ];
    expect(gossipRing(parseCluster({ relations: [workerRelation(1, "w", "all", 0, units)] }))).toEqual(["[2001:db8::1]:7946"]);
  });
});

describe("roles of the cluster", () => {
  it("covers the components of every taking-part application and names the missing required roles", () => {
    const cluster = parseCluster({
      relations: [workerRelation(1, "q", "querier", 1), workerRelation(2, "m", "metrics-generator", 1), workerRelation(3, "x", "imposter", 1)],
    });
    expect(coveredRoles(cluster)).toEqual(["metrics-generator", "querier"]);
    expect(clusterMissingRoles(cluster)).toEqual(["compactor", "distributor", "ingester", "query-frontend"]);
  });

  it("publishes only to relations of taking-part applications", () => {
    const cluster = parseCluster({
      relations: [workerRelation(4, "w", "all", 1), workerRelation(2, "x", "imposter", 1), workerRelation(3, "y", undefined, 1)],
    });
    expect(relationsToPublishTo(cluster)).toEqual([4]);
  });
});

describe("providerDatabag and databagChanges", () => {
  it("sorts and de-duplicates worker ports and remote-write endpoints", () => {
    const bag = providerDatabag({
      worker_config: "a: 1",
      worker_ports: [9096, 3200, 7946, 3200],
      remote_write_endpoints: [{ url: "http://b" }, { url: "http://a" }, { url: "http://b" }],
    });
    expect(bag.worker_ports).toBe("[3200,7946,9096]");
    expect(bag.remote_write_endpoints).toBe('[{"url":"http://a"},{"url":"http://b"}]');
  });

  it("sets only the keys whose bytes differ and deletes owned keys that are no longer wanted", () => {
    const current = { worker_config: json("a: 1"), ca_cert: json("OLD"), server_cert: json("S"), "not-ours": "x" };
    const desired = providerDatabag({ worker_config: "a: 1", ca_cert: "NEW" });
    expect(databagChanges(current, desired, PROVIDER_OWNED_KEYS)).toEqual({ set: { ca_cert: json("NEW") }, delete: ["server_cert"] });
  });

  it("reports whether a change set has anything to apply", () => {
    const desired = providerDatabag({ worker_config: "a: 1" });
    expect(hasChanges(databagChanges({}, desired, PROVIDER_OWNED_KEYS))).toBe(true);
    expect(hasChanges(databagChanges(desired, desired, PROVIDER_OWNED_KEYS))).toBe(false);
    expect(hasChanges(databagChanges({ ...desired, ca_cert: json("C") }, desired, PROVIDER_OWNED_KEYS))).toBe(true);
  });

  it("never deletes a key it does not own", () => {
    const current = { "ingress-address": "10.0.0.1", worker_labels: "{}" };
    expect(databagChanges(current, {}, PROVIDER_OWNED_KEYS)).toEqual({ set: {}, delete: [] });
  });
});
