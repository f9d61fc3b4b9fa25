import { describe, expect, it } from "vitest";
import { readyCheckUrl } from "../../../src/charms/worker/layer.js";
import fc from "fast-check";
import {
  decideWorkerState,
  finalStatus,
  kubernetesUnitFqdn,
  type WorkerInputs,
} from "../../../src/charms/worker/desired-state.js";
import type { ObservedWorkload } from "../../../src/charms/worker/restart-plan.js";
import type { RoleSelection } from "../../../src/charms/worker/role-config.js";
import { readProviderDatabag } from "../../../src/interface/requirer.js";
import { providerBag, tempoConfig } from "./worker-scenario.js";

const emptyPlan = { services: {}, checks: {}, "log-targets": {} };
const idle: ObservedWorkload = { files: new Map(), plan: emptyPlan, serviceState: "absent" };
const runningTempo: ObservedWorkload = { files: new Map(), plan: emptyPlan, serviceState: "active" };

function inputs(overrides: Partial<WorkerInputs> = {}): WorkerInputs {
  return {
    identity: { model: "cos", modelUuid: "uuid", application: "tempo-worker", unit: "tempo-worker/0", charmName: "tempo-worker" },
    unitAddress: "tempo-worker-0.tempo-worker-endpoints.cos.svc.cluster.local",
    isLeader: true,
    role: { kind: "valid", role: "all" },
    cluster: { kind: "related", relationId: 1, coordinator: "tempo", provider: readProviderDatabag(providerBag({ worker_config: tempoConfig() })) },
    privateKey: { kind: "not-shared" },
    container: { kind: "reachable", observed: idle },
    tempoVersion: "2.7",
    checkConfig: () => ({ kind: "valid" }),
    ...overrides,
  };
}

describe("decideWorkerState", () => {
  it("runs Tempo with the config file and publishes role and identity", () => {
    const decision = decideWorkerState(inputs());
    expect(decision.workload?.kind).toBe("run");
    expect(decision.appData).toEqual({ role: '"all"' });
    expect(decision.unitData?.address).toBe('"tempo-worker-0.tempo-worker-endpoints.cos.svc.cluster.local"');
    expect(decision.status).toMatchObject({ kind: "when-ready", role: "all" });
  });

  it("holds what runs when the validator refuses the config, and names the first problem", () => {
    const decision = decideWorkerState(
      inputs({ container: { kind: "reachable", observed: runningTempo }, checkConfig: () => ({ kind: "invalid", reasons: ["foo: unknown key", "bar: unknown key"] }) }),
    );
    expect(decision.workload).toEqual({ kind: "hold" });
    expect(decision.status).toEqual({
      kind: "fixed",
      status: "blocked",
      message: "the Tempo config from tempo is unusable for Tempo 2.7 (foo: unknown key; and 1 more, see juju debug-log); Tempo keeps running its last good config",
    });
  });

  it("reports invalid coordinator data and keeps the workload as it is", () => {
    const decision = decideWorkerState(
      inputs({ cluster: { kind: "related", relationId: 1, coordinator: "tempo", provider: readProviderDatabag({ worker_config: "not json" }) } }),
    );
    expect(decision.workload).toEqual({ kind: "hold" });
    expect(decision.status).toMatchObject({ status: "blocked" });
    expect(decision.appData).toEqual({ role: '"all"' });
  });

  it("tears the workload down and opens the legacy ports without a relation", () => {
    const decision = decideWorkerState(inputs({ cluster: { kind: "none" } }));
    expect(decision.workload).toEqual({ kind: "stopped", serviceName: "tempo" });
    expect(decision.unitData).toBeUndefined();
    expect(decision.status).toMatchObject({ status: "blocked", message: expect.stringContaining("relate to a tempo coordinator") });
  });

  it("withdraws the role and holds the workload when the role options conflict", () => {
    const decision = decideWorkerState(
      inputs({ role: { kind: "invalid", enabledOptions: ["role-all", "role-querier"], message: "2 roles enabled" } }),
    );
    expect(decision.appData).toEqual({ role: undefined });
    expect(decision.workload).toEqual({ kind: "hold" });
    expect(decision.status).toEqual({ kind: "fixed", status: "blocked", message: "2 roles enabled" });
  });

  it("serves HTTPS only when the CA, the certificate and the key are all there", () => {
    const provider = readProviderDatabag(providerBag({ worker_config: tempoConfig(), ca_cert: "CA", server_cert: "CERT", privkey_secret_id: "secret:x" }));
    const withKey = decideWorkerState(inputs({ cluster: { kind: "related", relationId: 1, coordinator: "tempo", provider }, privateKey: { kind: "found", privateKey: "KEY" } }));
    expect(withKey.workload?.kind === "run" && readyCheckUrl(withKey.workload.layer.checks?.ready)).toMatch(/^https:/);
    const keyMissing = decideWorkerState(
      inputs({ cluster: { kind: "related", relationId: 1, coordinator: "tempo", provider }, privateKey: { kind: "unavailable", secretId: "secret:x", reason: "not granted" } }),
    );
    expect(keyMissing.workload).toEqual({ kind: "hold" });
  });
});

describe("finalStatus", () => {
  const decision = { kind: "when-ready", role: "querier", activeMessage: "querier ready" } as const;

  it("is active only once Tempo is judged ready", () => {
    expect(finalStatus(decision, { readiness: { kind: "ready" } })).toEqual({ status: "active", message: "querier ready" });
  });

  it("says Tempo is still starting while its ready check has not passed since the start", () => {
    expect(finalStatus(decision, { readiness: { kind: "starting", failures: 3 } })).toEqual({
      status: "waiting",
      message: "querier starting: Tempo not ready yet (ring settling); waiting for GET :3200/ready to pass",
    });
  });

  it("is blocked with Pebble's cause and Tempo's last log line when Tempo does not stay up", () => {
    const crash = {
      reason: 'cannot perform the following tasks: - Start service "tempo" (service start attempt: exited quickly with code 1, will restart)',
      lastLogLine: "listen tcp :3200: bind: address already in use",
      isRetrying: true,
    };
    expect(finalStatus(decision, { readiness: { kind: "ready" }, crash })).toEqual({
      status: "blocked",
      message:
        "Tempo does not stay up (service start attempt: exited quickly with code 1, will restart); Pebble keeps restarting it with backoff; Tempo's last log line: listen tcp :3200: bind: address already in use (more in juju debug-log)",
    });
  });
});

describe("kubernetesUnitFqdn", () => {
  it("names the pod in its application's headless service", () => {
    expect(kubernetesUnitFqdn("tempo-worker/3", "cos")).toBe("tempo-worker-3.tempo-worker-endpoints.cos.svc.cluster.local");
  });
});

describe("decideWorkerState laws", () => {
  const providers = [
    readProviderDatabag({}),
    readProviderDatabag({ worker_config: "not json" }),
    readProviderDatabag(providerBag({ worker_config: tempoConfig() })),
    readProviderDatabag(providerBag({ worker_config: tempoConfig(), remote_write_endpoints: [{ url: "http://p/api/v1/write" }] })),
  ];
  const arbitraryInputs = fc.record({
    isLeader: fc.boolean(),
    role: fc.oneof(
      fc.constantFrom("all", "querier", "metrics-generator").map((role): RoleSelection => ({ kind: "valid", role })),
      fc.constant<RoleSelection>({ kind: "invalid", enabledOptions: [], message: "no role enabled" }),
    ),
    cluster: fc.oneof(
      fc.constant({ kind: "none" as const }),
      fc.constantFrom(...providers).map((provider) => ({ kind: "related" as const, relationId: 1, coordinator: "tempo", provider })),
    ),
    privateKey: fc.constantFrom(
      { kind: "not-shared" as const },
      { kind: "found" as const, privateKey: "KEY" },
      { kind: "unavailable" as const, secretId: "secret:x", reason: "not granted" },
    ),
    container: fc.constantFrom({ kind: "unreachable" as const }, { kind: "reachable" as const, observed: idle }, { kind: "reachable" as const, observed: runningTempo }),
    isConfigValid: fc.boolean(),
  });

  it("runs Tempo only with exactly one role, valid coordinator data and a config the validator accepts", () => {
    fc.assert(
      fc.property(arbitraryInputs, ({ isConfigValid, ...rest }) => {
        const decision = decideWorkerState(inputs({ ...rest, checkConfig: () => (isConfigValid ? { kind: "valid" } : { kind: "invalid", reasons: ["x"] }) }));
        if (decision.workload?.kind === "run") {
          expect(rest.role.kind).toBe("valid");
          expect(rest.cluster.kind === "related" && rest.cluster.provider.kind).toBe("valid");
          expect(isConfigValid).toBe(true);
          expect(rest.privateKey.kind).not.toBe("unavailable");
        }
      }),
    );
  });

  it("writes the application bag only as leader, and nothing at all without a relation", () => {
    fc.assert(
      fc.property(arbitraryInputs, ({ isConfigValid: _ignored, ...rest }) => {
        const decision = decideWorkerState(inputs(rest));
        if (!rest.isLeader || rest.cluster.kind === "none") expect(decision.appData).toBeUndefined();
        if (rest.cluster.kind === "none") expect(decision.unitData).toBeUndefined();
        else expect(decision.unitData).toBeDefined();
      }),
    );
  });

  it("tears the workload down only when the relation is gone", () => {
    fc.assert(
      fc.property(arbitraryInputs, ({ isConfigValid: _ignored, ...rest }) => {
        const decision = decideWorkerState(inputs(rest));
        expect(decision.workload?.kind === "stopped").toBe(rest.cluster.kind === "none" && rest.container.kind === "reachable");
      }),
    );
  });

  it("always says something in its status", () => {
    fc.assert(
      fc.property(arbitraryInputs, ({ isConfigValid: _ignored, ...rest }) => {
        const { status, message } = finalStatus(decideWorkerState(inputs(rest)).status, { readiness: { kind: "unknown" } });
        expect(status).not.toBe("active");
        expect(message.length).toBeGreaterThan(0);
      }),
    );
  });
});
