/**
 * The `tracing` provider: requests from related charms turn receivers on, the URLs go back to them,
 * and the workers learn where to send their own traces.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { coordinatorCharm, createCoordinatorCharm } from "../../../src/charms/coordinator/charm.js";
import type { CoordinatorIntegration } from "../../../src/charms/coordinator/integrations.js";
import { tracingIntegration } from "../../../src/charms/coordinator/integrations/tracing.js";
import { applicationServiceHost } from "../../../src/charms/coordinator/front-door.js";
import {
  ingestApplication,
  receiverUrl,
  tracingProviderBag,
} from "../../../src/charms/coordinator/integrations/tracing-receivers.js";
import { parseTracingRequest } from "../../../src/charms/coordinator/integrations/tracing-requests.js";
import { type RegularRelationState, type State, on, relation, run } from "../../../src/testing/index.js";
import { validateTempoConfigText } from "../../../src/tempo/validate.js";
import {
  bagOf,
  coordinatorState,
  distributed,
  jsonKey,
  relationSets,
  s3,
  workerConfig,
  workerConfigText,
  workers,
} from "./tracing-fixtures.js";

const charm = createCoordinatorCharm([tracingIntegration({ isTlsEnabled: () => false })]);
/** The coordinator's own service: its nginx is the front door to the distributors. */
const FRONT_DOOR = "tempo.cos.svc.cluster.local";

function tracingClient(id: number, app: string, receivers: string | undefined): RegularRelationState {
  return relation({
    id,
    endpoint: "tracing",
    interface: "tracing",
    remoteApp: app,
    remoteAppData: receivers === undefined ? {} : { receivers },
  });
}

const receiversIn = (state: State, id: number) => Object.keys(workerConfig(state, id).distributor.receivers ?? {}).sort();
const otlpProtocols = (state: State, id: number) =>
  Object.keys(workerConfig(state, id).distributor.receivers.otlp?.protocols ?? {}).sort();

describe("reading a tracing request", () => {
  it("is absent while the requirer has written nothing", () => {
    expect(parseTracingRequest({})).toEqual({ kind: "absent" });
  });

  it("keeps the protocols Tempo runs and sets the unknown ones apart, sorted and de-duplicated", () => {
    const parsed = parseTracingRequest({ receivers: '["zipkin", "otlp_grpc", "jaeger_thrift_compact", "zipkin"]' });
    expect(parsed).toEqual({ kind: "valid", data: { supported: ["otlp_grpc", "zipkin"], unsupported: ["jaeger_thrift_compact"] } });
  });

  it("reads the same request whatever order and repetition the names come in", () => {
    const names = fc.array(fc.constantFrom("otlp_grpc", "otlp_http", "zipkin", "jaeger_grpc", "jaeger_thrift_compact", "opencensus"));
    fc.assert(
      fc.property(names, (list) => {
        const reversed = [...list, ...list].reverse();
        expect(parseTracingRequest({ receivers: JSON.stringify(reversed) })).toEqual(
          parseTracingRequest({ receivers: JSON.stringify(list) }),
        );
      }),
    );
  });

  it("refuses a value that is not JSON", () => {
    expect(parseTracingRequest({ receivers: "otlp_grpc" })).toEqual({ kind: "invalid", reasons: ["receivers is not JSON"] });
  });

  it("refuses JSON that is not a list of names", () => {
    expect(parseTracingRequest({ receivers: '{"otlp_grpc": true}' }).kind).toBe("invalid");
    expect(parseTracingRequest({ receivers: "[4317]" }).kind).toBe("invalid");
  });
});

describe("receiver URLs", () => {
  const endpoint = { host: FRONT_DOOR, scheme: "http" as const };

  it("gives gRPC receivers as host:port, without a scheme", () => {
    expect(receiverUrl("otlp_grpc", endpoint)).toBe(`${FRONT_DOOR}:4317`);
    expect(receiverUrl("jaeger_grpc", endpoint)).toBe(`${FRONT_DOOR}:14250`);
  });

  it("gives HTTP receivers a scheme that follows TLS", () => {
    expect(receiverUrl("otlp_http", endpoint)).toBe(`http://${FRONT_DOOR}:4318`);
    expect(receiverUrl("zipkin", { ...endpoint, scheme: "https" })).toBe(`https://${FRONT_DOOR}:9411`);
  });

  it("publishes each receiver with its protocol name and transport, sorted by protocol", () => {
    const bag = tracingProviderBag(["zipkin", "otlp_grpc"], endpoint);
    expect(JSON.parse(bag.receivers)).toEqual([
      { protocol: { name: "otlp_grpc", type: "grpc" }, url: `${FRONT_DOOR}:4317` },
      { protocol: { name: "zipkin", type: "http" }, url: `http://${FRONT_DOOR}:9411` },
    ]);
  });

  it("names the Kubernetes service Juju creates for an application", () => {
    expect(applicationServiceHost("tempo", "cos")).toBe(FRONT_DOOR);
  });

  it("sends traces to a dedicated distributor before an all node, and to neither without units", () => {
    const all = { app: "tempo-all", role: "all" as const, unitCount: 1 };
    const distributor = { app: "tempo-distributor", role: "distributor" as const, unitCount: 1 };
    expect(ingestApplication([all, distributor])).toBe("tempo-distributor");
    expect(ingestApplication([all, { ...distributor, unitCount: 0 }])).toBe("tempo-all");
    expect(ingestApplication([{ app: "tempo-querier", role: "querier", unitCount: 1 }])).toBeUndefined();
  });
});

describe("the coordinator with tracing clients", () => {
  it("enables a requested receiver in the Tempo config and on the distributor's ports only", async () => {
    const state = coordinatorState([...distributed(), s3(), tracingClient(10, "otel-app", '["otlp_grpc"]')]);
    const result = await run(charm, on.relationChanged({ id: 10 }), state);
    expect(otlpProtocols(result.state, 2)).toEqual(["grpc", "http"]);
    expect(jsonKey(result.state, 2, "worker_ports")).toEqual([3200, 4317, 4318, 7946]);
    expect(jsonKey(result.state, 4, "worker_ports")).toEqual([3200, 7946]);
    expect(validateTempoConfigText(workerConfigText(result.state, 2), "2.7")).toEqual([]);
    expect(result.state.unitStatus.status).toBe("active");
  });

  it("adds requested receivers to the ports of an all node", async () => {
    const state = coordinatorState([workers(1, "tempo-worker", "all", [0]), tracingClient(10, "otel-app", '["zipkin", "jaeger_grpc"]')]);
    const result = await run(charm, on.relationChanged({ id: 10 }), state);
    expect(receiversIn(result.state, 1)).toEqual(["jaeger", "otlp", "zipkin"]);
    expect(jsonKey(result.state, 1, "worker_ports")).toEqual([3200, 4318, 7946, 9096, 9411, 14250]);
  });

  it("answers every tracing relation with the URL of every enabled receiver at the front door", async () => {
    const state = coordinatorState([
      ...distributed(),
      s3(),
      tracingClient(10, "otel-app", '["otlp_grpc"]'),
      tracingClient(11, "grafana-agent", '["otlp_http"]'),
    ]);
    const result = await run(charm, on.relationChanged({ id: 10 }), state);
    const expected = [
      { protocol: { name: "otlp_grpc", type: "grpc" }, url: `${FRONT_DOOR}:4317` },
      { protocol: { name: "otlp_http", type: "http" }, url: `http://${FRONT_DOOR}:4318` },
    ];
    expect(jsonKey(result.state, 10, "receivers")).toEqual(expected);
    expect(jsonKey(result.state, 11, "receivers")).toEqual(expected);
  });

  it("tells the workers to send charm traces over OTLP HTTP and Tempo's own traces over OTLP", async () => {
    const state = coordinatorState([...distributed(), s3(), tracingClient(10, "otel-app", '["otlp_grpc", "zipkin"]')]);
    const result = await run(charm, on.relationChanged({ id: 10 }), state);
    for (const id of [1, 2, 3, 4, 5]) {
      expect(jsonKey(result.state, id, "charm_tracing_receivers")).toEqual({ otlp_http: `http://${FRONT_DOOR}:4318` });
      expect(jsonKey(result.state, id, "workload_tracing_receivers")).toEqual({
        otlp_grpc: `${FRONT_DOOR}:4317`,
        otlp_http: `http://${FRONT_DOOR}:4318`,
      });
    }
  });

  it("runs the operator's receivers and publishes them while a client has asked for nothing yet", async () => {
    const state = coordinatorState([...distributed(), s3(), tracingClient(10, "otel-app", undefined)]);
    const result = await run(charm, on.relationCreated({ id: 10 }), state);
    expect(otlpProtocols(result.state, 2)).toEqual(["http"]);
    expect(jsonKey(result.state, 10, "receivers")).toEqual([
      { protocol: { name: "otlp_http", type: "http" }, url: `http://${FRONT_DOOR}:4318` },
    ]);
  });

  it("turns a receiver off again and closes its port when the client that wanted it leaves", async () => {
    const client = tracingClient(10, "otel-app", '["otlp_grpc"]');
    const first = await run(charm, on.relationChanged({ id: 10 }), coordinatorState([...distributed(), s3(), client]));
    expect(otlpProtocols(first.state, 2)).toEqual(["grpc", "http"]);
    const broken = await run(charm, on.relationBroken({ id: 10 }), first.state);
    expect(otlpProtocols(broken.state, 2)).toEqual(["http"]);
    expect(jsonKey(broken.state, 2, "worker_ports")).toEqual([3200, 4318, 7946]);
    expect(jsonKey(broken.state, 2, "workload_tracing_receivers")).toEqual({ otlp_http: `http://${FRONT_DOOR}:4318` });
  });

  it("ignores unknown protocols, names them in the status and still enables the known ones", async () => {
    const state = coordinatorState([...distributed(), s3(), tracingClient(10, "otel-app", '["otlp_grpc", "carrier_pigeon"]')]);
    const result = await run(charm, on.relationChanged({ id: 10 }), state);
    expect(result.state.unitStatus).toEqual({
      status: "active",
      message: "7 workers in 5 applications; traces received by tempo-distributor (1 unit); otel-app asked for tracing protocols Tempo does not support: carrier_pigeon (ignored)",
    });
    expect(otlpProtocols(result.state, 2)).toEqual(["grpc", "http"]);
  });

  it("notes a client whose request is not JSON on an active cluster, and keeps serving it", async () => {
    const state = coordinatorState([...distributed(), s3(), tracingClient(10, "otel-app", "otlp_grpc")]);
    const result = await run(charm, on.relationChanged({ id: 10 }), state);
    expect(result.state.unitStatus).toEqual({
      status: "active",
      message:
        "7 workers in 5 applications; otel-app sent an unusable tracing request (receivers is not JSON); its traces are not received (fix otel-app, or: juju remove-relation tempo:tracing otel-app)",
    });
    expect(otlpProtocols(result.state, 2)).toEqual(["http"]);
    expect(jsonKey(result.state, 10, "receivers")).toHaveLength(1);
  });

  it("publishes no URL while no worker runs the distributor", async () => {
    const state = coordinatorState([workers(4, "tempo-querier", "querier", [0]), s3(), tracingClient(10, "otel-app", '["otlp_grpc"]')]);
    const result = await run(charm, on.relationChanged({ id: 10 }), state);
    expect(bagOf(result.state, 10)).toEqual({});
  });

  it("withdraws the URLs when the distributor goes away", async () => {
    const client = tracingClient(10, "otel-app", '["otlp_grpc"]');
    const first = await run(charm, on.relationChanged({ id: 10 }), coordinatorState([...distributed(), s3(), client]));
    expect(jsonKey(first.state, 10, "receivers")).toHaveLength(2);
    const gone = await run(charm, on.relationBroken({ id: 2 }), first.state);
    expect(jsonKey(gone.state, 10, "receivers")).toBeUndefined();
  });

  it("says in its status which application receives the clients' traces, and that none does once the distributor is gone", async () => {
    const client = tracingClient(10, "otel-app", '["otlp_grpc"]');
    const first = await run(charm, on.relationChanged({ id: 10 }), coordinatorState([...distributed(), s3(), client]));
    expect(first.state.unitStatus.message).toMatch(/; traces received by tempo-distributor \(1 unit\)$/);
    const gone = await run(charm, on.relationBroken({ id: 2 }), first.state);
    expect(gone.state.unitStatus).toMatchObject({ status: "blocked" });
    expect(gone.state.unitStatus.message).toMatch(/no trace receiver runs until a distributor joins/);
  });

  it("lets a non-leader read requests without writing to any tracing relation", async () => {
    const state = coordinatorState([...distributed(), s3(), tracingClient(10, "otel-app", '["otlp_grpc"]')], {
      leader: false,
      unitId: 1,
    });
    const result = await run(charm, on.relationChanged({ id: 10 }), state);
    expect(relationSets(result)).toEqual([]);
    expect(bagOf(result.state, 10)).toEqual({});
  });

  it("writes nothing the second time it sees the same requests", async () => {
    const state = coordinatorState([...distributed(), s3(), tracingClient(10, "otel-app", '["otlp_grpc"]')]);
    const first = await run(charm, on.relationChanged({ id: 10 }), state);
    const second = await run(charm, on.updateStatus(), first.state);
    expect(relationSets(second)).toEqual([]);
  });

  it("gives https URLs once internal TLS is on", async () => {
    const tls: CoordinatorIntegration = {
      name: "tls-for-test",
      gather: () => ({ tls: { caCert: "CA", serverCert: "CERT", privkeySecretId: "secret:0123456789abcdefghij", serverName: FRONT_DOOR } }),
    };
    const withTls = createCoordinatorCharm([tls, tracingIntegration({ isTlsEnabled: () => true })]);
    const state = coordinatorState([...distributed(), s3(), tracingClient(10, "otel-app", '["otlp_grpc"]')]);
    const result = await run(withTls, on.relationChanged({ id: 10 }), state);
    expect(jsonKey(result.state, 10, "receivers")).toEqual([
      { protocol: { name: "otlp_grpc", type: "grpc" }, url: `${FRONT_DOOR}:4317` },
      { protocol: { name: "otlp_http", type: "http" }, url: `https://${FRONT_DOOR}:4318` },
    ]);
    expect(jsonKey(result.state, 2, "charm_tracing_receivers")).toEqual({ otlp_http: `https://${FRONT_DOOR}:4318` });
    expect(workerConfig(result.state, 2).distributor.receivers.otlp.protocols.http.tls).toBeDefined();
  });

  it("is part of the shipped coordinator", async () => {
    const state = coordinatorState([...distributed(), s3(), tracingClient(10, "otel-app", '["zipkin"]')]);
    const result = await run(coordinatorCharm, on.relationChanged({ id: 10 }), state);
    expect(jsonKey(result.state, 10, "receivers")).toContainEqual({
      protocol: { name: "zipkin", type: "http" },
      url: `http://${FRONT_DOOR}:9411`,
    });
    expect(jsonKey(result.state, 2, "worker_ports")).toContain(9411);
  });
});
