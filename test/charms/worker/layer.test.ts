import { describe, expect, it } from "vitest";
import { workerLayer, type LayerInputs } from "../../../src/charms/worker/layer.js";

const identity = {
  model: "cos",
  modelUuid: "00000000-0000-4000-8000-000000000000",
  application: "tempo-worker",
  unit: "tempo-worker/0",
  charmName: "tempo-worker",
};
const base: LayerInputs = {
  role: "querier",
  isTlsEnabled: false,
  unitAddress: "tempo-worker-0.tempo-worker-endpoints.cos.svc.cluster.local",
  identity,
};

describe("workerLayer", () => {
  it("runs the role's target against the worker config file, started at boot", () => {
    const service = workerLayer(base).services?.tempo;
    expect(service?.command).toBe("/bin/tempo -config.file=/etc/worker/config.yaml -target=querier");
    expect(service?.startup).toBe("enabled");
    expect(service?.override).toBe("replace");
  });

  it("runs the all role as Tempo's scalable-single-binary target", () => {
    expect(workerLayer({ ...base, role: "all" }).services?.tempo?.command).toMatch(/-target=scalable-single-binary$/);
  });

  it("probes readiness over plain HTTP on localhost without TLS", () => {
    expect(workerLayer(base).checks?.ready).toMatchObject({ period: "5s", threshold: 3, http: { url: "http://localhost:3200/ready" } });
  });

  it("gives the ready check no level, so Kubernetes' readiness probe never counts it", () => {
    // Juju's readiness probe is /v1/health?level=ready, which counts only ready and alive checks.
    expect(workerLayer(base).checks?.ready?.level).toBeUndefined();
    expect(workerLayer({ ...base, isTlsEnabled: true }).checks?.ready?.level).toBeUndefined();
  });

  it("probes readiness over HTTPS with curl and the pushed CA file, not with Pebble's cached roots", () => {
    const ready = workerLayer({ ...base, isTlsEnabled: true }).checks?.ready;
    expect(ready?.http).toBeUndefined();
    expect(ready?.exec?.command).toBe(
      "curl --fail --silent --show-error --max-time 3 --cacert /etc/worker/ca.cert" +
        " --resolve tempo-worker-0.tempo-worker-endpoints.cos.svc.cluster.local:3200:127.0.0.1" +
        " https://tempo-worker-0.tempo-worker-endpoints.cos.svc.cluster.local:3200/ready",
    );
  });

  it("never restarts Tempo on a failing check", () => {
    expect(workerLayer(base).services?.tempo?.["on-check-failure"]).toBeUndefined();
  });

  it("sets no tracing environment when no workload tracing receiver is known", () => {
    expect(workerLayer(base).services?.tempo?.environment).toEqual({});
  });

  it("points Tempo's own traces at the OTLP/HTTP receiver with the Juju topology", () => {
    const environment = workerLayer({ ...base, workloadTracingOtlpHttpUrl: "http://192.0.2.2:4318/" }).services?.tempo?.environment;
    expect(environment).toEqual({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://192.0.2.2:4318/v1/traces",
      OTEL_RESOURCE_ATTRIBUTES:
        "juju_application=tempo-worker,juju_charm=tempo-worker,juju_model=cos,juju_model_uuid=00000000-0000-4000-8000-000000000000,juju_unit=tempo-worker/0",
      OTEL_TRACES_EXPORTER: "otlp",
    });
  });

  it("forwards logs to every Loki endpoint, named after the endpoint", () => {
    const targets = workerLayer({ ...base, lokiEndpoints: { "loki/1": "http://b/push", "loki/0": "http://a/push" } })["log-targets"];
    expect(Object.keys(targets ?? {})).toEqual(["forward-loki-0", "forward-loki-1"]);
    expect(targets?.["forward-loki-1"]).toMatchObject({ override: "replace", type: "loki", location: "http://b/push", services: ["all"] });
  });

  it("switches off a log target it added before that is no longer wanted", () => {
    const targets = workerLayer({ ...base, existingLogTargets: { "forward-loki-0": "http://a/push" } })["log-targets"];
    expect(targets).toEqual({ "forward-loki-0": { override: "replace", type: "loki", location: "http://a/push", services: [] } });
  });

  it("has no log targets section without Loki", () => {
    expect(workerLayer(base)["log-targets"]).toBeUndefined();
  });
});
