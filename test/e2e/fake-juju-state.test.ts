/** The fake agent's state file and hook context: pure checks, no processes. */
import { describe, expect, it } from "vitest";
import { buildHookEnvironment } from "../../src/testing/fake-juju/driver.js";
import { type FakeEvent, fakeJujuState, hookContextFor } from "../../src/testing/fake-juju/state.js";

const base = {
  unitName: "tempo/0",
  relations: [{ endpoint: "tempo-cluster", id: 3, remoteApp: "tempo-worker", remoteUnitsData: { "tempo-worker/0": {} } }],
};

function envFor(event: FakeEvent): Record<string, string> {
  const state = fakeJujuState(base);
  return buildHookEnvironment({
    state,
    hook: hookContextFor(state, event),
    event,
    contextId: "ctx",
    charmDir: "charm",
    toolsDir: "tools",
    statePath: "state.json",
  });
}

describe("fake Juju state", () => {
  it("fills Juju's defaults for everything a test leaves out", () => {
    const state = fakeJujuState({ unitName: "tempo/0" });
    expect(state.leader).toBe(false);
    expect(state.unitStatus).toEqual({ status: "unknown", message: "" });
    expect(state.model.type).toBe("kubernetes");
    expect(state.secrets).toEqual([]);
  });

  it("rejects a relation id used twice", () => {
    const relation = { endpoint: "a", id: 1, remoteApp: "x" };
    expect(() => fakeJujuState({ unitName: "tempo/0", relations: [relation, { ...relation, endpoint: "b" }] })).toThrow(
      /relation id 1 is used twice/,
    );
  });

  it("rejects a peer relation whose remote app is not the local app", () => {
    expect(() =>
      fakeJujuState({ unitName: "tempo/0", relations: [{ endpoint: "peers", id: 1, remoteApp: "other", isPeer: true }] }),
    ).toThrow(/must name the local app "tempo"/);
  });

  it("rejects a remote unit of another application", () => {
    expect(() =>
      fakeJujuState({ unitName: "tempo/0", relations: [{ endpoint: "a", id: 1, remoteApp: "x", remoteUnitsData: { "y/0": {} } }] }),
    ).toThrow(/"y\/0" is not a unit of "x"/);
  });

  it("rejects a malformed unit name and secret id", () => {
    expect(() => fakeJujuState({ unitName: "tempo" })).toThrow();
    expect(() =>
      fakeJujuState({ unitName: "tempo/0", secrets: [{ id: "secret:short", revisions: [{ revision: 1, content: {} }] }] }),
    ).toThrow();
  });
});

describe("hook context and environment", () => {
  it("names relation hooks <endpoint>-relation-<phase> and refuses a joined without a remote unit", () => {
    const state = fakeJujuState(base);
    expect(hookContextFor(state, { kind: "relation", phase: "joined", relationId: 3, remoteUnit: "tempo-worker/0" }).name).toBe(
      "tempo-cluster-relation-joined",
    );
    expect(() => hookContextFor(state, { kind: "relation", phase: "joined", relationId: 3 })).toThrow(/needs a remote unit/);
    expect(() => hookContextFor(state, { kind: "relation", phase: "changed", relationId: 9 })).toThrow(/unknown relation id 9/);
  });

  it("refuses a remote unit on relation-created and relation-broken", () => {
    const state = fakeJujuState(base);
    expect(() =>
      hookContextFor(state, { kind: "relation", phase: "broken", relationId: 3, remoteUnit: "tempo-worker/0" }),
    ).toThrow(/no remote unit/);
  });

  it("sets JUJU_DEPARTING_UNIT for relation-departed", () => {
    const env = envFor({ kind: "relation", phase: "departed", relationId: 3, remoteUnit: "tempo-worker/0" });
    expect(env.JUJU_DEPARTING_UNIT).toBe("tempo-worker/0");
    expect(env.JUJU_REMOTE_UNIT).toBe("tempo-worker/0");
  });

  it("sets JUJU_WORKLOAD_NAME and the check name for Pebble events", () => {
    const env = envFor({ kind: "workload", container: "tempo", phase: "pebble-check-failed", checkName: "ready" });
    expect(env.JUJU_HOOK_NAME).toBe("tempo-pebble-check-failed");
    expect(env.JUJU_WORKLOAD_NAME).toBe("tempo");
    expect(env.JUJU_PEBBLE_CHECK_NAME).toBe("ready");
  });

  it("sets the secret variables for secret events, with an empty label when there is none", () => {
    const env = envFor({ kind: "secret", phase: "changed", secretId: "secret:0123456789abcdefghij" });
    expect(env.JUJU_HOOK_NAME).toBe("secret-changed");
    expect(env.JUJU_SECRET_ID).toBe("secret:0123456789abcdefghij");
    expect(env.JUJU_SECRET_LABEL).toBe("");
    expect(env).not.toHaveProperty("JUJU_SECRET_REVISION");
  });

  it("has no HOME, USER or SHELL and puts the tools dir first on PATH", () => {
    const env = envFor({ kind: "lifecycle", name: "start" });
    expect(env).not.toHaveProperty("HOME");
    expect(env).not.toHaveProperty("USER");
    expect(env).not.toHaveProperty("SHELL");
    expect(env.PATH?.split(":")[0]).toBe("tools");
    expect(env.JUJU_DISPATCH_PATH).toBe("hooks/start");
  });
});
