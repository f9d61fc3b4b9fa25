/**
 * Issue 8's end-to-end proof: the full distributed cluster with every neighbour — s3, a CA over
 * certificates, a traced application over tracing, a remote-write receiver and Loki — run in the
 * simulator with the real coordinator and worker charms until nothing is pending, then checked the
 * way an operator would (statuses), the way a worker sees it (its databag, its container), and the
 * way Tempo would (the strict validator). Then the certificates relation goes away.
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { CONFIG_PATH, CONTAINER_NAME, TEMPO_VERSION, kubernetesUnitFqdn, readyCheckUrl } from "../../src/charms/worker/index.js";
import { modelStatus } from "../../src/sim/model-status.js";
import type { RunOutcome, Simulator } from "../../src/sim/simulator.js";
import {
  CA_APP,
  COORDINATOR_APP,
  INTEGRATION_CHARMS,
  LOKI_APP,
  RECOMMENDED_SHAPE,
  REMOTE_WRITE_APP,
  SIM_INTEGRATIONS,
  TRACING_CLIENT_APP,
  buildTempoModel,
  workerAppName,
} from "../../src/sim/tempo-cluster.js";
import { workerUnits } from "../../src/sim/tempo-report.js";
import { validateTempoConfigText } from "../../src/tempo/validate.js";

const TLS_KEYS = ["ca_cert", "privkey_secret_id", "server_cert"] as const;
const WORKER_APPS = RECOMMENDED_SHAPE.map((group) => workerAppName(group.role));

async function convergedFullModel(): Promise<{ sim: Simulator; outcome: RunOutcome }> {
  const built = buildTempoModel(RECOMMENDED_SHAPE, { integrations: ["tls", "tracing", "logging"] });
  if (built.kind !== "done") throw new Error(built.reason);
  return { sim: built.value, outcome: await built.value.run() };
}

/** What the coordinator published to a worker application, each value JSON-decoded. */
function providerBagFor(sim: Simulator, workerApp: string): Record<string, unknown> {
  const raw = sim.relationBetween(COORDINATOR_APP, workerApp)?.appData.get(COORDINATOR_APP) ?? {};
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, JSON.parse(value) as unknown]));
}

function containerOf(sim: Simulator, unit: string) {
  const container = sim.world.units.get(unit)?.containers.get(CONTAINER_NAME);
  if (container === undefined) throw new Error(`${unit} has no ${CONTAINER_NAME} container`);
  return container;
}

/** The CA's answers in the certificates relation, as the coordinator reads them. */
function issuedCertificates(sim: Simulator): { certificate: string; ca: string; chain: string[] }[] {
  const raw = sim.relationBetween(COORDINATOR_APP, CA_APP)?.appData.get(CA_APP)?.certificates;
  return raw === undefined ? [] : (JSON.parse(raw) as { certificate: string; ca: string; chain: string[] }[]);
}

function tracingReceiversOffered(sim: Simulator): { protocol: { name: string; type: string }; url: string }[] {
  const raw = sim.relationBetween(COORDINATOR_APP, TRACING_CLIENT_APP)?.appData.get(COORDINATOR_APP)?.receivers;
  return raw === undefined ? [] : (JSON.parse(raw) as { protocol: { name: string; type: string }; url: string }[]);
}

function unitsNotActive(sim: Simulator): string[] {
  return modelStatus(sim)
    .units.filter((row) => row.workload !== "active" || row.agent !== "idle")
    .map((row) => `${row.unit}: ${row.workload}/${row.agent} ${row.message}`);
}

describe("a full Tempo cluster with TLS, tracing, remote-write and logging in the simulator", () => {
  let sim: Simulator;
  let outcome: RunOutcome;
  beforeAll(async () => {
    ({ sim, outcome } = await convergedFullModel());
  });

  it("converges with every unit active: coordinator, all workers and every stand-in", () => {
    expect(outcome.kind).toBe("quiet");
    expect(unitsNotActive(sim)).toEqual([]);
    const apps = new Set(modelStatus(sim).units.map((row) => sim.world.units.get(row.unit)!.app));
    expect([...apps].sort()).toEqual([CA_APP, COORDINATOR_APP, LOKI_APP, REMOTE_WRITE_APP, "s3-integrator", TRACING_CLIENT_APP, ...WORKER_APPS].sort());
  });

  it("gives every worker application the CA, the server certificate and the key's secret id, all issued by the CA", () => {
    const [issued] = issuedCertificates(sim);
    expect(issued).toBeDefined();
    for (const app of WORKER_APPS) {
      const bag = providerBagFor(sim, app);
      expect(bag.ca_cert, app).toBe(issued!.ca);
      expect(bag.server_cert, app).toBe(issued!.certificate);
      expect(bag.privkey_secret_id, app).toMatch(/^secret:/);
    }
    const server = new X509Certificate(issued!.certificate);
    expect(server.verify(new X509Certificate(issued!.ca).publicKey)).toBe(true);
    expect(issued!.chain).toEqual([issued!.certificate, issued!.ca]);
  });

  it("grants the key's secret to every worker relation and nothing else", () => {
    const secretId = providerBagFor(sim, WORKER_APPS[0]!).privkey_secret_id as string;
    const secret = sim.world.secrets.get(secretId)!;
    const grantedRelations = [...secret.grants.keys()].sort((a, b) => a - b);
    const workerRelations = WORKER_APPS.map((app) => sim.relationBetween(COORDINATOR_APP, app)!.id).sort((a, b) => a - b);
    expect(grantedRelations).toEqual(workerRelations);
  });

  it("gives every worker application the Loki endpoint, the remote-write endpoint and both tracing receiver maps", () => {
    const lokiUrl = JSON.parse(sim.relationBetween(COORDINATOR_APP, LOKI_APP)!.unitData.get(`${LOKI_APP}/0`)!.endpoint!) as { url: string };
    const remoteWrite = JSON.parse(sim.relationBetween(COORDINATOR_APP, REMOTE_WRITE_APP)!.unitData.get(`${REMOTE_WRITE_APP}/0`)!.remote_write!) as { url: string };
    for (const app of WORKER_APPS) {
      const bag = providerBagFor(sim, app);
      expect(bag.loki_endpoints, app).toEqual({ [`${LOKI_APP}/0`]: lokiUrl.url });
      expect(bag.remote_write_endpoints, app).toEqual([{ url: remoteWrite.url }]);
      expect(bag.charm_tracing_receivers, app).toEqual({ otlp_http: "https://tempo.tempo-sim.svc.cluster.local:4318" });
      expect(bag.workload_tracing_receivers, app).toEqual({
        otlp_grpc: "tempo.tempo-sim.svc.cluster.local:4317",
        otlp_http: "https://tempo.tempo-sim.svc.cluster.local:4318",
      });
    }
  });

  it("puts the TLS files in every worker's container, the key readable by its owner only", () => {
    const [issued] = issuedCertificates(sim);
    for (const unit of workerUnits(sim)) {
      const container = containerOf(sim, unit);
      expect(container.readText("/etc/worker/ca.cert"), unit).toBe(issued!.ca);
      expect(container.readText("/usr/local/share/ca-certificates/ca.crt"), unit).toBe(issued!.ca);
      expect(container.readText("/etc/worker/server.cert"), unit).toBe(issued!.certificate);
      expect(container.stat("/etc/worker/private.key")?.permissions, unit).toBe(0o600);
      const key = createPrivateKey(container.readText("/etc/worker/private.key")!);
      expect(new X509Certificate(issued!.certificate).checkPrivateKey(key), unit).toBe(true);
    }
  });

  it("has every worker trust the CA in its system store, through update-ca-certificates", () => {
    for (const unit of workerUnits(sim)) {
      const trustRuns = containerOf(sim, unit).execJournal.filter((record) => record.command[0] === "update-ca-certificates");
      expect(trustRuns.map((record) => record.outcome), unit).toEqual([0]);
    }
  });

  it("probes every worker's readiness over https at a name its certificate covers", async () => {
    const [issued] = issuedCertificates(sim);
    const certificate = new X509Certificate(issued!.certificate);
    for (const unit of workerUnits(sim)) {
      const fqdn = kubernetesUnitFqdn(unit, sim.world.modelName);
      const plan = await containerOf(sim, unit).getPlan();
      expect(readyCheckUrl(plan.checks.ready), unit).toBe(`https://${fqdn}:3200/ready`);
      // checkHost answers with the name that matched (here the application's pod wildcard), or undefined.
      expect(certificate.checkHost(fqdn), unit).toBe(`*.${fqdn.slice(fqdn.indexOf(".") + 1)}`);
    }
  });

  it("forwards every worker's logs to Loki and points Tempo's own traces at the OTLP HTTP receiver", async () => {
    for (const unit of workerUnits(sim)) {
      const plan = await containerOf(sim, unit).getPlan();
      expect(Object.values(plan["log-targets"]).map((target) => target.location), unit).toEqual([
        JSON.parse(sim.relationBetween(COORDINATOR_APP, LOKI_APP)!.unitData.get(`${LOKI_APP}/0`)!.endpoint!).url,
      ]);
      expect(plan.services.tempo?.environment?.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, unit).toBe(
        "https://tempo.tempo-sim.svc.cluster.local:4318/v1/traces",
      );
    }
  });

  it("runs a Tempo config with TLS on every server and client that passes the strict validator", () => {
    for (const unit of workerUnits(sim)) {
      const text = containerOf(sim, unit).readText(CONFIG_PATH)!;
      expect(validateTempoConfigText(text, TEMPO_VERSION), unit).toEqual([]);
      const config = parseYaml(text) as Record<string, Record<string, Record<string, unknown>>>;
      expect(config.server?.http_tls_config?.cert_file, unit).toBe("/etc/worker/server.cert");
      expect(config.server?.grpc_tls_config?.key_file, unit).toBe("/etc/worker/private.key");
      expect(config.memberlist?.tls_enabled, unit).toBe(true);
      expect(config.ingester_client?.grpc_client_config, unit).toMatchObject({ tls_enabled: true, tls_server_name: "tempo.tempo-sim.svc.cluster.local" });
      expect(config.metrics_generator?.storage, unit).toMatchObject({ remote_write: [{ url: expect.stringMatching(/^http:\/\/.*\/api\/v1\/write$/) }] });
    }
  });

  it("answers the tracing client with a URL for each protocol it asked for, https where TLS applies", () => {
    const asked = JSON.parse(sim.relationBetween(COORDINATOR_APP, TRACING_CLIENT_APP)!.appData.get(TRACING_CLIENT_APP)!.receivers!) as string[];
    expect(asked).toEqual(["otlp_grpc", "zipkin"]);
    const urls = Object.fromEntries(tracingReceiversOffered(sim).map((receiver) => [receiver.protocol.name, receiver.url]));
    expect(urls).toMatchObject({
      otlp_grpc: "tempo.tempo-sim.svc.cluster.local:4317",
      zipkin: "https://tempo.tempo-sim.svc.cluster.local:9411",
    });
    expect(sim.world.units.get(`${TRACING_CLIENT_APP}/0`)!.status).toEqual({ status: "active", message: "" });
  });
});

describe("removing the certificates relation from the full cluster", () => {
  let sim: Simulator;
  let outcome: RunOutcome;
  beforeAll(async () => {
    ({ sim } = await convergedFullModel());
    const removed = sim.removeRelation(COORDINATOR_APP, CA_APP);
    if (removed.kind !== "done") throw new Error(removed.reason);
    outcome = await sim.run();
  });

  it("converges again with every unit active", () => {
    expect(outcome.kind).toBe("quiet");
    expect(sim.relationBetween(COORDINATOR_APP, CA_APP)).toBeUndefined();
    expect(unitsNotActive(sim)).toEqual([]);
  });

  it("withdraws the TLS keys from every worker databag and keeps the others", () => {
    for (const app of WORKER_APPS) {
      const bag = providerBagFor(sim, app);
      for (const key of TLS_KEYS) expect(bag[key], `${app} ${key}`).toBeUndefined();
      expect(Object.keys(bag), app).toEqual(expect.arrayContaining(["loki_endpoints", "remote_write_endpoints", "charm_tracing_receivers", "workload_tracing_receivers"]));
      expect(bag.charm_tracing_receivers, app).toEqual({ otlp_http: "http://tempo.tempo-sim.svc.cluster.local:4318" });
    }
  });

  it("revokes the key's secret from every worker relation", () => {
    const secret = [...sim.world.secrets.values()].find((candidate) => candidate.owner.app === COORDINATOR_APP)!;
    expect([...secret.grants.values()].flatMap((entities) => [...entities])).toEqual([]);
  });

  it("removes the TLS files and probes readiness over plain http on localhost", async () => {
    for (const unit of workerUnits(sim)) {
      const container = containerOf(sim, unit);
      for (const path of ["/etc/worker/ca.cert", "/etc/worker/server.cert", "/etc/worker/private.key", "/usr/local/share/ca-certificates/ca.crt"]) {
        expect(container.stat(path), `${unit} ${path}`).toBeUndefined();
      }
      expect((await container.getPlan()).checks.ready?.http?.url, unit).toBe("http://localhost:3200/ready");
    }
  });

  it("has every worker run update-ca-certificates again, so the CA leaves its system store too", () => {
    for (const unit of workerUnits(sim)) {
      const trustRuns = containerOf(sim, unit).execJournal.filter((record) => record.command[0] === "update-ca-certificates");
      expect(trustRuns.map((record) => record.outcome), unit).toEqual([0, 0]);
    }
  });

  it("runs a plain Tempo config that passes the strict validator", () => {
    for (const unit of workerUnits(sim)) {
      const text = containerOf(sim, unit).readText(CONFIG_PATH)!;
      expect(validateTempoConfigText(text, TEMPO_VERSION), unit).toEqual([]);
      expect(text, unit).not.toMatch(/tls/);
    }
  });

  it("gives the tracing client plain http URLs", () => {
    const urls = Object.fromEntries(tracingReceiversOffered(sim).map((receiver) => [receiver.protocol.name, receiver.url]));
    expect(urls.zipkin).toBe("http://tempo.tempo-sim.svc.cluster.local:9411");
    expect(sim.world.units.get(`${TRACING_CLIENT_APP}/0`)!.status).toEqual({ status: "active", message: "" });
  });
});

describe("operating the full cluster with TLS on", () => {
  async function step(sim: Simulator, operation: () => { kind: string }): Promise<RunOutcome> {
    const applied = operation();
    if (applied.kind !== "done") throw new Error(`rejected: ${JSON.stringify(applied)}`);
    return sim.run();
  }

  it("keeps the one certificate when ingesters scale, and every new ingester serves HTTPS with it", async () => {
    const { sim } = await convergedFullModel();
    const [before] = issuedCertificates(sim);
    expect(await step(sim, () => sim.addUnits("tempo-ingester", 2))).toMatchObject({ kind: "quiet" });
    expect(await step(sim, () => sim.removeUnit("tempo-ingester/0"))).toMatchObject({ kind: "quiet" });
    expect(issuedCertificates(sim)).toEqual([before]);
    expect(unitsNotActive(sim)).toEqual([]);
    for (const unit of ["tempo-ingester/3", "tempo-ingester/4"]) {
      expect(containerOf(sim, unit).readText("/etc/worker/server.cert"), unit).toBe(before!.certificate);
      expect(readyCheckUrl((await containerOf(sim, unit).getPlan()).checks.ready), unit).toMatch(/^https:/);
    }
  });

  it("keeps the certificate and key across a coordinator leader change", async () => {
    const { sim } = await convergedFullModel();
    const [before] = issuedCertificates(sim);
    const secretId = providerBagFor(sim, WORKER_APPS[0]!).privkey_secret_id;
    expect(await step(sim, () => sim.addUnits(COORDINATOR_APP, 1))).toMatchObject({ kind: "quiet" });
    expect(await step(sim, () => sim.removeUnit(`${COORDINATOR_APP}/0`))).toMatchObject({ kind: "quiet" });
    expect(sim.world.apps.get(COORDINATOR_APP)!.leader).toBe(`${COORDINATOR_APP}/1`);
    expect(issuedCertificates(sim)).toEqual([before]);
    expect(providerBagFor(sim, WORKER_APPS[0]!).privkey_secret_id).toBe(secretId);
    expect(unitsNotActive(sim)).toEqual([]);
  });

  it("asks for a new certificate when a worker application leaves, and every remaining worker serves it", async () => {
    const { sim } = await convergedFullModel();
    const [before] = issuedCertificates(sim);
    expect(await step(sim, () => sim.removeApplication("tempo-metrics-generator"))).toMatchObject({ kind: "quiet" });
    const [after] = issuedCertificates(sim);
    expect(after!.certificate).not.toBe(before!.certificate);
    expect(new X509Certificate(after!.certificate).subjectAltName).not.toContain("tempo-metrics-generator");
    for (const unit of workerUnits(sim)) expect(containerOf(sim, unit).readText("/etc/worker/server.cert"), unit).toBe(after!.certificate);
    expect(unitsNotActive(sim)).toEqual([]);
  });

  it("moves every worker to a new CA without a pod restart: each one trusts it and its ready check passes", async () => {
    const { sim } = await convergedFullModel();
    const [before] = issuedCertificates(sim);
    const containersBefore = workerUnits(sim).map((unit) => containerOf(sim, unit));
    expect(await step(sim, () => sim.removeApplication(CA_APP))).toMatchObject({ kind: "quiet" });
    expect(await step(sim, () => sim.deploy("second-ca", INTEGRATION_CHARMS.certificates))).toMatchObject({ kind: "quiet" });
    expect(await step(sim, () => sim.relate(`${COORDINATOR_APP}:certificates`, "second-ca:certificates"))).toMatchObject({ kind: "quiet" });
    const raw = sim.relationBetween(COORDINATOR_APP, "second-ca")?.appData.get("second-ca")?.certificates;
    const [after] = JSON.parse(raw ?? "[]") as { ca: string }[];
    expect(after!.ca).not.toBe(before!.ca);
    for (const [index, unit] of workerUnits(sim).entries()) {
      const container = containerOf(sim, unit);
      expect(container, unit).toBe(containersBefore[index]); // the same container: no pod restart
      expect(container.readText("/etc/worker/ca.cert"), unit).toBe(after!.ca);
      expect(readyCheckUrl((await container.getPlan()).checks.ready), unit).toMatch(/^https:/);
      expect((await container.getChecks({ names: ["ready"] }))[0], unit).toMatchObject({ status: "up", failures: 0 });
    }
    expect(unitsNotActive(sim)).toEqual([]);
  });

  it("turns TLS on everywhere when the certificates relation comes back, with the same key", async () => {
    const { sim } = await convergedFullModel();
    const [before] = issuedCertificates(sim);
    expect(await step(sim, () => sim.removeRelation(COORDINATOR_APP, CA_APP))).toMatchObject({ kind: "quiet" });
    expect(await step(sim, () => sim.relate(`${COORDINATOR_APP}:certificates`, `${CA_APP}:certificates`))).toMatchObject({ kind: "quiet" });
    // The key outlives the relation, so the coordinator's request is byte-for-byte the old one; the
    // CA signs it afresh for the new relation (from the model's clock), for the same key and CA.
    const [after] = issuedCertificates(sim) as (typeof before & { certificate_signing_request: string })[];
    expect(after?.certificate_signing_request).toBe((before as typeof after)?.certificate_signing_request);
    expect(after?.ca).toBe(before?.ca);
    const publicKey = (pem: string) => new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
    expect(publicKey(after!.certificate)).toEqual(publicKey(before!.certificate));
    for (const unit of workerUnits(sim)) expect(readyCheckUrl((await containerOf(sim, unit).getPlan()).checks.ready), unit).toMatch(/^https:/);
    expect(unitsNotActive(sim)).toEqual([]);
  });
});
