/**
 * Certificate renewal across a whole simulated cluster: the CA signs 90-day certificates, the
 * model's clock moves past two thirds of that, Juju's timer (secret-expired on the coordinator's
 * key secret) wakes the leader, which asks again; the CA signs, and every worker ends on the new
 * certificate, restarted one unit per application at a time.
 */
import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PRIVATE_KEY_SECRET_LABEL } from "../../src/charms/coordinator/integrations/tls-private-key.js";
import { NGINX_SERVER_CERT_PATH } from "../../src/charms/coordinator/nginx/paths.js";
import { SERVER_CERT_PATH } from "../../src/charms/worker/workload-files.js";
import type { Simulator } from "../../src/sim/simulator.js";
import { CA_APP, COORDINATOR_APP, buildTempoModel, parseWorkerShape } from "../../src/sim/tempo-cluster.js";
import { workerUnits } from "../../src/sim/tempo-report.js";
import { overlaps, runRecordingOutages, tempoOf } from "./rollout-outages.js";

const DAY = 86_400_000;
const SHAPE = parseWorkerShape("query-frontend=1,querier=2,ingester=3,distributor=2,compactor=1");

async function clusterWithShortLivedCertificates(): Promise<Simulator> {
  if (SHAPE.kind !== "valid") throw new Error(SHAPE.reasons.join("; "));
  const built = buildTempoModel(SHAPE.shape, { integrations: ["tls"] });
  if (built.kind !== "done") throw new Error(built.reason);
  const sim = built.value;
  expect(sim.configure(CA_APP, { "certificate-validity": "90d" }).kind).toBe("done");
  // A second coordinator unit: its nginx gets the certificate from what the leader shares.
  expect(sim.addUnits(COORDINATOR_APP, 1).kind).toBe("done");
  expect(await sim.run()).toMatchObject({ kind: "quiet" });
  return sim;
}

/** The certificate each coordinator unit's nginx serves, from its container. */
const frontDoorCertificates = (sim: Simulator) =>
  sim.unitsInOrder(COORDINATOR_APP).map((unit) => sim.world.units.get(unit)!.containers.get("nginx")?.readText(NGINX_SERVER_CERT_PATH)?.trim());

/** The certificate each worker unit's Tempo serves, from its container. */
const servedCertificates = (sim: Simulator) => new Map(workerUnits(sim).map((unit) => [unit, tempoOf(sim, unit).readText(SERVER_CERT_PATH)]));

const keySecret = (sim: Simulator) => [...sim.world.secrets.values()].find((secret) => secret.label === PRIVATE_KEY_SECRET_LABEL)!;

/** The certificates the CA published to the coordinator. */
function caAnswers(sim: Simulator): string[] {
  const relation = [...sim.world.relations.values()].find((candidate) => candidate.ends.some((end) => end.app === CA_APP));
  return (JSON.parse(relation?.appData.get(CA_APP)?.certificates ?? "[]") as { certificate: string }[]).map((entry) => entry.certificate);
}

describe("renewal of the cluster's certificate in the simulator", () => {
  it("asks for nothing and restarts nothing before two thirds of the certificate's lifetime have passed", async () => {
    const sim = await clusterWithShortLivedCertificates();
    const before = servedCertificates(sim);
    expect(sim.passTime(59 * DAY, { updateStatus: true })).toMatchObject({ kind: "done" });
    const outages = await runRecordingOutages(sim);
    expect(outages).toEqual([]);
    expect(servedCertificates(sim)).toEqual(before);
  });

  it("renews at secret-expired once two thirds have passed, and every worker ends on the new certificate, never two units of one application down at once", async () => {
    const sim = await clusterWithShortLivedCertificates();
    const [first] = caAnswers(sim);
    expect(first).toBeDefined();
    for (const served of servedCertificates(sim).values()) expect(served).toBe(first);
    expect(frontDoorCertificates(sim)).toEqual([first, first]);
    const keyId = keySecret(sim).id;

    // Only Juju's secret expiry timer fires: no update-status.
    const woken = sim.passTime(61 * DAY);
    expect(woken).toEqual({ kind: "done", value: 1 });
    expect(sim.pendingEvents(`${COORDINATOR_APP}/0`)).toEqual([
      expect.objectContaining({ kind: "secret-expired", secret: expect.objectContaining({ id: keyId }) }),
    ]);
    const outages = await runRecordingOutages(sim);

    const [renewed] = caAnswers(sim);
    expect(caAnswers(sim)).toHaveLength(1);
    expect(renewed).not.toBe(first);
    const [was, is] = [new X509Certificate(first!), new X509Certificate(renewed!)];
    expect(is.subjectAltName).toBe(was.subjectAltName);
    expect(is.publicKey.export({ type: "spki", format: "der" })).toEqual(was.publicKey.export({ type: "spki", format: "der" }));
    expect(Date.parse(is.validTo)).toBeGreaterThan(Date.parse(was.validTo));
    for (const served of servedCertificates(sim).values()) expect(served).toBe(renewed);
    expect(frontDoorCertificates(sim)).toEqual([renewed, renewed]);
    expect(keySecret(sim).id).toBe(keyId);

    expect(outages.map((outage) => outage.unit).sort()).toEqual([...workerUnits(sim)].sort());
    expect(overlaps(outages)).toEqual([]);
  });
});
