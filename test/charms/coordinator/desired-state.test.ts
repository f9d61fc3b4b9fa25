import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { type CoordinatorInputs, desiredState } from "../../../src/charms/coordinator/desired-state.js";
import { NO_INTEGRATIONS } from "../../../src/charms/coordinator/integrations.js";
import { decodeProviderAppDatabag } from "../../../src/interface/databag-codec.js";
import { MODEL, MODEL_UUID, S3_FIXTURE, distributedWorkers, podFqdn, workerRelation, workerUnitDataWithAddress } from "./fixtures.js";

function inputs(overrides: Partial<CoordinatorInputs> = {}): CoordinatorInputs {
  return {
    identity: { appName: "tempo", modelName: MODEL, modelUuid: MODEL_UUID },
    isLeader: true,
    config: {},
    workers: [],
    s3: { id: 99, app: "s3-integrator", providerData: S3_FIXTURE },
    integrations: NO_INTEGRATIONS,
    ...overrides,
  };
}

function publishedConfig(state: ReturnType<typeof desiredState>, relationId: number): Record<string, any> {
  const publication = state.publications.find((candidate) => candidate.relationId === relationId);
  const decoded = decodeProviderAppDatabag(publication?.databag ?? {});
  if (decoded.kind !== "valid") throw new Error(`relation ${relationId}: no valid publication`);
  return YAML.parse(decoded.data.worker_config);
}

describe("the coordinator's desired state", () => {
  it("serves one all worker with s3 and reports it active", () => {
    const state = desiredState(inputs({ workers: [workerRelation(1, "tempo-worker", "all", 1)] }));
    expect(state.status).toEqual({ status: "active", message: "1 worker in 1 application" });
    expect(publishedConfig(state, 1).memberlist.join_members).toEqual([`${podFqdn("tempo-worker", 0)}:7946`]);
    expect(publishedConfig(state, 1).storage.trace.backend).toBe("s3");
  });

  it("runs one all worker on local storage when no s3 is related", () => {
    const state = desiredState(inputs({ s3: undefined, workers: [workerRelation(1, "tempo-worker", "all", 1)] }));
    expect(publishedConfig(state, 1).storage.trace.backend).toBe("local");
    expect(state.status.status).toBe("active");
  });

  it("publishes the same worker_config to every application of a distributed cluster", () => {
    const state = desiredState(inputs({ workers: distributedWorkers() }));
    const configs = new Set(state.publications.map((publication) => publication.databag.worker_config));
    expect(state.publications.map((publication) => publication.relationId)).toEqual([1, 2, 3, 4, 5]);
    expect(configs.size).toBe(1);
    expect(state.status).toEqual({ status: "active", message: "7 workers in 5 applications" });
    expect(publishedConfig(state, 3).ingester.lifecycler.ring.replication_factor).toBe(3);
  });

  it("gives each relation the ports of its own role", () => {
    const state = desiredState(inputs({ workers: distributedWorkers(), config: { "always_enable_zipkin": true } }));
    const ports = Object.fromEntries(state.publications.map((p) => [p.app, JSON.parse(p.databag.worker_ports ?? "null")]));
    expect(ports).toEqual({
      "tempo-compactor": [3200, 7946],
      "tempo-distributor": [3200, 4318, 7946, 9411],
      "tempo-ingester": [3200, 7946],
      "tempo-querier": [3200, 7946],
      "tempo-query-frontend": [3200, 7946, 9096],
    });
  });

  it("names the missing roles and publishes nothing while the cluster is incomplete", () => {
    const state = desiredState(inputs({ workers: [workerRelation(1, "tempo-querier", "querier", 1)] }));
    expect(state.publications).toEqual([]);
    expect(state.status).toEqual({
      status: "blocked",
      message: "missing roles: compactor, distributor, ingester, query-frontend (per role, a tempo-worker with role-all=false role-<role>=true: juju integrate tempo <worker>); no trace receiver runs until a distributor joins",
    });
  });

  it("asks for s3 for a distributed cluster and publishes nothing", () => {
    const state = desiredState(inputs({ s3: undefined, workers: distributedWorkers() }));
    expect(state.publications).toEqual([]);
    expect(state.status).toEqual({
      status: "blocked",
      message: "relate an s3 provider (distributed Tempo needs object storage): juju integrate tempo:s3 s3-integrator",
    });
  });

  it("leaves an application with an invalid role out, names it, and still serves the others", () => {
    const invalid = workerRelation(6, "tempo-worker-q", { role: JSON.stringify("querier,ingester") }, 1);
    const state = desiredState(inputs({ workers: [...distributedWorkers(), invalid] }));
    expect(state.publications.map((publication) => publication.app)).not.toContain("tempo-worker-q");
    expect(state.publications).toHaveLength(5);
    expect(publishedConfig(state, 1).memberlist.join_members).not.toContain(`${podFqdn("tempo-worker-q", 0)}:7946`);
    expect(state.status).toEqual({
      status: "blocked",
      message: 'tempo-worker-q: invalid role "querier,ingester" (keep one role: juju config tempo-worker-q role-ingester=false)',
    });
  });

  it("leaves a unit with a bad address out of the ring and names it", () => {
    const workers = distributedWorkers();
    const ingesters = workers[2]!;
    const withBadUnit = {
      ...ingesters,
      units: [...ingesters.units, { name: "tempo-ingester/3", data: workerUnitDataWithAddress("tempo-ingester", 3, "bad host") }],
    };
    const state = desiredState(inputs({ workers: [...workers.slice(0, 2), withBadUnit, ...workers.slice(3)] }));
    const ring: string[] = publishedConfig(state, 1).memberlist.join_members;
    expect(ring).toHaveLength(7);
    expect(ring.some((member) => member.startsWith("bad"))).toBe(false);
    expect(state.status.status).toBe("blocked");
    expect(state.status.message).toMatch(/^tempo-ingester\/3: address: "bad host"/);
  });

  it("waits, rather than blocks, for a worker that has not published its role yet", () => {
    const state = desiredState(inputs({ workers: [workerRelation(1, "tempo-worker", {}, 1)] }));
    expect(state.publications).toEqual([]);
    expect(state.status).toEqual({
      status: "blocked",
      message: "missing roles: compactor, distributor, ingester, querier, query-frontend (per role, a tempo-worker with role-all=false role-<role>=true: juju integrate tempo <worker>); no trace receiver runs until a distributor joins",
    });
    expect(state.problems).toContainEqual({ severity: "waiting", message: "waiting for tempo-worker to publish its data" });
  });

  it("notes, on an active cluster, a worker application scaled to zero", () => {
    const state = desiredState(inputs({ workers: [...distributedWorkers(), workerRelation(6, "tempo-spare", "querier", 0)] }));
    expect(state.publications).toHaveLength(5);
    expect(state.status).toEqual({
      status: "active",
      message: "7 workers in 5 applications; tempo-spare has no units (juju add-unit tempo-spare, or juju remove-relation tempo tempo-spare)",
    });
  });

  it("asks for units, not a relation, when the only application of a role is scaled to zero", () => {
    const workers = distributedWorkers().map((relation) => (relation.app === "tempo-querier" ? workerRelation(4, "tempo-querier", "querier", 0) : relation));
    const state = desiredState(inputs({ workers }));
    expect(state.publications).toEqual([]);
    expect(state.status).toEqual({ status: "blocked", message: "missing roles: querier (juju add-unit tempo-querier)" });
  });

  it("lets a non-leader report the same status without publishing anything", () => {
    const leader = desiredState(inputs({ workers: distributedWorkers() }));
    const follower = desiredState(inputs({ workers: distributedWorkers(), isLeader: false }));
    expect(follower.status).toEqual(leader.status);
    expect(follower.publications).toEqual([]);
    expect(follower.s3Request).toBeUndefined();
  });

  it("blocks a replication factor the ingesters cannot hold, naming both counts", () => {
    const workers = distributedWorkers().map((relation) =>
      relation.app === "tempo-ingester" ? workerRelation(3, "tempo-ingester", "ingester", 2) : relation,
    );
    const state = desiredState(inputs({ workers, config: { "replication-factor": 3 } }));
    expect(state.publications).toEqual([]);
    expect(state.status).toEqual({
      status: "blocked",
      message: "replication-factor 3 needs at least 3 ingester units (have 2): juju add-unit tempo-ingester -n 1, or juju config tempo replication-factor=2",
    });
  });

  it("writes the s3 CA under both the published and the Python key", () => {
    const s3 = { id: 99, app: "s3", providerData: { ...S3_FIXTURE, "tls-ca-chain": JSON.stringify(["CA PEM"]) } };
    const state = desiredState(inputs({ s3, workers: [workerRelation(1, "tempo-worker", "all", 1)] }));
    const databag = state.publications[0]?.databag ?? {};
    expect(databag.s3_tls_ca_cert).toBe(JSON.stringify("CA PEM\n"));
    expect(databag.s3_tls_ca_chain).toBe(databag.s3_tls_ca_cert);
  });

  it("asks the s3 provider for a bucket named after the coordinator", () => {
    const state = desiredState(inputs({ workers: [workerRelation(1, "tempo-worker", "all", 1)] }));
    expect(state.s3Request).toEqual({ relationId: 99, databag: { bucket: "tempo" } });
  });

  it("blocks on invalid config and publishes nothing", () => {
    const state = desiredState(inputs({ workers: distributedWorkers(), config: { "retention-period": -1 } }));
    expect(state.publications).toEqual([]);
    expect(state.status).toEqual({
      status: "blocked",
      message: "retention-period must be at least 1 (hours), got -1: juju config tempo retention-period=720",
    });
  });

  it("sets a gossip cluster label unique to this coordinator", () => {
    const state = desiredState(inputs({ workers: [workerRelation(1, "tempo-worker", "all", 1)] }));
    expect(publishedConfig(state, 1).memberlist.cluster_label).toBe(`tempo-${MODEL_UUID}`);
  });

  it("notes an idle metrics-generator application while no remote-write is related", () => {
    const workers = [...distributedWorkers(), workerRelation(6, "tempo-metrics-generator", "metrics-generator", 1)];
    const idle = desiredState(inputs({ workers }));
    const fed = desiredState(inputs({ workers, integrations: { ...NO_INTEGRATIONS, remoteWrite: [{ url: "http://prom:9090/api/v1/write" }] } }));
    expect(idle.status).toEqual({
      status: "active",
      message: "8 workers in 6 applications; metrics-generator idle: juju integrate tempo:send-remote-write <prometheus>",
    });
    expect(fed.status).toEqual({ status: "active", message: "8 workers in 6 applications" });
    expect(publishedConfig(fed, 1).metrics_generator).toBeDefined();
  });

  it("blocks with the fix when every receiver is switched off", () => {
    const state = desiredState(inputs({ workers: distributedWorkers(), config: { "always_enable_otlp_http": false } }));
    expect(state.publications).toEqual([]);
    expect(state.status).toEqual({
      status: "blocked",
      message: "no trace receiver enabled: juju config tempo always_enable_otlp_http=true, or relate a tracing client",
    });
  });

  it("asks for workers when no worker relation exists", () => {
    expect(desiredState(inputs()).status).toEqual({
      status: "blocked",
      message: "no workers: juju integrate tempo:tempo-cluster <tempo-worker application>",
    });
  });
});
