import { describe, expect, it } from "vitest";
import { Secrets } from "../../src/juju/secrets.js";
import type { StateInput } from "../../src/testing/index.js";
import { MemoryBackend, addApplication, addUnit, createWorld, state, worldFromState } from "../../src/testing/index.js";
import { exampleCharm } from "../fixtures/example-charm.js";

const consumed = "secret:cq9a0000000000000001";

function secretsFor(input: StateInput) {
  const unitWorld = worldFromState(exampleCharm.meta, state(input));
  const backend = new MemoryBackend(unitWorld.world, { unit: unitWorld.unitName });
  return { secrets: new Secrets(backend), calls: () => backend.record.calls, backend };
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
    const id = new Secrets(ownerBackend).add({ token: "t" }, { owner: "unit" });
    ownerBackend.commit();
    const reader = new Secrets(new MemoryBackend(world, { unit: readerUnit }));
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
});
