import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { createCoordinatorCharm } from "../../../src/charms/coordinator/charm.js";
import {
  type CoordinatorIntegration,
  type CoordinatorOutcome,
  combineIntegrationInputs,
} from "../../../src/charms/coordinator/integrations.js";
import { requirerAppDatabag } from "../../../src/interface/requirer.js";
import { on, peerRelation, relation, run } from "../../../src/testing/index.js";
import { S3_FIXTURE, workerUnitData } from "./fixtures.js";

const TLS = { caCert: "CA", serverCert: "CERT", privkeySecretId: "secret:0123456789abcdefghij", serverName: "tempo.cos.svc" };

describe("combining what integrations contribute", () => {
  it("is NO_INTEGRATIONS-shaped when nothing is contributed", () => {
    expect(combineIntegrationInputs([])).toEqual({ requestedReceivers: [], remoteWrite: [], problems: [] });
  });

  it("unions receivers and remote-write endpoints, sorted and without duplicates, whatever the order", () => {
    const a = { requestedReceivers: ["zipkin", "otlp_grpc"] as const, remoteWrite: [{ url: "http://b" }] };
    const b = { requestedReceivers: ["otlp_grpc"] as const, remoteWrite: [{ url: "http://a" }, { url: "http://b" }] };
    const combined = combineIntegrationInputs([a, b]);
    expect(combined.requestedReceivers).toEqual(["otlp_grpc", "zipkin"]);
    expect(combined.remoteWrite.map((endpoint) => endpoint.url)).toEqual(["http://a", "http://b"]);
    expect(combineIntegrationInputs([b, a])).toEqual(combined);
  });

  it("keeps the TLS material and the endpoint maps an integration supplies", () => {
    const combined = combineIntegrationInputs([{ tls: TLS }, { lokiEndpoints: { "loki/0": "http://loki/push" } }]);
    expect(combined.tls).toEqual(TLS);
    expect(combined.lokiEndpoints).toEqual({ "loki/0": "http://loki/push" });
  });
});

describe("an integration plugged into the coordinator", () => {
  const cluster = relation({
    id: 1,
    endpoint: "tempo-cluster",
    remoteApp: "tempo-worker",
    remoteAppData: requirerAppDatabag("all"),
    remoteUnitsData: { "0": workerUnitData("tempo-worker", 0) },
  });
  const state = {
    leader: true,
    relations: [
      cluster,
      relation({ id: 2, endpoint: "s3", remoteApp: "s3", remoteAppData: { ...S3_FIXTURE } }),
      peerRelation({ id: 3, endpoint: "peers" }),
    ],
  };

  it("feeds TLS, receivers and Loki into every published databag and the Tempo config", async () => {
    const outcomes: CoordinatorOutcome[] = [];
    const integration: CoordinatorIntegration = {
      name: "test",
      gather: () => ({ tls: TLS, requestedReceivers: ["otlp_grpc"], lokiEndpoints: { "loki/0": "http://loki:3100/push" } }),
      apply: (_model, outcome) => {
        outcomes.push(outcome);
      },
    };
    const result = await run(createCoordinatorCharm([integration]), on.configChanged(), state);
    const bag = result.state.relations.find((candidate) => candidate.id === 1)?.localAppData ?? {};
    expect(JSON.parse(bag.ca_cert ?? "null")).toBe("CA");
    expect(JSON.parse(bag.server_cert ?? "null")).toBe("CERT");
    expect(JSON.parse(bag.privkey_secret_id ?? "null")).toBe(TLS.privkeySecretId);
    expect(JSON.parse(bag.loki_endpoints ?? "null")).toEqual({ "loki/0": "http://loki:3100/push" });
    expect(JSON.parse(bag.worker_ports ?? "null")).toEqual([3200, 4317, 4318, 7946, 9096]);
    const config = YAML.parse(JSON.parse(bag.worker_config ?? '""') as string);
    expect(config.memberlist.tls_enabled).toBe(true);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ isLeader: true, enabledReceivers: ["otlp_grpc", "otlp_http"], publishedRelationIds: [1] });
    // The first publication: every key written, none there before.
    expect(outcomes[0]?.workerBagChanges.map((change) => change.relationId)).toEqual([1]);
    expect(outcomes[0]?.workerBagChanges[0]?.changed.privkey_secret_id).toEqual({ after: bag.privkey_secret_id });
    expect(Object.keys(outcomes[0]?.workerBagChanges[0]?.changed ?? {})).toEqual(Object.keys(bag).sort());
  });

  it("shows an integration's problem in the status", async () => {
    const integration: CoordinatorIntegration = {
      name: "test",
      gather: () => ({ problems: [{ severity: "waiting", message: "waiting for a certificate" }] }),
    };
    const result = await run(createCoordinatorCharm([integration]), on.configChanged(), state);
    expect(result.state.unitStatus).toEqual({ status: "waiting", message: "waiting for a certificate" });
  });
});
