/** Where a worker's hook spans go: the coordinator's `charm_tracing_receivers` otlp_http URL. */
import { describe, expect, it } from "vitest";
import { workerCharm } from "../../../src/charms/worker/charm.js";
import { runHook } from "../../../src/juju/charm.js";
import { renderHookEnv } from "../../../src/juju/context.js";
import type { TracingDestination } from "../../../src/juju/hook-tracing.js";
import type { Model } from "../../../src/juju/model.js";
import { MemoryBackend, state, worldFromState } from "../../../src/testing/index.js";
import { clusterRelation, providerBag, tempoContainer } from "./worker-scenario.js";

async function endpointAfterHook(remoteAppData: Record<string, string>): Promise<TracingDestination | undefined> {
  const unitWorld = worldFromState(workerCharm.meta, state({ leader: true, appName: "tempo-worker", relations: [clusterRelation(remoteAppData)], containers: [tempoContainer()] }));
  const backend = new MemoryBackend(unitWorld.world, { unit: unitWorld.unitName });
  const env = renderHookEnv({ unitName: "tempo-worker/0", appName: "tempo-worker", modelName: "cos", modelUuid: "u", jujuVersion: "3.6.14", event: { kind: "update-status" } });
  let seen: Model | undefined;
  await runHook(workerCharm, { env, backend, onModel: (model) => (seen = model) });
  return workerCharm.tracingEndpoint?.(seen!);
}

describe("a worker's hook spans", () => {
  it("go to the OTLP/HTTP receiver the coordinator names for charm traces", async () => {
    const url = "http://tempo-distributor.cos.svc.cluster.local:4318";
    expect(await endpointAfterHook(providerBag({ charm_tracing_receivers: { otlp_http: url } }))).toEqual({ url });
  });

  it("trust the CA the coordinator hands out, which signs the cluster's receivers", async () => {
    const url = "https://tempo-distributor.cos.svc.cluster.local:4318";
    const ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    expect(await endpointAfterHook(providerBag({ charm_tracing_receivers: { otlp_http: url }, ca_cert: ca }))).toEqual({ url, caCerts: [ca] });
  });

  it("go nowhere while the coordinator names none, or names it unreadably", async () => {
    expect(await endpointAfterHook({})).toBeUndefined();
    expect(await endpointAfterHook({ charm_tracing_receivers: "not json" })).toBeUndefined();
  });
});
