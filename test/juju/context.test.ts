import { describe, expect, it } from "vitest";
import type { CharmMeta } from "../../src/juju/charm-meta.js";
import type { HookContext, HookEnv } from "../../src/juju/context.js";
import { parseHookEnv, renderHookEnv } from "../../src/juju/context.js";
import type { JujuEvent } from "../../src/juju/events.js";
import { LIFECYCLE_HOOKS } from "../../src/juju/events.js";

const meta: CharmMeta = {
  name: "tempo",
  summary: "s",
  description: "d",
  containers: { workload: {}, "nginx-relation": {} },
  storage: { data: { type: "filesystem" } },
  provides: { "tempo-cluster": { interface: "tempo_cluster" } },
  requires: { s3: { interface: "s3" } },
  peers: { peers: { interface: "tempo_peers" } },
};

const base = {
  JUJU_UNIT_NAME: "tempo/0",
  JUJU_MODEL_NAME: "cos",
  JUJU_MODEL_UUID: "7f2c9c1e-0000-4000-8000-000000000001",
  JUJU_VERSION: "3.6.14",
  JUJU_CHARM_DIR: "/var/lib/juju/agents/unit-tempo-0/charm",
};

function parse(env: HookEnv) {
  return parseHookEnv(env, meta);
}

function eventOf(env: HookEnv): JujuEvent {
  const parsed = parse(env);
  if (parsed.kind !== "valid") throw new Error(parsed.reasons.join("; "));
  return parsed.context.event;
}

const everyEvent: JujuEvent[] = [
  ...LIFECYCLE_HOOKS.map((kind) => ({ kind })),
  { kind: "relation-created", relation: { endpoint: "tempo-cluster", id: 3 }, remoteApp: "worker" },
  { kind: "relation-joined", relation: { endpoint: "tempo-cluster", id: 3 }, remoteApp: "worker", remoteUnit: "worker/1" },
  { kind: "relation-changed", relation: { endpoint: "tempo-cluster", id: 3 }, remoteApp: "worker", remoteUnit: "worker/1" },
  { kind: "relation-changed", relation: { endpoint: "s3", id: 12 }, remoteApp: "s3-integrator" },
  {
    kind: "relation-departed",
    relation: { endpoint: "tempo-cluster", id: 3 },
    remoteApp: "worker",
    remoteUnit: "worker/1",
    departingUnit: "worker/1",
  },
  { kind: "relation-broken", relation: { endpoint: "s3", id: 12 }, remoteApp: "s3-integrator" },
  { kind: "relation-joined", relation: { endpoint: "peers", id: 1 }, remoteApp: "tempo", remoteUnit: "tempo/2" },
  { kind: "pebble-ready", container: "workload" },
  { kind: "pebble-ready", container: "nginx-relation" },
  { kind: "pebble-check-failed", container: "workload", check: "ready" },
  { kind: "pebble-check-recovered", container: "workload", check: "ready" },
  { kind: "pebble-custom-notice", container: "workload", notice: { id: "7", type: "custom", key: "a.com/b" } },
  { kind: "storage-attached", storage: { name: "data", index: 0, location: "/var/lib/tempo" } },
  { kind: "storage-detaching", storage: { name: "data", index: 2 } },
  { kind: "secret-changed", secret: { id: "secret:cq9a0000000000000000", label: "s3" } },
  { kind: "secret-rotate", secret: { id: "secret:cq9a0000000000000000" } },
  { kind: "secret-remove", secret: { id: "secret:cq9a0000000000000000", revision: 2 } },
  { kind: "secret-expired", secret: { id: "secret:cq9a0000000000000000", label: "x", revision: 4 } },
  { kind: "action", action: { name: "list-receivers", uuid: "42" } },
];

describe("hook environment parsing", () => {
  it.each(everyEvent.map((event) => [JSON.stringify(event), event] as const))(
    "reads back the event Juju's environment describes: %s",
    (_name, event) => {
      const context: HookContext = {
        unitName: "tempo/0",
        appName: "tempo",
        modelName: "cos",
        modelUuid: base.JUJU_MODEL_UUID,
        jujuVersion: "3.6.14",
        charmDir: base.JUJU_CHARM_DIR,
        event,
      };
      expect(parse(renderHookEnv(context))).toEqual({ kind: "valid", context });
    },
  );

  it("names the application after the unit", () => {
    const parsed = parse({ ...base, JUJU_DISPATCH_PATH: "hooks/install", JUJU_HOOK_NAME: "install" });
    expect(parsed.kind === "valid" && parsed.context.appName).toBe("tempo");
  });

  it("lists every missing required variable in one message", () => {
    const parsed = parse({ JUJU_DISPATCH_PATH: "hooks/install" });
    expect(parsed).toEqual({
      kind: "invalid",
      reasons: [expect.stringContaining("JUJU_HOOK_NAME, JUJU_MODEL_NAME, JUJU_MODEL_UUID, JUJU_UNIT_NAME, JUJU_VERSION")],
    });
  });

  it("accepts an environment without HOME, as Juju gives it", () => {
    const env = { ...base, JUJU_DISPATCH_PATH: "hooks/start", JUJU_HOOK_NAME: "start" };
    expect("HOME" in env).toBe(false);
    expect(eventOf(env)).toEqual({ kind: "start" });
  });

  it("treats an empty JUJU_REMOTE_UNIT in relation-changed as an application data change", () => {
    const event = eventOf({
      ...base,
      JUJU_DISPATCH_PATH: "hooks/tempo-cluster-relation-changed",
      JUJU_HOOK_NAME: "tempo-cluster-relation-changed",
      JUJU_RELATION: "tempo-cluster",
      JUJU_RELATION_ID: "tempo-cluster:7",
      JUJU_REMOTE_APP: "worker",
      JUJU_REMOTE_UNIT: "",
    });
    expect(event).toEqual({ kind: "relation-changed", relation: { endpoint: "tempo-cluster", id: 7 }, remoteApp: "worker" });
  });

  it("takes the relation id after the last colon, as ops does", () => {
    const event = eventOf({
      ...base,
      JUJU_DISPATCH_PATH: "hooks/s3-relation-created",
      JUJU_HOOK_NAME: "s3-relation-created",
      JUJU_RELATION: "s3",
      JUJU_RELATION_ID: "12",
      JUJU_REMOTE_APP: "s3-integrator",
      JUJU_REMOTE_UNIT: "",
    });
    expect(event).toMatchObject({ relation: { endpoint: "s3", id: 12 } });
  });

  it("refuses a relation hook for an endpoint the charm does not declare", () => {
    const parsed = parse({
      ...base,
      JUJU_DISPATCH_PATH: "hooks/logging-relation-joined",
      JUJU_HOOK_NAME: "logging-relation-joined",
      JUJU_RELATION: "logging",
      JUJU_RELATION_ID: "logging:4",
      JUJU_REMOTE_APP: "loki",
      JUJU_REMOTE_UNIT: "loki/0",
    });
    expect(parsed).toEqual({ kind: "invalid", reasons: [expect.stringContaining('endpoint "logging" is not in the charm')] });
  });

  it("refuses a relation-changed hook without JUJU_REMOTE_UNIT at all", () => {
    const parsed = parse({
      ...base,
      JUJU_DISPATCH_PATH: "hooks/s3-relation-changed",
      JUJU_HOOK_NAME: "s3-relation-changed",
      JUJU_RELATION: "s3",
      JUJU_RELATION_ID: "s3:4",
      JUJU_REMOTE_APP: "s3-integrator",
    });
    expect(parsed).toEqual({ kind: "invalid", reasons: [expect.stringContaining("JUJU_REMOTE_UNIT")] });
  });

  it("reads a departed hook without JUJU_DEPARTING_UNIT, which Juju exports only when non-empty, as the remote unit leaving", () => {
    const event = eventOf({
      ...base,
      JUJU_DISPATCH_PATH: "hooks/s3-relation-departed",
      JUJU_HOOK_NAME: "s3-relation-departed",
      JUJU_RELATION: "s3",
      JUJU_RELATION_ID: "s3:4",
      JUJU_REMOTE_APP: "s3-integrator",
      JUJU_REMOTE_UNIT: "s3-integrator/0",
    });
    expect(event).toMatchObject({ kind: "relation-departed", remoteUnit: "s3-integrator/0", departingUnit: "s3-integrator/0" });
  });

  it("reports the local unit as departing when this unit is the one leaving", () => {
    const event = eventOf({
      ...base,
      JUJU_DISPATCH_PATH: "hooks/tempo-cluster-relation-departed",
      JUJU_HOOK_NAME: "tempo-cluster-relation-departed",
      JUJU_RELATION: "tempo-cluster",
      JUJU_RELATION_ID: "tempo-cluster:3",
      JUJU_REMOTE_APP: "worker",
      JUJU_REMOTE_UNIT: "worker/0",
      JUJU_DEPARTING_UNIT: "tempo/0",
    });
    expect(event).toMatchObject({ remoteUnit: "worker/0", departingUnit: "tempo/0" });
  });

  it("refuses a pebble event for a container the charm does not declare", () => {
    const parsed = parse({
      ...base,
      JUJU_DISPATCH_PATH: "hooks/other-pebble-ready",
      JUJU_HOOK_NAME: "other-pebble-ready",
      JUJU_WORKLOAD_NAME: "other",
    });
    expect(parsed.kind).toBe("invalid");
  });

  it("refuses a hook name it does not know", () => {
    const parsed = parse({ ...base, JUJU_DISPATCH_PATH: "hooks/frobnicate", JUJU_HOOK_NAME: "frobnicate" });
    expect(parsed).toEqual({ kind: "invalid", reasons: [expect.stringContaining('unknown hook "frobnicate"')] });
  });

  it("refuses a unit name that is not <application>/<number>", () => {
    const parsed = parse({ ...base, JUJU_UNIT_NAME: "tempo", JUJU_DISPATCH_PATH: "hooks/install", JUJU_HOOK_NAME: "install" });
    expect(parsed.kind).toBe("invalid");
  });

  it("renders an empty JUJU_REMOTE_UNIT and JUJU_HOOK_NAME where Juju does", () => {
    const common = { unitName: "tempo/0", appName: "tempo", modelName: "m", modelUuid: "u", jujuVersion: "3.6.14" };
    const broken = renderHookEnv({
      ...common,
      event: { kind: "relation-broken", relation: { endpoint: "s3", id: 1 }, remoteApp: "s3-integrator" },
    });
    expect(broken.JUJU_REMOTE_UNIT).toBe("");
    const action = renderHookEnv({ ...common, event: { kind: "action", action: { name: "a", uuid: "1" } } });
    expect(action).toMatchObject({ JUJU_HOOK_NAME: "", JUJU_DISPATCH_PATH: "actions/a" });
  });
});
