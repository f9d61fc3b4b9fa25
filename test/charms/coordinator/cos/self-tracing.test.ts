/** `self-charm-tracing` / `self-workload-tracing`: another Tempo takes the charms' and Tempo's own traces. */
import { describe, expect, it } from "vitest";
import { coordinatorCharm } from "../../../../src/charms/coordinator/charm.js";
import { parseTracingProviderBag } from "../../../../src/charms/coordinator/integrations/self-tracing.js";
import { runHook } from "../../../../src/juju/charm.js";
import { renderHookEnv } from "../../../../src/juju/context.js";
import type { TracingDestination } from "../../../../src/juju/hook-tracing.js";
import type { Model } from "../../../../src/juju/model.js";
import { DEFAULT_UNIT_BAG, MemoryBackend, type RegularRelationState, on, relation, run, state, worldFromState } from "../../../../src/testing/index.js";
import { coordinatorState, distributed, jsonKey, s3 } from "../tracing-fixtures.js";
import { nginxContainer } from "../fixtures.js";

const REMOTE = "http://tempo-central.obs.svc.cluster.local:4318";

function remoteTempo(id: number, endpoint: "self-charm-tracing" | "self-workload-tracing", receivers?: string): RegularRelationState {
  return relation({
    id,
    endpoint,
    interface: "tracing",
    remoteApp: "tempo-central",
    remoteAppData: receivers === undefined ? {} : { receivers },
    remoteUnitsData: { "0": { ...DEFAULT_UNIT_BAG } },
  });
}

const offered = JSON.stringify([
  { protocol: { name: "otlp_grpc", type: "grpc" }, url: "tempo-central.obs.svc.cluster.local:4317" },
  { protocol: { name: "otlp_http", type: "http" }, url: REMOTE },
]);

describe("reading a self-tracing provider", () => {
  it("reads receivers as protocol → URL", () => {
    expect(parseTracingProviderBag({ receivers: offered })).toEqual({
      kind: "valid",
      data: { otlp_grpc: "tempo-central.obs.svc.cluster.local:4317", otlp_http: REMOTE },
    });
  });

  it("names what is wrong with receivers it cannot use", () => {
    expect(parseTracingProviderBag({ receivers: "nope" })).toEqual({ kind: "invalid", reasons: ["receivers is not JSON"] });
    expect(parseTracingProviderBag({ receivers: JSON.stringify([{ protocol: { name: "otlp_http", type: "http" }, url: "host:4318" }]) })).toEqual({
      kind: "invalid",
      reasons: ["otlp_http url is not an http(s) URL"],
    });
  });
});

describe("the coordinator related to another Tempo for its own telemetry", () => {
  it("asks each self-tracing provider for otlp_http", async () => {
    const state = coordinatorState([...distributed(), s3(), remoteTempo(70, "self-charm-tracing"), remoteTempo(71, "self-workload-tracing")]);
    const result = await run(coordinatorCharm, on.relationJoined({ id: 70 }, { remoteUnit: 0 }), state);
    expect(jsonKey(result.state, 70, "receivers")).toEqual(["otlp_http"]);
    expect(jsonKey(result.state, 71, "receivers")).toEqual(["otlp_http"]);
  });

  it("points the workers' charm traces and Tempo's own traces at the related Tempo", async () => {
    const state = coordinatorState([...distributed(), s3(), remoteTempo(70, "self-charm-tracing", offered), remoteTempo(71, "self-workload-tracing", offered)]);
    const result = await run(coordinatorCharm, on.relationChanged({ id: 71 }, { remoteUnit: 0 }), state);
    expect(jsonKey(result.state, 1, "charm_tracing_receivers")).toEqual({ otlp_http: REMOTE });
    expect(jsonKey(result.state, 1, "workload_tracing_receivers")).toEqual({
      otlp_grpc: "tempo-central.obs.svc.cluster.local:4317",
      otlp_http: REMOTE,
    });
  });

  it("traces into the cluster itself while no other Tempo is related", async () => {
    const result = await run(coordinatorCharm, on.updateStatus(), coordinatorState([...distributed(), s3()], { config: { always_enable_otlp_http: true } }));
    expect(jsonKey(result.state, 1, "charm_tracing_receivers")).toEqual({ otlp_http: "http://tempo.cos.svc.cluster.local:4318" });
  });

  it("keeps tracing into the cluster, and says why, when the related Tempo's data is unusable", async () => {
    const state = coordinatorState([...distributed(), s3(), remoteTempo(70, "self-charm-tracing", "nope")], {
      config: { always_enable_otlp_http: true },
      containers: [nginxContainer()],
    });
    const result = await run(coordinatorCharm, on.relationChanged({ id: 70 }, { remoteUnit: 0 }), state);
    expect(jsonKey(result.state, 1, "charm_tracing_receivers")).toEqual({ otlp_http: "http://tempo.cos.svc.cluster.local:4318" });
    expect(result.state.unitStatus.message).toContain("self-charm-tracing");
  });
});

describe("where the coordinator's own hook spans go", () => {
  async function endpointAfterHook(relations: RegularRelationState[], config: Record<string, boolean> = {}): Promise<TracingDestination | undefined> {
    const unitWorld = worldFromState(coordinatorCharm.meta, state(coordinatorState([...distributed(), s3(), ...relations], { config })));
    const backend = new MemoryBackend(unitWorld.world, { unit: unitWorld.unitName });
    const env = renderHookEnv({ unitName: "tempo/0", appName: "tempo", modelName: "cos", modelUuid: "u", jujuVersion: "3.6.14", event: { kind: "update-status" } });
    let seen: Model | undefined;
    await runHook(coordinatorCharm, { env, backend, onModel: (model) => (seen = model) });
    return coordinatorCharm.tracingEndpoint?.(seen!);
  }

  it("is the related Tempo's otlp_http receiver", async () => {
    expect(await endpointAfterHook([remoteTempo(70, "self-charm-tracing", offered)])).toEqual({ url: REMOTE });
  });

  it("is this cluster's own otlp_http receiver while no other Tempo is related", async () => {
    expect(await endpointAfterHook([], { always_enable_otlp_http: true })).toEqual({ url: "http://tempo.cos.svc.cluster.local:4318" });
  });
});
