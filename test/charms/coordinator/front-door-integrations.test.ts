/**
 * The integrations users reach the cluster by (grafana-source, receive-datasource, tempo-api,
 * catalogue, ingress), all naming the front door, and what a bad neighbour costs: a status line.
 */
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { coordinatorCharm } from "../../../src/charms/coordinator/charm.js";
import { correlationExtraFields, parseGrafanaAnswer } from "../../../src/charms/coordinator/integrations/grafana-datasources.js";
import { ingressRouteBag } from "../../../src/charms/coordinator/integrations/ingress-route.js";
import { parseIngressAddress } from "../../../src/charms/coordinator/integrations/ingress-address.js";
import { DEFAULT_UNIT_BAG, type RegularRelationState, on, peerRelation, relation, run } from "../../../src/testing/index.js";
import { MODEL_UUID, nginxContainer } from "./fixtures.js";
import { bagOf, coordinatorState, distributed, s3 } from "./tracing-fixtures.js";

const SERVICE = "tempo.cos.svc.cluster.local";

const neighbour = (id: number, endpoint: string, iface: string, app: string, appData: Record<string, string> = {}) =>
  relation({ id, endpoint, interface: iface, remoteApp: app, remoteAppData: appData });
const grafana = (appData: Record<string, string> = {}) => neighbour(30, "grafana-source", "grafana_datasource", "grafana", appData);
const traefik = (appData: Record<string, string> = {}) => neighbour(20, "ingress", "traefik_route", "traefik", appData);
const GRAFANA_ANSWER = { grafana_uid: "grafana-1", datasource_uids: JSON.stringify({ "tempo/0": "tempo-ds-0" }) };

async function cluster(extra: RegularRelationState[], options: { leader?: boolean } = {}) {
  const state = coordinatorState([...distributed(), s3(), ...extra], { leader: options.leader ?? true, containers: [nginxContainer()] });
  return run(coordinatorCharm, on.updateStatus(), state);
}

describe("grafana-source", () => {
  it("registers Tempo as a tempo datasource at the coordinator's service", async () => {
    const result = await cluster([grafana()]);
    expect(JSON.parse(bagOf(result.state, 30).grafana_source_data!)).toEqual({
      model: "cos",
      model_uuid: MODEL_UUID,
      application: "tempo",
      type: "tempo",
      extra_fields: null,
      secure_extra_fields: null,
    });
    const unitBag = result.state.relations.find((candidate) => candidate.id === 30)?.localUnitData;
    expect(unitBag?.grafana_source_host).toBe(`http://${SERVICE}:3200`);
  });

  it("points Grafana at the ingress once Traefik has said where it listens", async () => {
    const result = await cluster([grafana(), traefik({ external_host: "traefik.example", scheme: "https" })]);
    const unitBag = result.state.relations.find((candidate) => candidate.id === 30)?.localUnitData;
    expect(unitBag?.grafana_source_host).toBe("https://traefik.example:3200");
  });

  it("shares the datasource UIDs Grafana made on receive-datasource, sorted by uid", async () => {
    const answer = { grafana_uid: "g1", datasource_uids: JSON.stringify({ "tempo/1": "ds-b", "tempo/0": "ds-a" }) };
    const result = await cluster([grafana(answer), neighbour(31, "receive-datasource", "grafana_datasource_exchange", "prometheus")]);
    expect(JSON.parse(bagOf(result.state, 31).datasources!)).toEqual([
      { type: "tempo", uid: "ds-a", grafana_uid: "g1" },
      { type: "tempo", uid: "ds-b", grafana_uid: "g1" },
    ]);
  });

  it("links traces to the metrics of the Prometheus Tempo writes to, in the same Grafana", async () => {
    const prometheusDatasources = JSON.stringify([{ type: "prometheus", uid: "prom-ds", grafana_uid: "grafana-1" }]);
    const result = await cluster([
      grafana(GRAFANA_ANSWER),
      neighbour(31, "receive-datasource", "grafana_datasource_exchange", "prometheus", { datasources: prometheusDatasources }),
      relation({
        id: 32,
        endpoint: "send-remote-write",
        interface: "prometheus_remote_write",
        remoteApp: "prometheus",
        remoteUnitsData: { "0": { ...DEFAULT_UNIT_BAG, remote_write: JSON.stringify({ url: "http://prometheus-0:9090/api/v1/write" }) } },
      }),
    ]);
    const extra = JSON.parse(bagOf(result.state, 30).grafana_source_data!).extra_fields;
    expect(extra.serviceMap).toEqual({ datasourceUid: "prom-ds" });
    expect(extra.tracesToMetrics.datasourceUid).toBe("prom-ds");
    expect(extra.tracesToLogsV2).toBeUndefined();
  });

  it("draws no link to a datasource in another Grafana or of an application Tempo does not write to", () => {
    const received = [
      { app: "prometheus", type: "prometheus", uid: "other-grafana", grafana_uid: "grafana-2" },
      { app: "elsewhere", type: "prometheus", uid: "not-ours", grafana_uid: "grafana-1" },
      { app: "loki", type: "loki", uid: "loki-ds", grafana_uid: "grafana-1" },
    ];
    expect(correlationExtraFields({ grafanaUids: ["grafana-1"], received, metricsApps: ["prometheus"], logsApps: [] })).toBeNull();
    const withLogs = correlationExtraFields({ grafanaUids: ["grafana-1"], received, metricsApps: [], logsApps: ["loki"] });
    expect(withLogs).toMatchObject({ httpMethod: "GET", tracesToLogsV2: { datasourceUid: "loki-ds" } });
  });

  it("notes a malformed grafana_uid on an active cluster and still serves Grafana the datasource", async () => {
    const result = await cluster([grafana({ grafana_uid: "{not a uid}", datasource_uids: "{}" })]);
    expect(result.state.unitStatus.status).toBe("active");
    expect(result.state.unitStatus.message).toContain(
      'grafana sent unusable grafana-source data (grafana_uid "{not a uid}" is malformed); Tempo\'s datasource UIDs from it are not shared on receive-datasource (fix grafana, or: juju remove-relation tempo:grafana-source grafana)',
    );
    expect(bagOf(result.state, 30).grafana_source_data).toBeDefined();
    expect(bagOf(result.state, 2).worker_config).toBeDefined();
  });

  it("reads datasource_uids that are not JSON as a bad answer", () => {
    expect(parseGrafanaAnswer({ grafana_uid: "g1", datasource_uids: "tempo/0=x" })).toEqual({
      kind: "invalid",
      reasons: ["datasource_uids is not JSON"],
    });
  });
});

describe("tempo-api and catalogue", () => {
  it("publishes the HTTP and gRPC API, direct and through the ingress", async () => {
    const api = neighbour(33, "tempo-api", "tempo_api", "grafana");
    const direct = await cluster([api]);
    expect(JSON.parse(bagOf(direct.state, 33).http!)).toEqual({ direct_url: `http://${SERVICE}:3200` });
    const ingressed = await cluster([api, traefik({ external_host: "10.0.0.7", scheme: "http" })]);
    expect(JSON.parse(bagOf(ingressed.state, 33).grpc!)).toEqual({
      direct_url: `http://${SERVICE}:9096`,
      ingress_url: "http://10.0.0.7:9096",
    });
  });

  it("lists the cluster once in the catalogue, at its API", async () => {
    const result = await cluster([neighbour(34, "catalogue", "catalogue", "catalogue")]);
    expect(bagOf(result.state, 34)).toMatchObject({
      name: "tempo",
      icon: "transit-connection-variant",
      url: `http://${SERVICE}:3200/memberlist`,
    });
  });

  it("leaves application data to the leader", async () => {
    const result = await cluster([neighbour(33, "tempo-api", "tempo_api", "grafana")], { leader: false });
    expect(bagOf(result.state, 33)).toEqual({});
  });
});

describe("ingress (traefik_route)", () => {
  it("opens an entry point for every Tempo port and balances each over every coordinator unit", async () => {
    const state = coordinatorState([...distributed(), s3(), traefik()], {
      relations: [
        ...distributed(),
        s3(),
        traefik(),
        peerRelation({ id: 99, endpoint: "peers", peersData: { "1": { fqdn: "tempo-1.tempo-endpoints.cos.svc.cluster.local" } } }),
      ],
    });
    const result = await run(coordinatorCharm, on.updateStatus(), state);
    const bag = bagOf(result.state, 20);
    expect(Object.keys(YAML.parse(bag.static!).entryPoints).sort()).toEqual([
      "jaeger-grpc",
      "jaeger-thrift-http",
      "otlp-grpc",
      "otlp-http",
      "tempo-grpc",
      "tempo-http",
      "zipkin",
    ]);
    const config = YAML.parse(bag.config!);
    expect(config.http.services["juju-cos-tempo-service-tempo-http"].loadBalancer.servers).toEqual([
      { url: "http://tempo-0.tempo-endpoints.cos.svc.cluster.local:3200" },
      { url: "http://tempo-1.tempo-endpoints.cos.svc.cluster.local:3200" },
    ]);
    expect(config.http.routers["juju-cos-tempo-otlp-grpc"]).toEqual({
      entryPoints: ["otlp-grpc"],
      service: "juju-cos-tempo-service-otlp-grpc",
      rule: "ClientIP(`0.0.0.0/0`)",
    });
    expect(config.http.middlewares).toBeUndefined();
  });

  it("speaks h2c to gRPC ports without TLS and redirects to https when Traefik is https", () => {
    const inputs = { appName: "tempo", modelName: "cos", unitFqdns: ["tempo-0.x"], isTls: false };
    const plain = YAML.parse(ingressRouteBag(inputs).config!);
    expect(plain.http.services["juju-cos-tempo-service-tempo-grpc"].loadBalancer.servers).toEqual([{ url: "h2c://tempo-0.x:9096" }]);
    const secure = YAML.parse(ingressRouteBag({ ...inputs, isTls: true, traefikScheme: "https" }).config!);
    expect(secure.http.services["juju-cos-tempo-service-tempo-grpc"].loadBalancer.servers).toEqual([{ url: "https://tempo-0.x:9096" }]);
    expect(secure.http.middlewares["juju-cos-tempo-middleware-zipkin"]).toEqual({
      redirectScheme: { permanent: true, port: 9411, scheme: "https" },
    });
    expect(secure.http.routers["juju-cos-tempo-zipkin"].middlewares).toEqual(["juju-cos-tempo-middleware-zipkin"]);
  });

  it("writes the same bytes for the same units in any order", () => {
    const one = ingressRouteBag({ appName: "tempo", modelName: "cos", unitFqdns: ["b", "a"], isTls: false });
    const two = ingressRouteBag({ appName: "tempo", modelName: "cos", unitFqdns: ["a", "b"], isTls: false });
    expect(one).toEqual(two);
  });

  it("refuses a Traefik address that is not a host, notes it on an active cluster, and keeps every URL on the service", async () => {
    expect(parseIngressAddress({ external_host: "evil.example/path", scheme: "https" }).kind).toBe("invalid");
    const result = await cluster([grafana(), traefik({ external_host: "http://x:1", scheme: "gopher" })]);
    expect(result.state.unitStatus).toEqual({
      status: "active",
      message:
        "7 workers in 5 applications; traefik sent an unusable ingress address (external_host is not a host name or IPv4 address, scheme is neither http nor https); URLs stay on the cluster's service (fix traefik, or: juju remove-relation tempo:ingress traefik)",
    });
    const unitBag = result.state.relations.find((candidate) => candidate.id === 30)?.localUnitData;
    expect(unitBag?.grafana_source_host).toBe(`http://${SERVICE}:3200`);
  });
});
