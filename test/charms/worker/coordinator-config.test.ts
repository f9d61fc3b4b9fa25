/**
 * The worker against the configs our own Tempo builder renders (what the coordinator publishes):
 * with and without TLS and remote-write, the worker accepts them and starts Tempo on them.
 */
import { describe, expect, it } from "vitest";
import { workerCharm } from "../../../src/charms/worker/charm.js";
import { CONFIG_PATH, PRIVATE_KEY_PATH } from "../../../src/charms/worker/workload-files.js";
import type { ClusterView } from "../../../src/interface/cluster-view.js";
import { on, run, secret } from "../../../src/testing/index.js";
import { buildTempoConfig } from "../../../src/tempo/builder.js";
import { renderTempoConfig } from "../../../src/tempo/render.js";
import { TempoSettings, type TempoSettingsInput } from "../../../src/tempo/settings.js";
import { KEY_SECRET_ID, afterSeconds, clusterRelation, fileOf, providerBag, serviceActions, tempoContainer } from "./worker-scenario.js";

const ADDRESS = "tempo-worker-0.tempo-worker-endpoints.test-model.svc.cluster.local";
const oneAllWorker: ClusterView = {
  applications: [
    {
      relationId: 7,
      application: "tempo-worker",
      role: "all",
      units: [{ name: "tempo-worker/0", address: ADDRESS, topology: { application: "tempo-worker", unit: "tempo-worker/0", charm_name: "tempo-worker" } }],
    },
  ],
  rejected: [],
};

function builtConfig(settings: Partial<TempoSettingsInput>): string {
  const parsed = TempoSettings.parse({ storage: { kind: "local" }, clusterLabel: "uuid-tempo", modelName: "test-model", ...settings });
  const built = buildTempoConfig(oneAllWorker, parsed);
  if (built.kind !== "ok") throw new Error(`the builder refused the test cluster: ${built.problems.join("; ")}`);
  return renderTempoConfig(built.config);
}

describe("the worker on configs the coordinator's builder renders", () => {
  it("starts Tempo on the plain config of a single all worker", async () => {
    const config = builtConfig({});
    const { state } = await run(workerCharm, on.relationChanged({ id: 7 }), {
      leader: true,
      relations: [clusterRelation(providerBag({ worker_config: config }))],
      containers: [tempoContainer()],
    });
    expect(fileOf(state, CONFIG_PATH)?.content).toBe(config);
    expect(serviceActions(state)).toEqual(["start"]);
    const { state: later } = await run(workerCharm, on.updateStatus(), afterSeconds(state, 5).state);
    expect(later.unitStatus.status).toBe("active");
  });

  it("starts Tempo with TLS files where the TLS config looks for them", async () => {
    const config = builtConfig({ tls: { enabled: true, serverName: "tempo.test-model.svc.cluster.local" } });
    const { state } = await run(workerCharm, on.relationChanged({ id: 7 }), {
      leader: true,
      relations: [clusterRelation(providerBag({ worker_config: config, ca_cert: "CA", server_cert: "CERT", privkey_secret_id: KEY_SECRET_ID }))],
      containers: [tempoContainer()],
      secrets: [secret({ id: KEY_SECRET_ID, trackedContent: { "private-key": "KEY" } })],
    });
    expect(config).toContain(PRIVATE_KEY_PATH);
    expect(fileOf(state, PRIVATE_KEY_PATH)).toEqual({ content: "KEY", permissions: 0o600 });
    expect(serviceActions(state)).toEqual(["start"]);
  });

  it("starts the metrics-generator config with the Juju topology labels added", async () => {
    const config = builtConfig({ remoteWrite: [{ url: "http://prometheus-0.prometheus-endpoints.cos.svc.cluster.local:9090/api/v1/write" }] });
    const { state } = await run(workerCharm, on.relationChanged({ id: 7 }), {
      leader: true,
      relations: [
        clusterRelation(
          providerBag({ worker_config: config, remote_write_endpoints: [{ url: "http://prometheus-0.prometheus-endpoints.cos.svc.cluster.local:9090/api/v1/write" }] }),
        ),
      ],
      containers: [tempoContainer()],
    });
    expect(fileOf(state, CONFIG_PATH)?.content).toContain("juju_model_uuid: 00000000-0000-4000-8000-000000000000");
    const { state: later } = await run(workerCharm, on.updateStatus(), afterSeconds(state, 5).state);
    expect(later.unitStatus).toEqual({ status: "active", message: "all ready" });
  });
});
