/**
 * The four interface tests published with tempo_cluster/v1 (`spec/interface-tests.md`),
 * run over the pure provider and requirer logic. The later issues run them again through the charms.
 *
 * The provider side is what the coordinator leader does on one hook: parse the cluster, and write a
 * databag only to the relations it should publish to, for a complete cluster.
 */
import { describe, expect, it } from "vitest";
import { Ajv } from "ajv";
import { databagChanges, gossipRing, parseCluster, PROVIDER_OWNED_KEYS, providerDatabag, relationsToPublishTo, clusterMissingRoles, type WorkerRelationsView } from "../../src/interface/provider.js";
import { readProviderDatabag, requirerAppDatabag, requirerUnitDatabag } from "../../src/interface/requirer.js";
import { RECEIVER_PORTS } from "../../src/interface/ports.js";
import { workerPorts } from "../../src/interface/role-rules.js";
import { decodeValues, publishedValidators, readPublished } from "./published-schemas.js";
import { json } from "./worker-relations.js";

const validators = publishedValidators();
/** The published files as they are, over the encoded databags (each value a string). */
function publishedEncoded(side: "provider" | "requirer") {
  return new Ajv({ strict: false, allErrors: true }).compile(readPublished(side));
}

/** Juju's own keys, which "data empty" does not count. */
const JUJU_UNIT_KEYS = new Set(["ingress-address", "private-address", "egress-subnets"]);

/** The upstream fixture: remote app `worker`, unit `worker/0` at 192.0.2.1. */
function workerRelationWithRole(appData: Record<string, string>): WorkerRelationsView {
  return {
    relations: [
      {
        id: 1,
        app: "worker",
        appData,
        units: [
          {
            name: "worker/0",
            data: { juju_topology: json({ application: "worker", unit: "worker/0", charm_name: "worker" }), address: json("192.0.2.1") },
          },
        ],
      },
    ],
  };
}

/**
 * The upstream fixture alone is an incomplete cluster, which already keeps the coordinator quiet; a
 * second, valid `all` worker on relation 2 shows the role rule itself keeps relation 1 empty.
 */
function withCompleteNeighbour(view: WorkerRelationsView): WorkerRelationsView {
  const neighbour = {
    id: 2,
    app: "complete",
    appData: { role: json("all") },
    units: [{ name: "complete/0", data: { juju_topology: json({ application: "complete", unit: "complete/0", charm_name: "w" }), address: json("192.0.2.9") } }],
  };
  return { relations: [...view.relations, neighbour] };
}

/** One coordinator-leader hook over the pure logic: the provider app databag of each relation afterwards. */
function coordinatorLeaderHook(view: WorkerRelationsView): Map<number, Record<string, string>> {
  const written = new Map<number, Record<string, string>>(view.relations.map((relation) => [relation.id, {}]));
  const cluster = parseCluster(view);
  if (clusterMissingRoles(cluster).length > 0) return written;
  const workerConfig = `memberlist:\n  join_members:\n${gossipRing(cluster).map((member) => `  - ${member}\n`).join("")}`;
  for (const relationId of relationsToPublishTo(cluster)) {
    const application = cluster.applications.find((candidate) => candidate.relationId === relationId);
    if (!application) continue;
    const desired = providerDatabag({
      worker_config: workerConfig,
      worker_ports: workerPorts(application.role, [RECEIVER_PORTS.otlp_http]),
      charm_tracing_receivers: { otlp_http: "http://tempo.cos.svc.cluster.local:4318" },
      workload_tracing_receivers: { otlp_http: "http://tempo.cos.svc.cluster.local:4318" },
      remote_write_endpoints: [],
      loki_endpoints: {},
    });
    const current = written.get(relationId) ?? {};
    const changes = databagChanges(current, desired, PROVIDER_OWNED_KEYS);
    const next = { ...current, ...changes.set };
    for (const key of changes.delete) delete next[key];
    written.set(relationId, next);
  }
  return written;
}

function isDataEmpty(bag: Record<string, string>): boolean {
  return Object.keys(bag).every((key) => JUJU_UNIT_KEYS.has(key));
}

describe("upstream tempo_cluster/v1 interface tests", () => {
  it("1. provider: a worker with unit data but no role leaves the coordinator's databags empty", () => {
    const written = coordinatorLeaderHook(workerRelationWithRole({}));
    expect(isDataEmpty(written.get(1) ?? {})).toBe(true);
  });

  it("1b. provider: the relation without a role stays empty even when another worker makes the cluster complete", () => {
    const written = coordinatorLeaderHook(withCompleteNeighbour(workerRelationWithRole({})));
    expect(isDataEmpty(written.get(1) ?? {})).toBe(true);
    expect(written.get(2)?.worker_config).toBeDefined();
  });

  it("2. provider: a worker joining with role all gets an application databag valid against the provider schema", () => {
    const bag = coordinatorLeaderHook(workerRelationWithRole({ role: json("all") })).get(1) ?? {};
    expect(bag.worker_config).toBeDefined();
    const decoded = decodeValues(bag);
    expect(validators.providerApp(decoded), JSON.stringify(validators.providerApp.errors)).toBe(true);
    const provider = publishedEncoded("provider");
    expect(provider({ app: bag, unit: {} }), JSON.stringify(provider.errors)).toBe(true);
    expect(decoded.worker_config).toContain("192.0.2.1:7946");
  });

  it("3. provider: a worker with role imposter leaves the coordinator's databags empty", () => {
    const written = coordinatorLeaderHook(workerRelationWithRole({ role: json("imposter") }));
    expect(isDataEmpty(written.get(1) ?? {})).toBe(true);
  });

  it("3b. provider: the imposter's relation stays empty even when another worker makes the cluster complete", () => {
    const written = coordinatorLeaderHook(withCompleteNeighbour(workerRelationWithRole({ role: json("imposter") })));
    expect(isDataEmpty(written.get(1) ?? {})).toBe(true);
    expect(written.get(2)?.worker_config).toBeDefined();
  });

  it("4. requirer: on relation-created the worker's app and unit databags are valid against the requirer schema", () => {
    const coordinatorBag = {
      worker_config: json("foo: bar"),
      charm_tracing_receivers: json({ otlp_http: "http://192.0.2.1:4318" }),
      workload_tracing_receivers: json({ otlp_http: "http://192.0.2.2:4318", otlp_grpc: "192.0.2.2:4317" }),
    };
    // Reading `foo: bar` must not crash: it is a mapping, just not a usable Tempo config.
    expect(readProviderDatabag(coordinatorBag).kind).toBe("valid");

    const app = requirerAppDatabag("all");
    const unit = requirerUnitDatabag({
      topology: { model: "m", model_uuid: "00000000-0000-4000-8000-000000000000", application: "worker", unit: "worker/0", charm_name: "tempo-worker-k8s" },
      address: "worker-0.worker-endpoints.m.svc.cluster.local",
    });
    expect(unit.kind).toBe("valid");
    if (unit.kind !== "valid") return;
    expect(validators.requirerApp(decodeValues(app)), JSON.stringify(validators.requirerApp.errors)).toBe(true);
    expect(validators.requirerUnit(decodeValues(unit.data)), JSON.stringify(validators.requirerUnit.errors)).toBe(true);
    const requirer = publishedEncoded("requirer");
    expect(requirer({ app, unit: unit.data }), JSON.stringify(requirer.errors)).toBe(true);
  });
});
