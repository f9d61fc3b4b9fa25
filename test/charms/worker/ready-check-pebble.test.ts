/**
 * The worker's ready check against the test Pebble server (Pebble's HTTP API, the in-memory
 * Pebble behind it running the simulator's Tempo image), on the two questions issue #17 (#4/#5)
 * and issue #15 (CA rotation) ask: does the check ever take the pod out of its Services, and does
 * it pass again after the CA changes, without a pod restart?
 */
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { workerLayer, type LayerInputs } from "../../../src/charms/worker/layer.js";
import { judgeReadiness } from "../../../src/charms/worker/readiness.js";
import { CA_CERT_PATH, TRUSTED_CA_PATH } from "../../../src/charms/worker/workload-files.js";
import type { Layer } from "../../../src/juju/pebble.js";
import { PebbleHttpClient } from "../../../src/juju/pebble-client.js";
import { tempoImage } from "../../../src/sim/tempo-cluster.js";
import { MemoryPebble } from "../../../src/testing/pebble-memory.js";
import { startTestPebbleServer, type TestPebbleServer } from "../../../src/testing/pebble-server.js";

const inputs: LayerInputs = {
  role: "ingester",
  isTlsEnabled: false,
  unitAddress: "tempo-worker-0.tempo-worker-endpoints.cos.svc.cluster.local",
  identity: { model: "cos", modelUuid: "u", application: "tempo-worker", unit: "tempo-worker/0", charmName: "tempo-worker" },
};

let directory: string;
let socketPath: string;
let pebble: MemoryPebble;
let server: TestPebbleServer;
let client: PebbleHttpClient;

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), "ready-check-"));
  socketPath = join(directory, "pebble.socket");
  pebble = new MemoryPebble();
  tempoImage("tempo", pebble); // Tempo answers /ready 20 s after a start
  server = await startTestPebbleServer(socketPath, pebble);
  client = new PebbleHttpClient(socketPath);
});
afterEach(async () => {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

/** What Kubernetes' readiness probe gets from Juju's wiring: GET /v1/health?level=ready. */
function readinessProbe(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = request({ socketPath, path: "/v1/health?level=ready" }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    probe.on("error", reject);
    probe.end();
  });
}

async function startTempo(layer: Layer): Promise<void> {
  await client.addLayer("tempo", layer, { combine: true });
  await client.startServices(["tempo"]);
}

describe("the ready check and Kubernetes readiness", () => {
  it("keeps the pod ready while Tempo is not, because the check has no level", async () => {
    await startTempo(workerLayer(inputs));
    pebble.advanceTime(15_000);
    expect((await client.getChecks({ names: ["ready"] }))[0]?.status).toBe("down");
    expect(await readinessProbe()).toBe(200);
  });

  it("would drop the pod from its Services with level ready (the check the worker no longer uses)", async () => {
    const layer = workerLayer(inputs);
    await startTempo({ ...layer, checks: { ready: { ...layer.checks!["ready"]!, level: "ready" } } });
    pebble.advanceTime(15_000);
    expect(await readinessProbe()).toBe(502);
  });
});

describe("the ready check across a CA rotation, without a pod restart", () => {
  async function trust(ca: string): Promise<void> {
    await client.push(CA_CERT_PATH, ca, { makeDirs: true });
    await client.push(TRUSTED_CA_PATH, ca, { makeDirs: true });
    expect((await client.exec(["update-ca-certificates", "--fresh"])).exitCode).toBe(0);
  }

  async function passesAfterRestart(): Promise<boolean> {
    await client.restartServices(["tempo"]);
    const [baseline] = await client.getChecks({ names: ["ready"] });
    pebble.advanceTime(60_000);
    const [check] = await client.getChecks({ names: ["ready"] });
    return judgeReadiness(check, { changeId: baseline?.changeId, successes: baseline?.successes ?? 0 }).kind === "ready";
  }

  it("passes again with the new CA: curl reads the pushed CA file on every probe", async () => {
    await trust("CA-1");
    await startTempo(workerLayer({ ...inputs, isTlsEnabled: true }));
    pebble.advanceTime(30_000);
    expect((await client.getChecks({ names: ["ready"] }))[0]).toMatchObject({ status: "up" });
    await trust("CA-2");
    expect(await passesAfterRestart()).toBe(true);
  });

  it("would stay failing with an https check, whose roots Pebble loaded once", async () => {
    await trust("CA-1");
    await startTempo({ ...workerLayer(inputs), checks: { ready: { override: "replace", threshold: 3, http: { url: `https://${inputs.unitAddress}:3200/ready` } } } });
    pebble.advanceTime(30_000);
    expect((await client.getChecks({ names: ["ready"] }))[0]).toMatchObject({ status: "up" });
    await trust("CA-2");
    expect(await passesAfterRestart()).toBe(false);
  });
});
