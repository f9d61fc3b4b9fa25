/**
 * Scenarios a user would describe, each one event through the coordinator charm in the harness:
 * build a State, run, assert on the State that comes out.
 */
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { coordinatorCharm } from "../../../src/charms/coordinator/charm.js";
import type { Role } from "../../../src/interface/roles.js";
import { requirerAppDatabag } from "../../../src/interface/requirer.js";
import { validateTempoConfigText } from "../../../src/tempo/validate.js";
import {
  DEFAULT_UNIT_BAG,
  type RegularRelationState,
  type RunResult,
  type State,
  type StateInput,
  on,
  peerRelation,
  relation,
  run,
} from "../../../src/testing/index.js";
import { MODEL, MODEL_UUID, S3_FIXTURE, nginxContainer, podFqdn, workerUnitData, workerUnitDataWithAddress } from "./fixtures.js";

function workers(id: number, app: string, role: Role | Record<string, string>, unitNumbers: readonly number[]) {
  return relation({
    id,
    endpoint: "tempo-cluster",
    interface: "tempo_cluster",
    remoteApp: app,
    remoteAppData: typeof role === "string" ? requirerAppDatabag(role) : role,
    remoteUnitsData: Object.fromEntries(unitNumbers.map((n) => [String(n), { ...DEFAULT_UNIT_BAG, ...workerUnitData(app, n) }])),
  });
}

const s3 = (providerData: Record<string, string> = { ...S3_FIXTURE }) =>
  relation({ id: 90, endpoint: "s3", interface: "s3", remoteApp: "s3-integrator", remoteAppData: providerData });

function distributed(ingesterUnits: readonly number[] = [0, 1, 2]): RegularRelationState[] {
  return [
    workers(1, "tempo-compactor", "compactor", [0]),
    workers(2, "tempo-distributor", "distributor", [0]),
    workers(3, "tempo-ingester", "ingester", ingesterUnits),
    workers(4, "tempo-querier", "querier", [0]),
    workers(5, "tempo-query-frontend", "query-frontend", [0]),
  ];
}

function coordinatorState(relations: StateInput["relations"], overrides: Partial<StateInput> = {}): StateInput {
  return {
    leader: true,
    appName: "tempo",
    model: { name: MODEL, uuid: MODEL_UUID },
    containers: [nginxContainer()],
    relations: [...(relations ?? []), peerRelation({ id: 99, endpoint: "peers" })],
    ...overrides,
  };
}

function bagOf(state: State, id: number): Record<string, string> {
  const found = state.relations.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`relation ${id} is not in the state`);
  return found.localAppData;
}

function configOf(state: State, id: number): Record<string, any> {
  const raw = bagOf(state, id).worker_config;
  if (raw === undefined) throw new Error(`relation ${id} holds no worker_config`);
  return YAML.parse(JSON.parse(raw) as string);
}

const ring = (state: State, id: number): string[] => configOf(state, id).memberlist.join_members;
const relationSets = (result: RunResult) => result.hookCalls.filter((call) => call.startsWith("relation-set"));

/** Replace relations by id in a state that came out of a run (the next hook's input). */
function withRelations(state: State, ...replacements: RegularRelationState[]): State {
  const byId = new Map(replacements.map((replacement) => [replacement.id, replacement]));
  return {
    ...state,
    relations: state.relations.map((existing) => {
      const replacement = byId.get(existing.id);
      return replacement && existing.kind === "regular"
        ? { ...replacement, localAppData: existing.localAppData, localUnitData: existing.localUnitData }
        : existing;
    }),
  };
}

describe("the coordinator charm", () => {
  it("serves a monolithic worker: config, ports and an active status", async () => {
    const result = await run(coordinatorCharm, on.relationJoined({ id: 1 }, { remoteUnit: 0 }), coordinatorState([workers(1, "tempo-worker", "all", [0]), s3()]));
    expect(ring(result.state, 1)).toEqual([`${podFqdn("tempo-worker", 0)}:7946`]);
    expect(JSON.parse(bagOf(result.state, 1).worker_ports ?? "[]")).toEqual([3200, 4318, 7946, 9096]);
    expect(result.state.unitStatus).toEqual({ status: "active", message: "1 worker in 1 application" });
    expect(result.state.appStatus).toEqual(result.state.unitStatus);
  });

  it("publishes a worker_config the strict Tempo validator accepts", async () => {
    const result = await run(coordinatorCharm, on.configChanged(), coordinatorState([...distributed(), s3()]));
    const text = JSON.parse(bagOf(result.state, 1).worker_config ?? '""') as string;
    expect(validateTempoConfigText(text, "2.7")).toEqual([]);
  });

  it("gives a distributed cluster one identical config, with every unit in the ring and replication factor 3", async () => {
    const result = await run(coordinatorCharm, on.configChanged(), coordinatorState([...distributed(), s3()]));
    const configs = new Set([1, 2, 3, 4, 5].map((id) => bagOf(result.state, id).worker_config));
    expect(configs.size).toBe(1);
    expect(ring(result.state, 1)).toHaveLength(7);
    expect(configOf(result.state, 1).ingester.lifecycler.ring.replication_factor).toBe(3);
    expect(result.state.unitStatus).toEqual({ status: "active", message: "7 workers in 5 applications" });
  });

  it("adds a joining ingester to the ring and drops a departed one", async () => {
    const first = await run(coordinatorCharm, on.configChanged(), coordinatorState([...distributed(), s3()]));
    const scaledUp = withRelations(first.state, workers(3, "tempo-ingester", "ingester", [0, 1, 2, 3]));
    const up = await run(coordinatorCharm, on.relationJoined({ id: 3 }, { remoteUnit: 3 }), scaledUp);
    expect(ring(up.state, 1)).toContain(`${podFqdn("tempo-ingester", 3)}:7946`);
    expect(ring(up.state, 1)).toHaveLength(8);

    const scaledDown = withRelations(up.state, workers(3, "tempo-ingester", "ingester", [0, 1, 2]));
    const down = await run(coordinatorCharm, on.relationDeparted({ id: 3 }, { remoteUnit: 3 }), scaledDown);
    expect(ring(down.state, 1)).not.toContain(`${podFqdn("tempo-ingester", 3)}:7946`);
    expect(ring(down.state, 1)).toEqual(ring(first.state, 1));
  });

  it("leaves an application with an invalid role out, names it, and keeps serving the others", async () => {
    const imposter = workers(6, "tempo-worker-q", { role: JSON.stringify("querier,ingester") }, [0]);
    const result = await run(coordinatorCharm, on.relationChanged(imposter), coordinatorState([...distributed(), imposter, s3()]));
    expect(bagOf(result.state, 6)).toEqual({});
    expect(bagOf(result.state, 1).worker_config).toBeDefined();
    expect(ring(result.state, 1)).not.toContain(`${podFqdn("tempo-worker-q", 0)}:7946`);
    expect(result.state.unitStatus).toEqual({
      status: "blocked",
      message: 'tempo-worker-q: invalid role "querier,ingester" (keep one role: juju config tempo-worker-q role-ingester=false)',
    });
  });

  it("leaves a unit with a bad address out of the ring and names it", async () => {
    const ingesters = workers(3, "tempo-ingester", "ingester", [0, 1, 2]);
    ingesters.remoteUnitsData["3"] = { ...DEFAULT_UNIT_BAG, ...workerUnitDataWithAddress("tempo-ingester", 3, "evil: {x}") };
    const relations = distributed().map((existing) => (existing.id === 3 ? ingesters : existing));
    const result = await run(coordinatorCharm, on.relationJoined(ingesters, { remoteUnit: 3 }), coordinatorState([...relations, s3()]));
    expect(ring(result.state, 1)).toHaveLength(7);
    expect(result.state.unitStatus.status).toBe("blocked");
    expect(result.state.unitStatus.message).toMatch(/^tempo-ingester\/3: address: "evil: \{x\}"/);
  });

  it("lets a non-leader report the cluster's state without touching application data", async () => {
    const result = await run(coordinatorCharm, on.updateStatus(), coordinatorState([...distributed(), s3()], { leader: false, unitId: 1 }));
    // Its one write: its own FQDN in its peer unit bag, for the leader's ingress load balancer.
    expect(relationSets(result)).toEqual(["relation-set -r peers:99 --file -"]);
    expect(result.state.relations.find((relation) => relation.id === 99)?.localUnitData).toMatchObject({
      fqdn: "tempo-1.tempo-endpoints.cos.svc.cluster.local",
    });
    expect(result.hookCalls.filter((call) => call.endsWith("--app - tempo"))).toEqual([]);
    expect(result.state.unitStatus).toEqual({ status: "active", message: "7 workers in 5 applications" });
    expect(result.state.appStatus).toEqual({ status: "unset", message: "" });
  });

  it("blocks a distributed cluster without s3 and publishes nothing", async () => {
    const result = await run(coordinatorCharm, on.configChanged(), coordinatorState(distributed()));
    expect([1, 2, 3, 4, 5].map((id) => bagOf(result.state, id))).toEqual([{}, {}, {}, {}, {}]);
    expect(result.state.unitStatus).toEqual({
      status: "blocked",
      message: "relate an s3 provider (distributed Tempo needs object storage): juju integrate tempo:s3 s3-integrator",
    });
  });

  it("runs a single all unit on local storage when no s3 is related", async () => {
    const result = await run(coordinatorCharm, on.relationJoined({ id: 1 }, { remoteUnit: 0 }), coordinatorState([workers(1, "tempo-worker", "all", [0])]));
    expect(configOf(result.state, 1).storage.trace.backend).toBe("local");
    expect(result.state.unitStatus.status).toBe("active");
  });

  it("writes nothing when it publishes the same state a second time", async () => {
    const first = await run(coordinatorCharm, on.configChanged(), coordinatorState([...distributed(), s3()]));
    expect(relationSets(first).length).toBeGreaterThan(0);
    const second = await run(coordinatorCharm, on.updateStatus(), first.state);
    expect(relationSets(second)).toEqual([]);
    expect(second.state.relations).toEqual(first.state.relations);
  });

  it("lets a newly elected leader take over without rewriting what the old leader published", async () => {
    const oldLeader = await run(coordinatorCharm, on.configChanged(), coordinatorState([...distributed(), s3()]));
    const newLeaderState: State = { ...oldLeader.state, unitId: 1, leader: true };
    const newLeader = await run(coordinatorCharm, on.leaderElected(), newLeaderState);
    // The state was the old leader's, so its peer unit bag names tempo/0: the new leader corrects it.
    expect(relationSets(newLeader)).toEqual(["relation-set -r peers:99 --file -"]);
    expect(newLeader.state.unitStatus).toEqual(oldLeader.state.unitStatus);
  });

  it("keeps what it published when the cluster becomes incomplete", async () => {
    const complete = await run(coordinatorCharm, on.configChanged(), coordinatorState([...distributed(), s3()]));
    const withoutCompactor: State = {
      ...complete.state,
      relations: complete.state.relations.filter((existing) => existing.id !== 1),
    };
    const incomplete = await run(coordinatorCharm, on.relationDeparted({ id: 3 }, { remoteUnit: 2 }), withoutCompactor);
    expect(relationSets(incomplete)).toEqual([]);
    expect(bagOf(incomplete.state, 2)).toEqual(bagOf(complete.state, 2));
    expect(incomplete.state.unitStatus).toEqual({
      status: "blocked",
      message: "missing roles: compactor (per role, a tempo-worker with role-all=false role-<role>=true: juju integrate tempo <worker>)",
    });
  });

  it("writes nothing to a relation that is being broken", async () => {
    const first = await run(coordinatorCharm, on.configChanged(), coordinatorState([workers(1, "tempo-worker", "all", [0]), workers(2, "tempo-extra", "querier", [0]), s3()]));
    const broken = await run(coordinatorCharm, on.relationBroken({ id: 2 }), first.state);
    expect(relationSets(broken).filter((call) => call.includes("tempo-cluster:2"))).toEqual([]);
    expect(bagOf(broken.state, 2)).toEqual(bagOf(first.state, 2));
  });

  it("keeps the published config and asks for s3 again when the s3 relation is removed", async () => {
    const first = await run(coordinatorCharm, on.configChanged(), coordinatorState([...distributed(), s3()]));
    const lost = await run(coordinatorCharm, on.relationBroken({ id: 90 }), first.state);
    expect(relationSets(lost)).toEqual([]);
    expect(bagOf(lost.state, 1)).toEqual(bagOf(first.state, 1));
    expect(lost.state.unitStatus).toEqual({
      status: "blocked",
      message: "relate an s3 provider (distributed Tempo needs object storage): juju integrate tempo:s3 s3-integrator",
    });
  });

  it("asks the s3 provider for a bucket named after itself", async () => {
    const result = await run(coordinatorCharm, on.relationCreated({ id: 90 }), coordinatorState([workers(1, "tempo-worker", "all", [0]), s3({})]));
    expect(bagOf(result.state, 90)).toEqual({ bucket: "tempo" });
    expect(result.state.unitStatus).toEqual({
      status: "waiting",
      message: "waiting for s3-integrator to share the s3 bucket and credentials (s3-integrator: juju run s3-integrator/leader sync-s3-credentials access-key=… secret-key=…)",
    });
  });

  it("blocks a replication factor above the ingester count", async () => {
    const result = await run(coordinatorCharm, on.configChanged(), coordinatorState([...distributed([0, 1]), s3()], { config: { "replication-factor": 3 } }));
    expect(bagOf(result.state, 1)).toEqual({});
    expect(result.state.unitStatus).toEqual({
      status: "blocked",
      message: "replication-factor 3 needs at least 3 ingester units (have 2): juju add-unit tempo-ingester -n 1, or juju config tempo replication-factor=2",
    });
  });
});
