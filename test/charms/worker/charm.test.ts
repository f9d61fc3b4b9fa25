import { describe, expect, it } from "vitest";
import { workerCharm } from "../../../src/charms/worker/charm.js";
import { readyCheckUrl } from "../../../src/charms/worker/layer.js";
import { LEGACY_WORKER_PORTS } from "../../../src/charms/worker/ports.js";
import {
  CA_CERT_PATH,
  CONFIG_PATH,
  PRIVATE_KEY_PATH,
  SERVER_CERT_PATH,
} from "../../../src/charms/worker/workload-files.js";
import { on, run, secret, type State, type StateInput } from "../../../src/testing/index.js";
import { decodeValues, publishedValidators } from "../../interface/published-schemas.js";
import {
  COORDINATOR,
  KEY_SECRET_ID,
  clusterRelation,
  fileOf,
  providerBag,
  serviceActions,
  tempoConfig,
  tempoContainer,
  tempoState,
  withProviderData,
  afterSeconds,
} from "./worker-scenario.js";

const FQDN = "tempo-worker-0.tempo-worker-endpoints.test-model.svc.cluster.local";

/** A leader worker with the default role, a reachable container and the coordinator's data. */
function related(providerData: Record<string, unknown>, extra: Partial<StateInput> = {}): StateInput {
  return { leader: true, relations: [clusterRelation(providerBag(providerData))], containers: [tempoContainer()], ...extra };
}

/** Run relation-changed on the cluster relation (the coordinator's bag changed). */
async function changed(state: StateInput | State): Promise<State> {
  const { state: out } = await run(workerCharm, on.relationChanged({ id: 7 }), state);
  return out;
}

/** Let Tempo's ready check probe for `seconds`, then run update-status (Juju's periodic look). */
async function updateStatusAfter(state: State, seconds: number): Promise<State> {
  const { state: out } = await run(workerCharm, on.updateStatus(), afterSeconds(state, seconds).state);
  return out;
}

describe("the tempo_cluster requirer interface test (interface-tests.md #4)", () => {
  const coordinatorData = {
    worker_config: "foo: bar",
    charm_tracing_receivers: { otlp_http: "http://192.0.2.1:4318" },
    workload_tracing_receivers: { otlp_http: "http://192.0.2.2:4318", otlp_grpc: "192.0.2.2:4317" },
  };

  it("publishes a valid role and unit data on relation-created even with an unusable config", async () => {
    const { state } = await run(workerCharm, on.relationCreated({ id: 7 }), related(coordinatorData));
    const validators = publishedValidators();
    const bags = state.relations[0]!;
    expect(validators.requirerApp(decodeValues(bags.localAppData)), JSON.stringify(validators.requirerApp.errors)).toBe(true);
    const { "egress-subnets": _e, "ingress-address": _i, "private-address": _p, ...unitBag } = bags.localUnitData;
    expect(validators.requirerUnit(decodeValues(unitBag)), JSON.stringify(validators.requirerUnit.errors)).toBe(true);
    expect(decodeValues(bags.localAppData)).toEqual({ role: "all" });
    expect(decodeValues(unitBag)).toEqual({
      address: FQDN,
      juju_topology: {
        application: "tempo-worker",
        charm_name: "tempo-worker",
        model: "test-model",
        model_uuid: "00000000-0000-4000-8000-000000000000",
        unit: "tempo-worker/0",
      },
    });
  });

  it("does not start Tempo with foo: bar and says the config is unusable", async () => {
    const { state } = await run(workerCharm, on.relationCreated({ id: 7 }), related(coordinatorData));
    expect(serviceActions(state)).toEqual([]);
    expect(fileOf(state, CONFIG_PATH)).toBeUndefined();
    expect(state.unitStatus.status).toBe("blocked");
    expect(state.unitStatus.message).toContain('unknown key "foo"');
    expect(state.unitStatus.message).toContain("Tempo not started");
  });
});

describe("tempo-worker", () => {
  it("adds the layer and starts Tempo on the first valid config", async () => {
    const state = await changed(related({ worker_config: tempoConfig() }));
    const tempo = tempoState(state);
    expect(tempo.layers.map((layer) => layer.label)).toEqual(["tempo"]);
    expect(tempo.layers[0]!.layer.services?.tempo?.command).toBe(
      "/bin/tempo -config.file=/etc/worker/config.yaml -target=scalable-single-binary",
    );
    expect(tempo.services.tempo?.current).toBe("active");
    expect(serviceActions(state)).toEqual(["start"]);
    expect(fileOf(state, CONFIG_PATH)).toEqual({ content: tempoConfig(), permissions: 0o600 });
    expect(state.unitStatus).toEqual({
      status: "waiting",
      message: "all starting: Tempo not ready yet (ring settling); waiting for GET :3200/ready to pass",
    });
  });

  it("goes active once Tempo's ready check has passed", async () => {
    const started = await changed(related({ worker_config: tempoConfig() }));
    const later = await updateStatusAfter(started, 5);
    expect(later.unitStatus).toEqual({
      status: "active",
      message: "all ready; metrics-generator off until the coordinator has a remote-write endpoint: juju integrate tempo:send-remote-write <prometheus>",
    });
  });

  it("does not restart Tempo when the same config arrives again", async () => {
    const first = await changed(related({ worker_config: tempoConfig() }));
    const second = await changed(first);
    expect(serviceActions(second)).toEqual(["start"]);
  });

  it("rewrites the config but does not restart Tempo when only the gossip members changed", async () => {
    const first = await changed(related({ worker_config: tempoConfig() }));
    const members = [`${FQDN}:7946`, "tempo-worker-1.tempo-worker-endpoints.test-model.svc.cluster.local:7946"];
    const second = await changed(withProviderData(first, providerBag({ worker_config: tempoConfig({ joinMembers: members }) })));
    expect(fileOf(second, CONFIG_PATH)?.content).toBe(tempoConfig({ joinMembers: members }));
    expect(serviceActions(second)).toEqual(["start"]);
  });

  it("restarts Tempo once when anything else in the config changed", async () => {
    const first = await changed(related({ worker_config: tempoConfig() }));
    const second = await changed(withProviderData(first, providerBag({ worker_config: tempoConfig({ retentionHours: 24 }) })));
    expect(serviceActions(second)).toEqual(["start", "restart"]);
    expect(fileOf(second, CONFIG_PATH)?.content).toContain("block_retention: 24h");
    expect(fileOf(second, "/etc/worker/restart-pending")).toBeUndefined();
  });

  it("writes the TLS files with the key owner-only, serves HTTPS and restarts once when TLS is added", async () => {
    const first = await changed(related({ worker_config: tempoConfig() }));
    const keySecret = secret({ id: KEY_SECRET_ID, trackedContent: { "private-key": "KEY-1" } });
    const tlsData = providerBag({
      worker_config: tempoConfig({ isTlsEnabled: true }),
      ca_cert: "CA-PEM",
      server_cert: "CERT-PEM",
      privkey_secret_id: KEY_SECRET_ID,
    });
    const second = await changed({ ...withProviderData(first, tlsData), secrets: [keySecret] });
    expect(fileOf(second, PRIVATE_KEY_PATH)).toEqual({ content: "KEY-1", permissions: 0o600 });
    expect(fileOf(second, SERVER_CERT_PATH)).toEqual({ content: "CERT-PEM", permissions: 0o644 });
    expect(fileOf(second, CA_CERT_PATH)).toEqual({ content: "CA-PEM", permissions: 0o644 });
    expect(readyCheckUrl(tempoState(second).layers[0]!.layer.checks?.ready)).toBe(`https://${FQDN}:3200/ready`);
    expect(serviceActions(second)).toEqual(["start", "restart"]);
  });

  it("writes the latest private key when the coordinator rotates its key secret", async () => {
    const tlsData = {
      worker_config: tempoConfig({ isTlsEnabled: true }),
      ca_cert: "CA-PEM",
      server_cert: "CERT-PEM",
      privkey_secret_id: KEY_SECRET_ID,
    };
    const first = await changed(related(tlsData, { secrets: [secret({ id: KEY_SECRET_ID, trackedContent: { "private-key": "KEY-1" } })] }));
    const rotated = secret({
      id: KEY_SECRET_ID,
      trackedContent: { "private-key": "KEY-1" },
      latestContent: { "private-key": "KEY-2" },
    });
    const { state: second } = await run(workerCharm, on.secretChanged(KEY_SECRET_ID), { ...first, secrets: [rotated] });
    expect(fileOf(second, PRIVATE_KEY_PATH)).toEqual({ content: "KEY-2", permissions: 0o600 });
    expect(serviceActions(second)).toEqual(["start", "restart"]);
  });

  it("waits for the key secret instead of starting Tempo with a config that needs it", async () => {
    const state = await changed(
      related({ worker_config: tempoConfig({ isTlsEnabled: true }), ca_cert: "CA", server_cert: "CERT", privkey_secret_id: KEY_SECRET_ID }),
    );
    expect(serviceActions(state)).toEqual([]);
    expect(state.unitStatus.status).toBe("waiting");
    expect(state.unitStatus.message).toContain(`${COORDINATOR} to grant the TLS private key secret`);
  });

  it("keeps the last good config running and says why when the new config is unusable", async () => {
    const first = await changed(related({ worker_config: tempoConfig() }));
    const second = await changed(withProviderData(first, providerBag({ worker_config: tempoConfig() + "foo: bar\n" })));
    expect(serviceActions(second)).toEqual(["start"]);
    expect(fileOf(second, CONFIG_PATH)?.content).toBe(tempoConfig());
    expect(tempoState(second).services.tempo?.current).toBe("active");
    expect(second.unitStatus.status).toBe("blocked");
    expect(second.unitStatus.message).toContain("Tempo keeps running its last good config");
  });

  it("keeps Tempo running while the coordinator's databag is temporarily empty", async () => {
    const first = await changed(related({ worker_config: tempoConfig() }));
    const second = await changed(withProviderData(first, {}));
    expect(tempoState(second).services.tempo?.current).toBe("active");
    expect(fileOf(second, CONFIG_PATH)?.content).toBe(tempoConfig());
    expect(second.unitStatus).toEqual({
      status: "waiting",
      message: `waiting for the coordinator's config: ${COORDINATOR} has not published worker_config yet`,
    });
  });

  it("stops Tempo, removes its config and key material and asks for a coordinator when the relation is broken", async () => {
    const tlsData = { worker_config: tempoConfig({ isTlsEnabled: true }), ca_cert: "CA", server_cert: "CERT", privkey_secret_id: KEY_SECRET_ID };
    const first = await changed(related(tlsData, { secrets: [secret({ id: KEY_SECRET_ID, trackedContent: { "private-key": "KEY" } })] }));
    expect(fileOf(first, PRIVATE_KEY_PATH)).toBeDefined();
    const { state: second } = await run(workerCharm, on.relationBroken({ id: 7 }), first);
    expect(tempoState(second).services.tempo?.current ?? "inactive").toBe("inactive");
    expect(serviceActions(second)).toEqual(["start", "stop"]);
    for (const path of [CONFIG_PATH, PRIVATE_KEY_PATH, SERVER_CERT_PATH, CA_CERT_PATH]) expect(fileOf(second, path)).toBeUndefined();
    expect(second.unitStatus.status).toBe("blocked");
    expect(second.unitStatus.message).toContain("relate to a tempo coordinator");
  });

  it("blocks naming both options and publishes no role when two roles are enabled", async () => {
    const state = await changed(related({ worker_config: tempoConfig() }, { config: { "role-all": true, "role-querier": true } }));
    expect(state.relations[0]!.localAppData).toEqual({});
    expect(serviceActions(state)).toEqual([]);
    expect(state.unitStatus.status).toBe("blocked");
    expect(state.unitStatus.message).toContain("role-all, role-querier");
  });

  it("withdraws a role it published before when a second role is enabled", async () => {
    const first = await changed(related({ worker_config: tempoConfig() }));
    expect(first.relations[0]!.localAppData).toEqual({ role: '"all"' });
    const { state: second } = await run(workerCharm, on.configChanged(), { ...first, config: { "role-all": true, "role-ingester": true } });
    expect(second.relations[0]!.localAppData).toEqual({});
    expect(tempoState(second).services.tempo?.current).toBe("active");
  });

  it("publishes only its unit data when it is not the leader", async () => {
    const state = await changed({ ...related({ worker_config: tempoConfig() }), leader: false });
    expect(state.relations[0]!.localAppData).toEqual({});
    expect(state.relations[0]!.localUnitData.address).toBe(JSON.stringify(FQDN));
  });

  it("publishes its data and waits when the container is not reachable", async () => {
    const state = await changed(related({ worker_config: tempoConfig() }, { containers: [tempoContainer({ canConnect: false })] }));
    expect(state.relations[0]!.localAppData).toEqual({ role: '"all"' });
    expect(state.relations[0]!.localUnitData.address).toBe(JSON.stringify(FQDN));
    expect(state.unitStatus).toEqual({ status: "waiting", message: "waiting for the tempo container: Pebble is not reachable yet" });
  });

  it("blocks a metrics-generator without remote-write endpoints instead of starting it", async () => {
    const state = await changed(
      related({ worker_config: tempoConfig() }, { config: { "role-all": false, "role-metrics-generator": true } }),
    );
    expect(serviceActions(state)).toEqual([]);
    expect(state.unitStatus.status).toBe("blocked");
    expect(state.unitStatus.message).toContain(`juju integrate ${COORDINATOR}:send-remote-write`);
  });

  it("runs the role's own target for a component role", async () => {
    const state = await changed(related({ worker_config: tempoConfig() }, { config: { "role-all": false, "role-querier": true } }));
    expect(tempoState(state).layers[0]!.layer.services?.tempo?.command).toMatch(/-target=querier$/);
    expect((await updateStatusAfter(state, 5)).unitStatus).toEqual({ status: "active", message: "querier ready" });
  });

  it("waits for the ready check before reporting active", async () => {
    const state = await changed(related({ worker_config: tempoConfig() }, { containers: [tempoContainer({ checkStatusOverrides: { ready: "down" } })] }));
    const later = await updateStatusAfter(state, 60);
    expect(later.unitStatus.status).toBe("waiting");
    expect(later.unitStatus.message).toContain("Tempo not ready yet");
  });

  it("opens exactly the ports the coordinator asked for", async () => {
    const state = await changed(
      related({ worker_config: tempoConfig(), worker_ports: [7946, 3200] }, { openedPorts: [{ protocol: "tcp", port: 9411 }] }),
    );
    expect(state.openedPorts).toEqual([
      { protocol: "tcp", port: 3200 },
      { protocol: "tcp", port: 7946 },
    ]);
  });

  it("opens no ports when it has no relation to a coordinator", async () => {
    const { state } = await run(workerCharm, on.configChanged(), { leader: true, containers: [tempoContainer()] });
    expect(state.openedPorts).toEqual([]);
  });

  it("opens no ports when the coordinator sends an empty worker_ports list", async () => {
    const state = await changed(related({ worker_config: tempoConfig(), worker_ports: [] }));
    expect(state.openedPorts).toEqual([]);
  });

  it("opens no ports while the coordinator has not published its config", async () => {
    const { state } = await run(workerCharm, on.relationChanged({ id: 7 }), { leader: true, relations: [clusterRelation({})], containers: [tempoContainer()] });
    expect(state.openedPorts).toEqual([]);
  });

  it("opens the Python worker's port set when the coordinator sends no ports", async () => {
    const state = await changed(related({ worker_config: tempoConfig() }));
    expect(state.openedPorts.map((port) => (port.protocol === "icmp" ? 0 : port.port))).toEqual([...LEGACY_WORKER_PORTS]);
  });

  it("labels remote-written metrics with its Juju topology when it runs the metrics-generator", async () => {
    const config = tempoConfig().replace(
      "memberlist:",
      "metrics_generator:\n  storage:\n    path: /data/tempo/generator\n    remote_write:\n      - url: http://prom:9090/api/v1/write\nmemberlist:",
    );
    const state = await changed(related({ worker_config: config, remote_write_endpoints: [{ url: "http://prom:9090/api/v1/write" }] }));
    expect(fileOf(state, CONFIG_PATH)?.content).toContain("juju_unit: tempo-worker/0");
    expect((await updateStatusAfter(state, 5)).unitStatus).toEqual({ status: "active", message: "all ready" });
  });

  it("forwards Tempo's logs to the coordinator's Loki endpoints without restarting Tempo", async () => {
    const first = await changed(related({ worker_config: tempoConfig() }));
    const loki = { "loki/0": "http://loki-0.loki-endpoints.cos.svc.cluster.local:3100/loki/api/v1/push" };
    const second = await changed(withProviderData(first, providerBag({ worker_config: tempoConfig(), loki_endpoints: loki })));
    const targets = tempoState(second).layers[0]!.layer["log-targets"];
    expect(targets?.["forward-loki-0"]).toMatchObject({ type: "loki", location: loki["loki/0"], services: ["all"] });
    expect(targets?.["forward-loki-0"]?.labels).toMatchObject({ juju_unit: "tempo-worker/0", juju_application: "tempo-worker" });
    expect(serviceActions(second)).toEqual(["start"]);
  });

  it("stops forwarding to a Loki endpoint the coordinator no longer lists", async () => {
    const loki = { "loki/0": "http://loki:3100/loki/api/v1/push" };
    const first = await changed(related({ worker_config: tempoConfig(), loki_endpoints: loki }));
    const second = await changed(withProviderData(first, providerBag({ worker_config: tempoConfig() })));
    expect(tempoState(second).layers[0]!.layer["log-targets"]?.["forward-loki-0"]?.services).toEqual([]);
    expect(serviceActions(second)).toEqual(["start"]);
    const third = await changed(second);
    expect(tempoState(third).layers).toEqual(tempoState(second).layers);
  });

  it("never restarts Tempo because its ready check failed, and reports it as waiting", async () => {
    const first = await changed(related({ worker_config: tempoConfig() }));
    const failing = { ...first, containers: [{ ...tempoState(first), checkStatusOverrides: { ready: "down" as const } }] };
    const { state: second } = await run(workerCharm, on.pebbleCheckFailed("tempo", "ready"), failing);
    expect(serviceActions(second)).toEqual(["start"]);
    expect(second.unitStatus.status).toBe("waiting");
  });

  it("brings Tempo back on pebble-ready after the pod restarted with an empty container", async () => {
    const first = await changed(related({ worker_config: tempoConfig() }));
    const { state: second } = await run(workerCharm, on.pebbleReady("tempo"), { ...first, containers: [tempoContainer()] });
    expect(serviceActions(second)).toEqual(["start"]);
    expect(fileOf(second, CONFIG_PATH)?.content).toBe(tempoConfig());
    expect((await updateStatusAfter(second, 5)).unitStatus.status).toBe("active");
  });
});
