import { describe, expect, it } from "vitest";
import type { ScenarioEvent, StateInput } from "../../src/testing/index.js";
import { checkConsistency, on, peerRelation, relation, state } from "../../src/testing/index.js";
import { exampleCharm } from "../fixtures/example-charm.js";

const meta = {
  ...exampleCharm.meta,
  containers: { workload: {} },
  storage: { data: { type: "filesystem" as const } },
  "extra-bindings": { metrics: null },
};

function problems(input: StateInput, event: ScenarioEvent = on.updateStatus()): string[] {
  return checkConsistency(meta, state(input), event);
}

const api = relation({ endpoint: "example-api", id: 1, remoteApp: "client" });

describe("consistency checks", () => {
  it("accepts a state Juju could produce", () => {
    const peers = peerRelation({ endpoint: "replicas", id: 2, peersData: { 1: {} } });
    expect(
      problems(
        {
          leader: true,
          relations: [api, peers],
          config: { port: 80, greeting: "hi" },
          containers: [{ name: "workload" }],
          networks: { metrics: {} },
        },
        on.relationJoined(api, { remoteUnit: 0 }),
      ),
    ).toEqual([]);
  });

  it("rejects a relation on an endpoint missing from metadata", () => {
    expect(problems({ relations: [relation({ endpoint: "ghost", id: 3 })] })).toEqual([
      'relation ghost:3: endpoint "ghost" is not in the charm\'s metadata',
    ]);
  });

  it("rejects duplicate relation ids", () => {
    const again = relation({ endpoint: "backend", id: 1 });
    expect(problems({ relations: [api, again] })).toContain("relation backend:1: duplicate relation id 1");
  });

  it("rejects a regular relation on a peer endpoint and the reverse", () => {
    expect(problems({ relations: [relation({ endpoint: "replicas", id: 4 })] })[0]).toMatch(/peer endpoint/);
    expect(problems({ relations: [peerRelation({ endpoint: "backend", id: 4 })] })[0]).toMatch(/not a peer one/);
  });

  it("rejects more relations than the endpoint's limit", () => {
    const one = relation({ endpoint: "backend", id: 5, remoteApp: "db1" });
    const two = relation({ endpoint: "backend", id: 6, remoteApp: "db2" });
    expect(problems({ relations: [one, two] })).toEqual(['endpoint "backend" has 2 relations but its limit is 1']);
  });

  it("rejects this unit in its own peers data", () => {
    const peers = peerRelation({ endpoint: "replicas", id: 2, peersData: { 0: {} } });
    expect(problems({ relations: [peers] })[0]).toMatch(/peersData contains this unit/);
  });

  it("rejects config keys the charm does not have and values of the wrong type", () => {
    expect(problems({ config: { colour: "red", port: 80.5, greeting: 3, "fail-hook": "yes" } })).toEqual([
      'config "colour" is not a config option of the charm',
      'config "fail-hook" is "yes" but the option\'s type is boolean',
      'config "greeting" is 3 but the option\'s type is string',
      'config "port" is 80.5 but the option\'s type is int',
    ]);
  });

  it("rejects containers and networks the metadata does not declare", () => {
    expect(problems({ containers: [{ name: "sidecar" }], networks: { nowhere: {} } })).toEqual([
      'container "sidecar" is not in the charm\'s metadata',
      'network "nowhere" is not an endpoint or extra-binding of the charm',
    ]);
  });

  it("rejects an event on a relation that is not in the state", () => {
    expect(problems({}, on.relationChanged(api))).toEqual(["relation-changed on relation 1, which is not in the state"]);
  });

  it("rejects joined and departed without a remote unit", () => {
    const joined: ScenarioEvent = { kind: "relation-joined", relationId: 1 };
    expect(problems({ relations: [api] }, joined)).toEqual(["relation-joined needs the remote unit it is about"]);
  });

  it("rejects a joined unit that has no databag in the relation", () => {
    expect(problems({ relations: [api] }, on.relationJoined(api, { remoteUnit: 4 }))[0]).toMatch(/client\/4 has no databag/);
  });

  it("rejects relation-broken on a peer relation", () => {
    const peers = peerRelation({ endpoint: "replicas", id: 2 });
    expect(problems({ relations: [peers] }, on.relationBroken(peers))).toEqual(["peer relations never get relation-broken"]);
  });

  it("rejects workload events for containers missing from the state", () => {
    expect(problems({}, on.pebbleReady("workload"))).toEqual(['pebble-ready: container "workload" is not in the state']);
  });

  it("rejects storage events for undeclared storage", () => {
    expect(problems({}, on.storageAttached("cache"))).toEqual(['storage-attached: storage "cache" is not in metadata']);
  });

  it("rejects malformed secret ids and secret events Juju would not send to this unit", () => {
    expect(problems({ secrets: [{ id: "secret:nope", trackedContent: { a: "b" } }] })[0]).toMatch(/not a Juju secret id/);
    const owned = { id: "secret:cq9a0000000000000001", owner: "application" as const, trackedContent: { key: "v" } };
    expect(problems({ secrets: [owned], leader: true }, on.secretChanged(owned.id))).toEqual([
      "secret-changed goes to consumers, not the owner",
    ]);
    expect(problems({ secrets: [owned] }, on.secretRotate(owned.id))).toEqual([
      "secret-rotate of an application secret goes to the leader only",
    ]);
  });

  it("rejects leader-elected on a unit that is not the leader", () => {
    expect(problems({}, on.leaderElected())).toEqual(["leader-elected runs only on the leader (set leader: true)"]);
  });

  it("rejects databag values that are not strings when the state is built", () => {
    expect(() => state({ relations: [{ kind: "regular", endpoint: "example-api", id: 1, localAppData: { n: 1 as unknown as string } }] })).toThrow(
      /databag values must be strings/,
    );
  });
});

describe("consistency checks: containers", () => {
  it("rejects a container snapshot Pebble would refuse", () => {
    const bad = { name: "workload", layers: [{ label: "base", layer: { services: { app: { command: "/bin/app" } } } }] };
    expect(problems({ containers: [bad] })).toEqual([expect.stringMatching(/^container "workload": .*override/)]);
  });

  it("rejects a check event for a check the container's plan does not have", () => {
    const workload = {
      name: "workload",
      layers: [{ label: "base", layer: { checks: { ready: { override: "replace" as const, http: { url: "http://localhost/ready" } } } } }],
    };
    expect(problems({ containers: [workload] }, on.pebbleCheckFailed("workload", "ready"))).toEqual([]);
    expect(problems({ containers: [workload] }, on.pebbleCheckFailed("workload", "alive"))).toEqual([
      'pebble-check-failed: check "alive" is not in the plan of "workload"',
    ]);
  });
});

describe("consistency checks: Juju version", () => {
  it("rejects secrets before Juju 3.0.2 and check events before Juju 3.6", () => {
    const owned = { id: "secret:cq9a0000000000000001", owner: "unit" as const, trackedContent: { key: "v" } };
    expect(checkConsistency(meta, state({ secrets: [owned] }), on.updateStatus(), "2.9.46")).toEqual([
      "secrets need Juju 3.0.2 or later, not 2.9.46",
    ]);
    const workload = {
      name: "workload",
      layers: [{ label: "base", layer: { checks: { ready: { override: "replace" as const, tcp: { port: 80 } } } } }],
    };
    expect(checkConsistency(meta, state({ containers: [workload] }), on.pebbleCheckFailed("workload", "ready"), "3.5.4")).toEqual([
      "pebble-check-failed needs Juju 3.6 or later, not 3.5.4",
    ]);
  });
});
