import { describe, expect, it } from "vitest";
import { HookCommandError } from "../../src/juju/backend.js";
import type { HookScope, StateInput } from "../../src/testing/index.js";
import { MemoryBackend, peerRelation, relation, state, worldFromState } from "../../src/testing/index.js";
import { exampleCharm } from "../fixtures/example-charm.js";

function backendFor(input: StateInput, relationScope?: HookScope["relation"]) {
  const unitWorld = worldFromState(exampleCharm.meta, state(input));
  const backend = new MemoryBackend(unitWorld.world, {
    unit: unitWorld.unitName,
    ...(relationScope ? { relation: relationScope } : {}),
  });
  return { backend, world: unitWorld.world };
}

function failure(action: () => unknown): HookCommandError {
  try {
    action();
  } catch (error) {
    if (error instanceof HookCommandError) return error;
    throw error;
  }
  throw new Error("expected a hook command error");
}

const api = relation({
  endpoint: "example-api",
  id: 9,
  remoteApp: "client",
  localAppData: { mine: "1" },
  remoteAppData: { theirs: "2" },
  remoteUnitsData: { 0: { u: "0" }, 1: { u: "1" } },
});
const ref = { endpoint: "example-api", id: 9 };

describe("MemoryBackend: the databag access matrix", () => {
  it("denies a non-leader its own application bag of a regular relation (exit 1)", () => {
    const { backend } = backendFor({ relations: [api] });
    const error = failure(() => backend.relationGet(ref, "example", true));
    expect([error.kind, error.exitCode, error.stderr]).toEqual(["permission-denied", 1, "ERROR permission denied\n"]);
  });

  it("lets a non-leader read its own application bag of a peer relation", () => {
    const peers = peerRelation({ endpoint: "replicas", id: 3, localAppData: { a: "b" } });
    const { backend } = backendFor({ relations: [peers] });
    expect(backend.relationGet({ endpoint: "replicas", id: 3 }, "example", true)).toEqual({ a: "b" });
  });

  it("refuses a non-leader's application write with Juju's message", () => {
    const { backend } = backendFor({ relations: [api] });
    const error = failure(() => backend.relationSet(ref, { k: "v" }, true));
    expect([error.kind, error.exitCode, error.stderr]).toEqual(["not-leader", 1, "ERROR cannot write relation settings\n"]);
  });

  it("lets anyone read remote unit and application bags", () => {
    const { backend } = backendFor({ relations: [api] });
    expect(backend.relationGet(ref, "client/1", false)).toEqual({ u: "1" });
    expect(backend.relationGet(ref, "client", true)).toEqual({ theirs: "2" });
  });

  it("denies a unit that is not in the relation", () => {
    const { backend } = backendFor({ relations: [api] });
    expect(failure(() => backend.relationGet(ref, "client/7", false)).kind).toBe("permission-denied");
    expect(failure(() => backend.relationGet(ref, "stranger", true)).kind).toBe("permission-denied");
  });

  it("answers an unknown relation or a wrong endpoint with exit 2 relation not found", () => {
    const { backend } = backendFor({ relations: [api] });
    const unknown = failure(() => backend.relationList({ endpoint: "example-api", id: 99 }));
    expect([unknown.kind, unknown.exitCode]).toEqual(["relation-not-found", 2]);
    expect(failure(() => backend.relationList({ endpoint: "backend", id: 9 })).kind).toBe("relation-not-found");
  });

  it("refuses an application name where a unit is expected", () => {
    const { backend } = backendFor({ relations: [api] });
    expect(failure(() => backend.relationGet(ref, "client", false)).exitCode).toBe(2);
  });
});

describe("MemoryBackend: transactions", () => {
  it("shows the hook's own writes to its bags but not to the world until commit", () => {
    const { backend, world } = backendFor({ leader: true, relations: [api] });
    backend.relationSet(ref, { mine: "", new: "n" }, true);
    backend.relationSet(ref, { x: "1" }, false);
    expect(backend.relationGet(ref, "example", true)).toEqual({ new: "n" });
    expect(backend.relationGet(ref, "example/0", false)).toMatchObject({ x: "1" });
    expect(world.relations.get(9)!.appData.get("example")).toEqual({ mine: "1" });
    backend.commit();
    expect(world.relations.get(9)!.appData.get("example")).toEqual({ new: "n" });
    expect(world.relations.get(9)!.unitData.get("example/0")).toMatchObject({ x: "1" });
  });

  it("applies status and workload version immediately, without commit", () => {
    const { backend, world } = backendFor({});
    backend.statusSet("unit", "blocked", "relate s3");
    backend.applicationVersionSet("2.8");
    expect(world.units.get("example/0")).toMatchObject({ status: { status: "blocked", message: "relate s3" }, workloadVersion: "2.8" });
  });

  it("lists pending port changes in opened-ports and commits them", () => {
    const { backend, world } = backendFor({ openedPorts: [{ protocol: "tcp", port: 80 }] });
    backend.openPort({ protocol: "tcp", port: 443 });
    backend.closePort({ protocol: "tcp", port: 80 });
    expect(backend.openedPorts()).toEqual([{ protocol: "tcp", port: 443 }]);
    expect(world.units.get("example/0")!.openedPorts).toEqual([{ protocol: "tcp", port: 80 }]);
    backend.commit();
    expect(world.units.get("example/0")!.openedPorts).toEqual([{ protocol: "tcp", port: 443 }]);
  });

  it("buffers unit state until commit", () => {
    const { backend, world } = backendFor({ unitState: { a: "1" } });
    backend.stateSet({ b: "2" });
    backend.stateDelete("a");
    expect(backend.stateGet()).toEqual({ b: "2" });
    expect(world.units.get("example/0")!.state).toEqual({ a: "1" });
    backend.commit();
    expect(world.units.get("example/0")!.state).toEqual({ b: "2" });
  });

  it("refuses a commit of application writes when leadership was lost during the hook", () => {
    const { backend, world } = backendFor({ leader: true, relations: [api] });
    backend.relationSet(ref, { k: "v" }, true);
    world.apps.get("example")!.leader = undefined;
    expect(failure(() => backend.commit()).kind).toBe("not-leader");
    expect(world.relations.get(9)!.appData.get("example")).toEqual({ mine: "1" });
  });

  it("refuses hook commands after the hook ended", () => {
    const { backend } = backendFor({});
    backend.commit();
    expect(() => backend.isLeader()).toThrow(/already ended/);
  });
});

describe("MemoryBackend: relation membership by hook kind", () => {
  it("includes the joining unit in relation-joined", () => {
    const joining = relation({ endpoint: "example-api", id: 4, remoteApp: "client", remoteUnitsData: { 0: {} } });
    const { backend } = backendFor({ relations: [joining] }, { id: 4, kind: "joined", remoteUnit: "client/3" });
    expect(backend.relationList({ endpoint: "example-api", id: 4 })).toEqual(["client/0", "client/3"]);
  });

  it("excludes the departing unit in relation-departed but keeps its bag readable", () => {
    const { backend } = backendFor(
      { relations: [api] },
      { id: 9, kind: "departed", remoteUnit: "client/1", departingUnit: "client/1" },
    );
    expect(backend.relationList(ref)).toEqual(["client/0"]);
    expect(backend.relationGet(ref, "client/1", false)).toEqual({ u: "1" });
  });

  it("lists no units in relation-created and relation-broken", () => {
    for (const kind of ["created", "broken"] as const) {
      const { backend } = backendFor({ relations: [api] }, { id: 9, kind });
      expect(backend.relationList(ref)).toEqual([]);
    }
  });

  it("leaves the broken relation out of relation-ids but still names its remote app", () => {
    const other = relation({ endpoint: "example-api", id: 10, remoteApp: "other" });
    const { backend } = backendFor({ relations: [api, other] }, { id: 9, kind: "broken" });
    expect(backend.relationIds("example-api")).toEqual([{ endpoint: "example-api", id: 10 }]);
    expect(backend.relationRemoteApp(ref)).toBe("client");
  });

  it("sorts relation ids as Juju does, as strings", () => {
    const nine = relation({ endpoint: "example-api", id: 9, remoteApp: "a" });
    const ten = relation({ endpoint: "example-api", id: 10, remoteApp: "b" });
    const { backend } = backendFor({ relations: [nine, ten] });
    expect(backend.relationIds("example-api").map((r) => r.id)).toEqual([10, 9]);
  });

  it("lists the other peers, never this unit", () => {
    const peers = peerRelation({ endpoint: "replicas", id: 3, peersData: { 2: {}, 1: {} } });
    const { backend } = backendFor({ relations: [peers] });
    expect(backend.relationList({ endpoint: "replicas", id: 3 })).toEqual(["example/1", "example/2"]);
  });
});

describe("MemoryBackend: secrets", () => {
  const consumed = "secret:cq9a0000000000000001";

  it("pins a consumer to its tracked revision until it refreshes, and peeks without moving", () => {
    const { backend, world } = backendFor({
      secrets: [{ id: consumed, trackedContent: { key: "old" }, latestContent: { key: "new" }, label: "creds" }],
    });
    expect(backend.secretGet({ label: "creds" })).toEqual({ key: "old" });
    expect(backend.secretGet({ id: consumed }, "peek")).toEqual({ key: "new" });
    expect(backend.secretGet({ id: consumed })).toEqual({ key: "old" });
    expect(backend.secretGet({ id: consumed }, "refresh")).toEqual({ key: "new" });
    expect(backend.secretGet({ id: consumed })).toEqual({ key: "new" });
    expect(world.secrets.get(consumed)!.tracked.get("example/0")).toBe(1);
    backend.commit();
    expect(world.secrets.get(consumed)!.tracked.get("example/0")).toBe(2);
  });

  it("answers secret not found for an unknown secret", () => {
    const { backend } = backendFor({});
    expect(failure(() => backend.secretGet({ id: "secret:cq9a0000000000000099" })).kind).toBe("secret-not-found");
  });

  it("lets a leader add, update, grant and list an application secret, visible only after commit", () => {
    const { backend, world } = backendFor({ leader: true, relations: [api] });
    const added = backend.secretAdd({ password: "p1" }, "application", { label: "db" });
    // secret-add prints the full URI; every other path spells the same secret `secret:<xid>`.
    expect(added).toMatch(new RegExp(`^secret://${world.modelUuid}/[0-9a-v]{20}$`));
    const id = `secret:${added.split("/").pop()}`;
    backend.secretSet(added, { password: "p2" });
    backend.secretGrant(added, ref);
    expect(backend.secretGet({ label: "db" })).toEqual({ password: "p2" });
    expect(backend.secretIds()).toEqual([id]);
    expect(backend.secretInfoGet({ id: added })).toMatchObject({ id, revision: 2, owner: "application", label: "db" });
    expect(world.secrets.has(id)).toBe(false);
    backend.commit();
    expect([...world.secrets.get(id)!.grants.get(9)!]).toEqual(["client"]);
  });

  it("applies a hook's grants before its revokes, as Juju does, so revoking what it also granted leaves it revoked", () => {
    const { backend, world } = backendFor({ leader: true, relations: [api] });
    const id = backend.secretAdd({ password: "p1" }, "application");
    backend.secretRevoke(id, ref);
    backend.secretGrant(id.replace(/^secret:\/\/[^/]+\//, "secret:"), ref);
    backend.commit();
    expect(world.secrets.get(`secret:${id.split("/").pop()}`)!.grants.size).toBe(0);
  });

  it("refuses an application secret from a non-leader", () => {
    const { backend } = backendFor({});
    expect(failure(() => backend.secretAdd({ password: "p" }, "application")).kind).toBe("not-leader");
  });

  it("makes no new revision when the content is unchanged", () => {
    const { backend } = backendFor({ leader: true });
    const id = backend.secretAdd({ password: "p" }, "application");
    backend.secretSet(id, { password: "p" });
    expect(backend.secretInfoGet({ id }).revision).toBe(1);
  });

  it("keeps an expire time until new content without --expire replaces the revision, as Juju's state does", () => {
    const { backend } = backendFor({ leader: true });
    const id = backend.secretAdd({ password: "p" }, "application", { expire: "2030-01-01T00:00:00Z" });
    backend.secretSet(id, {}, { expire: "2031-01-01T00:00:00Z" });
    expect(backend.secretInfoGet({ id })).toMatchObject({ revision: 1, expiry: "2031-01-01T00:00:00Z" });
    backend.secretSet(id, { password: "q" });
    expect(backend.secretInfoGet({ id }).expiry).toBeUndefined();
  });

  it("hides the metadata of secrets this charm does not own", () => {
    const { backend } = backendFor({ secrets: [{ id: consumed, trackedContent: { key: "v" } }] });
    expect(failure(() => backend.secretInfoGet({ id: consumed })).kind).toBe("secret-not-found");
  });
});

describe("MemoryBackend: values", () => {
  it("keeps a value's surrounding whitespace, as relation-set --file does", () => {
    const { backend } = backendFor({ relations: [api] });
    backend.relationSet(ref, { config: "a: 1\n" }, false);
    expect(backend.relationGet(ref, "example/0", false).config).toBe("a: 1\n");
  });
});

describe("MemoryBackend: what a commit reports", () => {
  it("lists only bags whose content changed and bumps their version", () => {
    const { backend, world } = backendFor({ leader: true, relations: [api] });
    backend.relationSet(ref, { mine: "1" }, true);
    backend.relationSet(ref, { fresh: "x" }, false);
    expect(backend.commit()).toEqual({
      changedBags: [{ relationId: 9, entity: "example/0", isApp: false }],
      newSecretRevisions: [],
    });
    expect(Object.fromEntries(world.relations.get(9)!.versions)).toEqual({ "unit:example/0": 1 });
  });

  it("lists a secret that gained a revision, for its consumers' secret-changed", () => {
    const owned = "secret:cq9a0000000000000002";
    const { backend } = backendFor({ leader: true, secrets: [{ id: owned, owner: "application", trackedContent: { key: "a" } }] });
    backend.secretSet(owned, { key: "b" });
    expect(backend.commit().newSecretRevisions).toEqual([owned]);
  });
});
