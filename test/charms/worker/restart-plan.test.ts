import { describe, expect, it } from "vitest";
import fc from "fast-check";
import YAML from "yaml";
import type { Layer, Plan } from "../../../src/juju/pebble.js";
import {
  classifyConfigChange,
  compareLayerWithPlan,
  planWorkload,
  type DesiredWorkload,
  type ObservedFile,
  type ObservedWorkload,
  type WorkloadActions,
} from "../../../src/charms/worker/restart-plan.js";
import {
  CA_CERT_PATH,
  CA_TRUST_PENDING_PATH,
  CONFIG_PATH,
  PRIVATE_KEY_PATH,
  RESTART_PENDING_PATH,
  SERVER_CERT_PATH,
  TRUSTED_CA_PATH,
  type WorkloadFile,
} from "../../../src/charms/worker/workload-files.js";

const layer: Layer = {
  services: { tempo: { override: "replace", command: "/bin/tempo -target=all", startup: "enabled", environment: {} } },
  checks: { ready: { override: "replace", level: "ready", threshold: 3, http: { url: "http://localhost:3200/ready" } } },
};
const emptyPlan: Plan = { services: {}, checks: {}, "log-targets": {} };
/** The plan Pebble shows once `layer` is in (Pebble drops the empty environment). */
const planWithLayer: Plan = {
  services: { tempo: { override: "replace", command: "/bin/tempo -target=all", startup: "enabled" } },
  checks: { ready: { override: "replace", level: "ready", threshold: 3, http: { url: "http://localhost:3200/ready" } } },
  "log-targets": {},
};

function config(joinMembers: string[], retention = "720h"): string {
  return YAML.stringify({
    compactor: { compaction: { block_retention: retention } },
    memberlist: { bind_port: 7946, join_members: joinMembers },
    server: { http_listen_port: 3200 },
  });
}

function run(files: WorkloadFile[]): DesiredWorkload {
  return { kind: "run", serviceName: "tempo", files, layer };
}

function configFile(text: string): WorkloadFile {
  return { path: CONFIG_PATH, content: text, permissions: 0o600 };
}

function running(files: WorkloadFile[]): ObservedWorkload {
  return {
    files: new Map(files.map((file) => [file.path, { content: file.content, permissions: file.permissions }])),
    plan: planWithLayer,
    serviceState: "active",
  };
}

/** What the container looks like after the actions were applied (the marker is gone after a (re)start). */
function applied(observed: ObservedWorkload, actions: WorkloadActions): ObservedWorkload {
  const files = new Map<string, ObservedFile>(observed.files);
  for (const file of actions.pushes) files.set(file.path, { content: file.content, permissions: file.permissions });
  for (const path of actions.removals) files.delete(path);
  if (actions.service === "start" || actions.service === "restart") files.delete(RESTART_PENDING_PATH);
  // update-ca-certificates succeeded: its marker is gone.
  files.delete(CA_TRUST_PENDING_PATH);
  const serviceState =
    actions.service === "stop" ? "inactive" : actions.service === "none" ? observed.serviceState : "active";
  return { files, plan: actions.layer !== undefined ? planWithLayer : observed.plan, serviceState };
}

function runWith(files: WorkloadFile[], withLayer: Layer): DesiredWorkload {
  return { kind: "run", serviceName: "tempo", files, layer: withLayer };
}

function caFile(content: string): WorkloadFile {
  return { path: TRUSTED_CA_PATH, content, permissions: 0o644 };
}

/** The layer with its ready check on HTTPS, as once TLS is on. */
const httpsLayer: Layer = {
  ...layer,
  checks: { ready: { override: "replace", level: "ready", threshold: 3, http: { url: "https://tempo-worker-0.example:3200/ready" } } },
};

describe("planWorkload and the system CA trust", () => {
  it("updates the trust store when a CA first lands in the system trust directory", () => {
    const before = [configFile(config([]))];
    const actions = planWorkload(running(before), run([...before, caFile("CA1")]));
    expect(actions.updatesCaTrust).toBe(true);
  });

  it("updates the trust store when the CA changes", () => {
    const actions = planWorkload(running([configFile(config([])), caFile("CA1")]), run([configFile(config([])), caFile("CA2")]));
    expect(actions.updatesCaTrust).toBe(true);
  });

  it("updates the trust store when the CA is withdrawn", () => {
    const actions = planWorkload(running([configFile(config([])), caFile("CA1")]), run([configFile(config([]))]));
    expect(actions.removals).toEqual([TRUSTED_CA_PATH]);
    expect(actions.updatesCaTrust).toBe(true);
  });

  it("leaves the trust store alone when the same CA arrives again, even with its mode fixed", () => {
    const files = [configFile(config([])), caFile("CA1")];
    const observed = running([configFile(config([])), { ...caFile("CA1"), permissions: 0o600 }]);
    const actions = planWorkload(observed, run(files));
    expect(actions.pushes).toEqual([caFile("CA1")]);
    expect(actions.updatesCaTrust).toBe(false);
  });

  it("leaves the trust store alone for a CA outside the system trust directory", () => {
    const before = [configFile(config([]))];
    const actions = planWorkload(running(before), run([...before, { path: CA_CERT_PATH, content: "CA1", permissions: 0o644 }]));
    expect(actions.updatesCaTrust).toBe(false);
  });

  it("updates the trust store again while an earlier hook's update is still pending", () => {
    const files = [configFile(config([])), caFile("CA1")];
    const observed = running([...files, { path: CA_TRUST_PENDING_PATH, content: "x", permissions: 0o600 } as WorkloadFile]);
    const actions = planWorkload(observed, run(files));
    expect(actions.updatesCaTrust).toBe(true);
    expect(actions.removals).toEqual([]);
    expect(actions.service).toBe("none");
  });

  it("updates the trust store and adds the TLS layer in the same plan", () => {
    const files = [configFile(config([])), caFile("CA1")];
    const actions = planWorkload(running([configFile(config([]))]), runWith(files, httpsLayer));
    expect(actions).toMatchObject({ updatesCaTrust: true, layer: httpsLayer });
  });

  it("removes the pending-trust marker on teardown without updating the trust store", () => {
    const observed = running([configFile(config([])), caFile("CA1"), { path: CA_TRUST_PENDING_PATH, content: "x", permissions: 0o600 }]);
    const actions = planWorkload(observed, { kind: "stopped", serviceName: "tempo" });
    expect(actions.removals).toEqual([CA_TRUST_PENDING_PATH, CONFIG_PATH, TRUSTED_CA_PATH]);
    expect(actions.updatesCaTrust).toBe(false);
  });
});

describe("planWorkload", () => {
  it("writes the files, adds the layer and starts Tempo on first config", () => {
    const files = [configFile(config(["a:7946"]))];
    const actions = planWorkload({ files: new Map(), plan: emptyPlan, serviceState: "absent" }, run(files));
    expect(actions.pushes).toEqual(files);
    expect(actions.layer).toBe(layer);
    expect(actions.service).toBe("start");
  });

  it("does nothing when the same config arrives again", () => {
    const files = [configFile(config(["a:7946"]))];
    expect(planWorkload(running(files), run(files))).toEqual({
      pushes: [],
      removals: [],
      layer: undefined,
      service: "none",
      restartReasons: [],
      updatesCaTrust: false,
    });
  });

  it("rewrites the config without restarting when only the gossip members changed", () => {
    const actions = planWorkload(running([configFile(config(["a:7946"]))]), run([configFile(config(["a:7946", "b:7946"]))]));
    expect(actions.pushes.map((file) => file.path)).toEqual([CONFIG_PATH]);
    expect(actions.service).toBe("none");
  });

  it("restarts once when anything else in the config changed", () => {
    const actions = planWorkload(running([configFile(config(["a:7946"]))]), run([configFile(config(["a:7946"], "24h"))]));
    expect(actions.service).toBe("restart");
    expect(actions.restartReasons).toEqual([`${CONFIG_PATH} changed`]);
  });

  it("restarts when a TLS file appears", () => {
    const base = [configFile(config([]))];
    const withKey = [...base, { path: PRIVATE_KEY_PATH, content: "KEY", permissions: 0o600 }];
    expect(planWorkload(running(base), run(withKey)).service).toBe("restart");
  });

  it("restarts when a TLS file is no longer wanted, and removes it", () => {
    const cert = { path: SERVER_CERT_PATH, content: "CERT", permissions: 0o644 };
    const base = [configFile(config([]))];
    const actions = planWorkload(running([...base, cert]), run(base));
    expect(actions.removals).toEqual([SERVER_CERT_PATH]);
    expect(actions.service).toBe("restart");
  });

  it("fixes a file's mode without restarting when its content is unchanged", () => {
    const key = { path: PRIVATE_KEY_PATH, content: "KEY", permissions: 0o600 };
    const observed = running([configFile(config([])), { ...key, permissions: 0o644 }]);
    const actions = planWorkload(observed, run([configFile(config([])), key]));
    expect(actions.pushes).toEqual([key]);
    expect(actions.service).toBe("none");
  });

  it("restarts when an earlier hook left a restart pending", () => {
    const files = [configFile(config([]))];
    const observed = running(files);
    const withMarker: ObservedWorkload = {
      ...observed,
      files: new Map([...observed.files, [RESTART_PENDING_PATH, { content: "x", permissions: 0o600 }]]),
    };
    expect(planWorkload(withMarker, run(files)).service).toBe("restart");
  });

  it("starts a stopped Tempo even when nothing changed", () => {
    const files = [configFile(config([]))];
    expect(planWorkload({ ...running(files), serviceState: "inactive" }, run(files)).service).toBe("start");
  });

  it("changes nothing while holding", () => {
    const observed = running([configFile(config([]))]);
    expect(planWorkload(observed, { kind: "hold" })).toMatchObject({ pushes: [], removals: [], service: "none" });
  });

  it("stops Tempo and removes every managed file on teardown", () => {
    const files = [configFile(config([])), { path: PRIVATE_KEY_PATH, content: "KEY", permissions: 0o600 }];
    const actions = planWorkload(running(files), { kind: "stopped", serviceName: "tempo" });
    expect(actions.service).toBe("stop");
    expect(actions.removals).toEqual([CONFIG_PATH, PRIVATE_KEY_PATH]);
  });

  const members = fc.uniqueArray(fc.constantFrom("a:7946", "b:7946", "c:7946", "d:7946"), { maxLength: 4 });
  const retention = fc.constantFrom("24h", "720h");
  const maybeKey = fc.option(fc.constantFrom("KEY1", "KEY2"), { nil: undefined });
  const maybeCa = fc.option(fc.constantFrom("CA1", "CA2"), { nil: undefined });
  const desiredFiles = fc.tuple(members, retention, maybeKey, maybeCa).map(([join, hours, key, ca]) => [
    configFile(config(join, hours)),
    ...(key ? [{ path: PRIVATE_KEY_PATH, content: key, permissions: 0o600 }] : []),
    ...(ca ? [caFile(ca)] : []),
  ]);

  it("is idempotent: after applying a plan, planning again does nothing", () => {
    fc.assert(
      fc.property(desiredFiles, desiredFiles, fc.constantFrom("active", "inactive", "absent") as fc.Arbitrary<ObservedWorkload["serviceState"]>, (before, after, state) => {
        const observed = { ...running(before), serviceState: state, plan: state === "absent" ? emptyPlan : planWithLayer };
        const next = applied(observed, planWorkload(observed, run(after)));
        expect(planWorkload(next, run(after))).toEqual({
          pushes: [],
          removals: [],
          layer: undefined,
          service: "none",
          restartReasons: [],
          updatesCaTrust: false,
            });
      }),
    );
  });

  it("never restarts a running Tempo for a change confined to the gossip members", () => {
    fc.assert(
      fc.property(members, members, retention, (before, after, hours) => {
        const actions = planWorkload(running([configFile(config(before, hours))]), run([configFile(config(after, hours))]));
        expect(actions.service).toBe("none");
      }),
    );
  });

  it("restarts a running Tempo exactly when more than the gossip members changed", () => {
    fc.assert(
      fc.property(desiredFiles, desiredFiles, (before, after) => {
        const actions = planWorkload(running(before), run(after));
        const ignoringMembers = (files: WorkloadFile[]) =>
          files.map((file) => (file.path === CONFIG_PATH ? { ...file, content: file.content.replace(/join_members:[\s\S]*?(?=\nserver:)/, "") } : file));
        const needsRestart = JSON.stringify(ignoringMembers(before)) !== JSON.stringify(ignoringMembers(after));
        expect(actions.service).toBe(needsRestart ? "restart" : "none");
      }),
    );
  });
});

describe("classifyConfigChange", () => {
  it("treats a formatting-only difference as the same config", () => {
    expect(classifyConfigChange("a: 1\nb: [x, y]\n", "b:\n  - x\n  - y\na: 1\n")).toBe("same");
  });

  it("treats unparseable running text as a change that needs a restart", () => {
    expect(classifyConfigChange("a: [", "a: 1\n")).toBe("needs-restart");
  });

  it("sees a memberlist section that only held join members as gossip-only", () => {
    expect(classifyConfigChange("a: 1\n", "a: 1\nmemberlist:\n  join_members: [x:7946]\n")).toBe("gossip-members-only");
  });
});

describe("compareLayerWithPlan", () => {
  it("sees the layer as in place when Pebble dropped its empty fields", () => {
    expect(compareLayerWithPlan(layer, planWithLayer)).toBe("same");
  });

  it("needs a restart for a changed command", () => {
    const plan: Plan = { ...planWithLayer, services: { tempo: { ...planWithLayer.services.tempo, command: "/bin/tempo -target=querier" } } };
    expect(compareLayerWithPlan(layer, plan)).toBe("needs-restart");
  });

  it("adds a missing check without a restart", () => {
    expect(compareLayerWithPlan(layer, { ...planWithLayer, checks: {} })).toBe("no-restart");
  });

  it("adds a new log target without a restart", () => {
    const withLoki: Layer = { ...layer, "log-targets": { "loki-0": { override: "replace", type: "loki", location: "http://loki:3100/loki/api/v1/push", services: ["all"] } } };
    expect(compareLayerWithPlan(withLoki, planWithLayer)).toBe("no-restart");
    expect(planWorkload(running([configFile(config([]))]), { kind: "run", serviceName: "tempo", files: [configFile(config([]))], layer: withLoki })).toMatchObject({
      layer: withLoki,
      service: "none",
    });
  });
});
