import { describe, expect, it } from "vitest";
import {
  decodeProviderAppDatabag,
  decodeRequirerAppDatabag,
  decodeRequirerUnitDatabag,
  encodeDatabag,
  encodeProviderAppData,
  encodeRequirerUnitData,
} from "../../src/interface/databag-codec.js";
import { canonicalJson } from "../../src/interface/canonical-json.js";
import { json, unitData } from "./worker-relations.js";

describe("canonicalJson", () => {
  it("sorts object keys at every depth and writes no whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });

  it("keeps a key named __proto__ as an ordinary key", () => {
    expect(canonicalJson(JSON.parse('{"__proto__":"x","a":1}'))).toBe('{"__proto__":"x","a":1}');
  });
});

describe("encoding", () => {
  it("JSON-encodes every value, a string with its quotes", () => {
    expect(encodeDatabag({ role: "querier" })).toEqual({ role: '"querier"' });
  });

  it("leaves undefined fields out, so an unset optional field is an absent key", () => {
    expect(encodeProviderAppData({ worker_config: "a: 1", ca_cert: undefined })).toEqual({ worker_config: '"a: 1"' });
  });

  it("writes the same bytes whatever order the data was built in", () => {
    const topologyFirst = encodeRequirerUnitData({
      juju_topology: { application: "w", unit: "w/0", charm_name: "c", model: "cos" },
      address: "w-0.local",
    });
    const shuffled = encodeRequirerUnitData({
      address: "w-0.local",
      juju_topology: { model: "cos", charm_name: "c", unit: "w/0", application: "w" },
    });
    expect(shuffled).toEqual(topologyFirst);
    expect(topologyFirst.juju_topology).toBe('{"application":"w","charm_name":"c","model":"cos","unit":"w/0"}');
  });

  it("writes the S3 CA under both the published key and the Python charms' key", () => {
    const bag = encodeProviderAppData({ worker_config: "a: 1", s3_tls_ca_cert: "PEM" });
    expect(bag.s3_tls_ca_cert).toBe(json("PEM"));
    expect(bag.s3_tls_ca_chain).toBe(json("PEM"));
  });
});

describe("decoding", () => {
  it("reads a databag written by the Python charms (spaced JSON, extra keys)", () => {
    const parsed = decodeRequirerUnitDatabag({
      juju_topology: '{"application": "tempo-worker", "unit": "tempo-worker/0", "charm_name": "tempo-worker-k8s"}',
      address: '"tempo-worker-0.tempo-worker-endpoints.cos.svc.cluster.local"',
    });
    expect(parsed).toEqual({
      kind: "valid",
      data: {
        juju_topology: { application: "tempo-worker", unit: "tempo-worker/0", charm_name: "tempo-worker-k8s" },
        address: "tempo-worker-0.tempo-worker-endpoints.cos.svc.cluster.local",
      },
    });
  });

  it("ignores Juju's own unit keys", () => {
    const parsed = decodeRequirerUnitDatabag(unitData("w", 0));
    expect(parsed.kind).toBe("valid");
  });

  it("treats a databag holding only Juju's own keys as absent", () => {
    expect(decodeRequirerUnitDatabag({ "ingress-address": "10.0.0.1", "private-address": "10.0.0.1", "egress-subnets": "10.0.0.1/32" })).toEqual({
      kind: "absent",
    });
  });

  it("ignores unknown keys, even when they are not JSON", () => {
    expect(decodeRequirerAppDatabag({ role: json("all"), "something-else": "{not json" })).toEqual({ kind: "valid", data: { role: "all" } });
  });

  it("tolerates and ignores the Python coordinator's worker_labels", () => {
    const parsed = decodeProviderAppDatabag({ worker_config: json("a: 1"), worker_labels: json({ "app.kubernetes.io/part-of": "tempo" }) });
    expect(parsed).toEqual({ kind: "valid", data: { worker_config: "a: 1" } });
  });

  it("falls back to s3_tls_ca_chain when s3_tls_ca_cert is absent", () => {
    const parsed = decodeProviderAppDatabag({ worker_config: json("a: 1"), s3_tls_ca_chain: json("PYTHON PEM") });
    expect(parsed).toEqual({ kind: "valid", data: { worker_config: "a: 1", s3_tls_ca_cert: "PYTHON PEM" } });
  });

  it("prefers s3_tls_ca_cert over s3_tls_ca_chain when both are present", () => {
    const parsed = decodeProviderAppDatabag({ worker_config: json("a: 1"), s3_tls_ca_cert: json("SPEC"), s3_tls_ca_chain: json("PYTHON") });
    expect(parsed).toEqual({ kind: "valid", data: { worker_config: "a: 1", s3_tls_ca_cert: "SPEC" } });
  });

  it("reports every problem of an invalid databag, not only the first", () => {
    const parsed = decodeProviderAppDatabag({ worker_config: "not json", worker_ports: json(["3200"]), ca_cert: json(1) });
    expect(parsed).toEqual({
      kind: "invalid",
      reasons: [
        'worker_config: "not json" is not JSON (every tempo_cluster value is JSON-encoded)',
        "ca_cert: expected a string, got an integer",
        "worker_ports.0: expected an integer, got a string",
      ],
    });
  });

  it("makes the databag invalid when an optional key is not JSON", () => {
    const parsed = decodeProviderAppDatabag({ worker_config: json("a: 1"), loki_endpoints: "{" });
    expect(parsed).toEqual({ kind: "invalid", reasons: ['loki_endpoints: "{" is not JSON (every tempo_cluster value is JSON-encoded)'] });
  });

  it("says a required key is missing when only optional keys are present", () => {
    expect(decodeProviderAppDatabag({ worker_ports: json([3200]) })).toEqual({ kind: "invalid", reasons: ["worker_config: is missing"] });
  });
});
