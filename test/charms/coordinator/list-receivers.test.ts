/**
 * `juju run tempo/0 list-receivers`: one key per enabled receiver, at the cluster's front door.
 */
import { describe, expect, it } from "vitest";
import { coordinatorCharm } from "../../../src/charms/coordinator/charm.js";
import { listReceiversResults } from "../../../src/charms/coordinator/list-receivers.js";
import { frontDoor } from "../../../src/charms/coordinator/front-door.js";
import { on, relation, run } from "../../../src/testing/index.js";
import { coordinatorState, distributed, s3 } from "./tracing-fixtures.js";

const traefik = (data: Record<string, string>) =>
  relation({ id: 20, endpoint: "ingress", interface: "traefik_route", remoteApp: "traefik", remoteAppData: data });

describe("list-receivers", () => {
  it("names each enabled receiver with dashes, HTTP ones with a scheme and gRPC ones as host:port", async () => {
    const state = coordinatorState([...distributed(), s3()], { config: { always_enable_jaeger_grpc: true, always_enable_zipkin: true } });
    const result = await run(coordinatorCharm, on.action("list-receivers"), state);
    expect(result.action).toEqual({
      results: {
        "jaeger-grpc": "tempo.cos.svc.cluster.local:14250",
        "otlp-http": "http://tempo.cos.svc.cluster.local:4318",
        zipkin: "http://tempo.cos.svc.cluster.local:9411",
      },
      logs: [],
    });
  });

  it("gives the ingress address once Traefik has said where it listens", async () => {
    const state = coordinatorState([...distributed(), s3(), traefik({ external_host: "10.0.0.5", scheme: "https" })], {
      config: { always_enable_otlp_grpc: true },
    });
    const result = await run(coordinatorCharm, on.action("list-receivers"), state);
    expect(result.action?.results).toEqual({ "otlp-grpc": "10.0.0.5:4317", "otlp-http": "https://10.0.0.5:4318" });
  });

  it("fails with the reason while the cluster cannot receive traces", async () => {
    const state = coordinatorState([s3()]);
    const result = await run(coordinatorCharm, on.action("list-receivers"), state);
    expect(result.action?.results).toEqual({});
    expect(result.action?.failure).toMatch(/^no receiver is reachable yet: /);
  });

  it("follows TLS in the scheme of HTTP receivers", () => {
    const door = frontDoor({ appName: "tempo", modelName: "cos", isTls: true });
    expect(listReceiversResults(["otlp_http", "jaeger_thrift_http"], door)).toEqual({
      "jaeger-thrift-http": "https://tempo.cos.svc.cluster.local:14268",
      "otlp-http": "https://tempo.cos.svc.cluster.local:4318",
    });
  });

  it("is refused by the harness, as by Juju, when the charm does not declare the action", async () => {
    await expect(run(coordinatorCharm, on.action("restart"), coordinatorState([s3()]))).rejects.toThrow(/action "restart"/);
  });
});
