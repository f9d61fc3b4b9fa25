/**
 * Issue 15, "any cluster domain": a whole model on a Kubernetes cluster whose DNS domain is
 * `cluster.example`. Each pod holds the /etc/hosts the kubelet writes; the workers publish the
 * names they read there, and the coordinator names its certificate, its front door, its own unit
 * for Traefik and Prometheus, and the scrape targets in the same domain. Nothing the charms publish
 * says `cluster.local`.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readCsr } from "../../src/charms/coordinator/integrations/csr-pkcs10.js";
import type { Simulator } from "../../src/sim/simulator.js";
import {
  CA_APP,
  COORDINATOR_APP,
  PROMETHEUS_SCRAPE_APP,
  RECOMMENDED_SHAPE,
  SIM_INTEGRATIONS,
  SIM_S3_CONFIG,
  TRACING_CLIENT_APP,
  buildTempoModel,
  workerAppName,
} from "../../src/sim/tempo-cluster.js";

const DOMAIN = "cluster.example";
const MODEL = "tempo-sim";

async function converged(integrations: (typeof SIM_INTEGRATIONS)[number][]): Promise<Simulator> {
  const built = buildTempoModel(RECOMMENDED_SHAPE, { integrations, clusterDomain: DOMAIN });
  if (built.kind !== "done") throw new Error(built.reason);
  const outcome = await built.value.run();
  if (outcome.kind !== "quiet") throw new Error(`the model did not settle: ${JSON.stringify(outcome)}`);
  return built.value;
}

/** Every value of every databag in the model, but the S3 host the simulated s3-integrator was configured with. */
function everythingPublished(sim: Simulator): string {
  const s3Host = new URL(String(SIM_S3_CONFIG.endpoint)).hostname;
  const values: string[] = [];
  for (const relation of sim.world.relations.values()) {
    for (const bag of [...relation.appData.values(), ...relation.unitData.values()]) values.push(...Object.values(bag));
  }
  return values.join("\n").replaceAll(s3Host, "");
}

function appBag(sim: Simulator, from: string, to: string): Record<string, string> {
  return sim.relationBetween(from, to)?.appData.get(from) ?? {};
}

describe(`a cluster whose DNS domain is ${DOMAIN}, with every integration`, () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await converged([...SIM_INTEGRATIONS]);
  }, 120_000);

  it("publishes no name in cluster.local anywhere", () => {
    const published = everythingPublished(sim);
    expect(published).toContain(`.svc.${DOMAIN}`);
    expect(published).not.toContain("svc.cluster.local");
  });

  it("puts every worker in the gossip ring under the name its pod gave", () => {
    const config = JSON.parse(appBag(sim, COORDINATOR_APP, workerAppName("ingester")).worker_config ?? '""') as string;
    const ingester = workerAppName("ingester");
    expect(config).toContain(`${ingester}-0.${ingester}-endpoints.${MODEL}.svc.${DOMAIN}:7946`);
  });

  it("asks for a certificate whose every name is in the cluster's domain", () => {
    const requests = JSON.parse(appBag(sim, COORDINATOR_APP, CA_APP).certificate_signing_requests ?? "[]") as { certificate_signing_request: string }[];
    expect(requests).toHaveLength(1);
    const reading = readCsr(requests[0]!.certificate_signing_request);
    if (reading.kind !== "valid") throw new Error("the coordinator's CSR does not parse");
    expect(reading.csr.dnsNames.length).toBeGreaterThan(0);
    for (const name of reading.csr.dnsNames) expect(name).toMatch(new RegExp(`\\.${MODEL}\\.svc\\.cluster\\.example$`));
    expect(reading.csr.dnsNames).toContain(`${COORDINATOR_APP}.${MODEL}.svc.${DOMAIN}`);
  });

  it("tells Prometheus to scrape the coordinator's exporter at its pod's name", () => {
    const jobs = JSON.parse(appBag(sim, COORDINATOR_APP, PROMETHEUS_SCRAPE_APP).scrape_jobs ?? "[]") as { static_configs: { targets: string[] }[] }[];
    const targets = jobs.flatMap((job) => job.static_configs.flatMap((config) => config.targets));
    expect(targets).toContain(`${COORDINATOR_APP}-0.${COORDINATOR_APP}-endpoints.${MODEL}.svc.${DOMAIN}:9113`);
  });
});

describe(`a cluster whose DNS domain is ${DOMAIN}, without an ingress`, () => {
  it("offers trace receivers at the coordinator's service in that domain", async () => {
    const sim = await converged(["tls", "tracing"]);
    const receivers = JSON.parse(appBag(sim, COORDINATOR_APP, TRACING_CLIENT_APP).receivers ?? "[]") as { url: string }[];
    expect(receivers.length).toBeGreaterThan(0);
    for (const receiver of receivers) expect(receiver.url).toContain(`${COORDINATOR_APP}.${MODEL}.svc.${DOMAIN}:`);
  }, 120_000);
});
