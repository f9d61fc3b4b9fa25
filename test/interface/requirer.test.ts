import { describe, expect, it } from "vitest";
import { readProviderDatabag, requirerAppDatabag, requirerUnitDatabag } from "../../src/interface/requirer.js";
import { json } from "./worker-relations.js";

const topology = { model: "cos", model_uuid: "u-1", application: "w", unit: "w/0", charm_name: "tempo-worker-k8s" };

describe("what a worker publishes", () => {
  it("publishes its one role, JSON-encoded", () => {
    expect(requirerAppDatabag("query-frontend")).toEqual({ role: '"query-frontend"' });
  });

  it("publishes all five topology fields and its bare FQDN", () => {
    expect(requirerUnitDatabag({ topology, address: "w-0.w-endpoints.cos.svc.cluster.local" })).toEqual({
      kind: "valid",
      data: {
        address: '"w-0.w-endpoints.cos.svc.cluster.local"',
        juju_topology: '{"application":"w","charm_name":"tempo-worker-k8s","model":"cos","model_uuid":"u-1","unit":"w/0"}',
      },
    });
  });

  it("refuses to publish a URL or host:port, and says which bare host to publish", () => {
    expect(requirerUnitDatabag({ topology, address: "http://w-0.local:3200" })).toEqual({
      kind: "invalid",
      reasons: ['address: "http://w-0.local:3200" is not a bare host; publish "w-0.local"'],
    });
  });

  it("refuses to publish an address that is not a host at all", () => {
    const built = requirerUnitDatabag({ topology, address: "w 0" });
    expect(built).toEqual({ kind: "invalid", reasons: ['address: "w 0" contains whitespace or a control character'] });
  });

  it("refuses to publish a topology with an empty field", () => {
    const built = requirerUnitDatabag({ topology: { ...topology, charm_name: "" }, address: "w-0.local" });
    expect(built.kind).toBe("invalid");
    if (built.kind === "invalid") expect(built.reasons[0]).toMatch(/^topology\.charm_name: /);
  });
});

describe("reading the coordinator's databag", () => {
  it("gives the worker_config text byte for byte and its parsed mapping", () => {
    const text = "server:\n  http_listen_port: 3200\nmemberlist:\n  join_members: [a:7946]\n";
    const parsed = readProviderDatabag({ worker_config: json(text) });
    expect(parsed.kind).toBe("valid");
    if (parsed.kind !== "valid") return;
    expect(parsed.data.workerConfig).toEqual({
      text,
      mapping: { server: { http_listen_port: 3200 }, memberlist: { join_members: ["a:7946"] } },
    });
  });

  it("groups TLS data, ports, receivers, remote-write and Loki endpoints", () => {
    const parsed = readProviderDatabag({
      worker_config: json("a: 1"),
      ca_cert: json("CA"),
      server_cert: json("CERT"),
      privkey_secret_id: json("secret:abc"),
      s3_tls_ca_chain: json("S3 CA"),
      worker_ports: json([3200, 7946]),
      charm_tracing_receivers: json({ otlp_http: "http://c:4318" }),
      workload_tracing_receivers: json({ otlp_grpc: "c:4317" }),
      remote_write_endpoints: json([{ url: "http://p/api/v1/write" }]),
      loki_endpoints: json({ "loki/0": "http://l/loki/api/v1/push" }),
    });
    expect(parsed).toEqual({
      kind: "valid",
      data: {
        workerConfig: { text: "a: 1", mapping: { a: 1 } },
        tls: { caCert: "CA", serverCert: "CERT", privkeySecretId: "secret:abc" },
        s3TlsCaCert: "S3 CA",
        workerPorts: [3200, 7946],
        charmTracingReceivers: { otlp_http: "http://c:4318" },
        workloadTracingReceivers: { otlp_grpc: "c:4317" },
        remoteWriteEndpoints: [{ url: "http://p/api/v1/write" }],
        lokiEndpoints: { "loki/0": "http://l/loki/api/v1/push" },
      },
    });
  });

  it.each([
    ["a scalar", "foo"],
    ["a list", "- a\n- b"],
    ["an empty document", ""],
  ])("rejects a worker_config that is %s, not a mapping", (_name, text) => {
    expect(readProviderDatabag({ worker_config: json(text) })).toEqual({
      kind: "invalid",
      reasons: ["worker_config: is not a YAML mapping (a Tempo configuration is a mapping of sections)"],
    });
  });

  it("rejects a worker_config that is not YAML", () => {
    const parsed = readProviderDatabag({ worker_config: json("a: [1, 2") });
    expect(parsed.kind).toBe("invalid");
    if (parsed.kind === "invalid") expect(parsed.reasons[0]).toMatch(/^worker_config: is not valid YAML: /);
  });

  it("rejects a worker_config with a duplicate key, which YAML forbids", () => {
    const parsed = readProviderDatabag({ worker_config: json("a: 1\na: 2\n") });
    expect(parsed.kind).toBe("invalid");
  });

  it("says absent before the coordinator has published anything", () => {
    expect(readProviderDatabag({})).toEqual({ kind: "absent" });
  });
});
