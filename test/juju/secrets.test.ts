import { describe, expect, it } from "vitest";
import { Secrets, canonicalSecretId, isSameSecret, secretXid } from "../../src/juju/secrets.js";
import type { StateInput } from "../../src/testing/index.js";
import { MemoryBackend, addApplication, addUnit, createWorld, relation, state, worldFromState } from "../../src/testing/index.js";
import { exampleCharm } from "../fixtures/example-charm.js";

const consumed = "secret:cq9a0000000000000001";
const MODEL_UUID = "00000000-0000-4000-8000-000000000000";
const exampleRelation = relation({ endpoint: "example-api", id: 9, remoteApp: "client", remoteUnitsData: { "0": {}, "1": {} } });

function secretsFor(input: StateInput) {
  const unitWorld = worldFromState(exampleCharm.meta, state(input));
  const backend = new MemoryBackend(unitWorld.world, { unit: unitWorld.unitName });
  return { secrets: new Secrets(backend, unitWorld.world.modelUuid), calls: () => backend.record.calls, backend };
}

describe("Secrets", () => {
  it("reads the tracked revision once per hook", () => {
    const { secrets, calls } = secretsFor({ secrets: [{ id: consumed, trackedContent: { user: "alice" } }] });
    expect(secrets.get({ id: consumed })).toEqual({ kind: "found", content: { user: "alice" } });
    expect(secrets.get({ id: consumed })).toEqual({ kind: "found", content: { user: "alice" } });
    expect(calls().filter((call) => call.startsWith("secret-get"))).toHaveLength(1);
  });

  it("peeks at the latest revision without caching it or moving the tracked one", () => {
    const { secrets } = secretsFor({
      secrets: [{ id: consumed, trackedContent: { user: "alice" }, latestContent: { user: "bob" } }],
    });
    expect(secrets.get({ id: consumed }, "peek")).toEqual({ kind: "found", content: { user: "bob" } });
    expect(secrets.get({ id: consumed })).toEqual({ kind: "found", content: { user: "alice" } });
    expect(secrets.get({ id: consumed }, "refresh")).toEqual({ kind: "found", content: { user: "bob" } });
  });

  it("returns not-found for a secret Juju does not know, as a result", () => {
    const { secrets } = secretsFor({});
    expect(secrets.get({ label: "missing" })).toEqual({ kind: "not-found" });
    expect(secrets.info({ id: consumed })).toEqual({ kind: "not-found" });
  });

  it("returns denied for a secret owned elsewhere that was not granted to this application", () => {
    const world = createWorld();
    addApplication(world, { name: "owner", meta: { ...exampleCharm.meta, name: "owner" } });
    addApplication(world, { name: "reader", meta: { ...exampleCharm.meta, name: "reader" } });
    const ownerUnit = addUnit(world, "owner");
    const readerUnit = addUnit(world, "reader");
    const ownerBackend = new MemoryBackend(world, { unit: ownerUnit });
    const id = new Secrets(ownerBackend, world.modelUuid).add({ token: "t" }, { owner: "unit" });
    ownerBackend.commit();
    const reader = new Secrets(new MemoryBackend(world, { unit: readerUnit }), world.modelUuid);
    expect(reader.get({ id })).toEqual({ kind: "denied" });
  });

  it("refuses content keys Juju would refuse, before calling it", () => {
    const { secrets, calls } = secretsFor({ leader: true });
    expect(() => secrets.add({ pw: "x" })).toThrow(/invalid secret keys.*pw/);
    expect(() => secrets.add({})).toThrow(/at least one key/);
    expect(calls()).toEqual([]);
  });

  it("lists owned secret ids sorted, with their metadata", () => {
    const { secrets } = secretsFor({ leader: true });
    const first = secrets.add({ token: "a" }, { label: "one" });
    const second = secrets.add({ token: "b" }, { label: "two", description: "second" });
    expect(secrets.ids()).toEqual([first, second].sort());
    expect(secrets.info({ label: "two" })).toEqual({
      kind: "found",
      info: { id: second, revision: 1, owner: "application", label: "two", description: "second" },
    });
  });

  it("hands out one spelling for a secret of this model, whichever Juju printed", () => {
    const { secrets } = secretsFor({ leader: true });
    const id = secrets.add({ token: "a" }, { label: "one" });
    expect(id).toMatch(/^secret:[0-9a-v]{20}$/);
    expect(secrets.info({ label: "one" })).toMatchObject({ kind: "found", info: { id } });
    expect(canonicalSecretId(`secret://${MODEL_UUID}/${secretXid(id)}`, MODEL_UUID)).toBe(id);
    expect(canonicalSecretId(secretXid(id), MODEL_UUID)).toBe(id);
  });

  it("keeps the source of another model's secret, and compares every spelling by xid", () => {
    const other = "11111111-2222-4333-8444-555555555555";
    expect(canonicalSecretId(`secret://${other}/cq9a0000000000000001`, MODEL_UUID)).toBe(`secret://${other}/cq9a0000000000000001`);
    expect(isSameSecret(`secret://${other}/cq9a0000000000000001`, "secret:cq9a0000000000000001")).toBe(true);
    expect(isSameSecret("cq9a0000000000000001", "secret:cq9a0000000000000002")).toBe(false);
  });

  it("sends a hook's grants at commit, before its revokes, and never revokes what the same hook grants", () => {
    const { secrets, calls } = secretsFor({ leader: true, relations: [exampleRelation] });
    const id = secrets.add({ token: "a" });
    const ref = { endpoint: "example-api", id: 9 };
    secrets.revoke(`secret://${MODEL_UUID}/${secretXid(id)}`, ref);
    secrets.grant(id, ref);
    secrets.revoke(id, ref, "client/1");
    expect(calls().filter((call) => /^secret-(grant|revoke)/.test(call))).toEqual([]);
    secrets.flush();
    expect(calls().filter((call) => /^secret-(grant|revoke)/.test(call))).toEqual([
      `secret-grant --relation 9 ${id}`,
      `secret-revoke --relation 9 --unit client/1 ${id}`,
    ]);
  });
});
