import { describe, expect, it } from "vitest";
import { targetsFor } from "../../src/tempo/key-sets.js";
import { validatePerTenantOverrides, validateTempoConfig, validateTempoConfigText } from "../../src/tempo/validate.js";

const minimal = { server: { http_listen_port: 3200 } };

describe("validateTempoConfig", () => {
  it("accepts a config whose keys all exist in the version's list", () => {
    expect(validateTempoConfig(minimal, "2.7")).toEqual([]);
  });

  it("names an unknown key by its full path", () => {
    const problems = validateTempoConfig({ storage: { trace: { s3: { bucket: "b", tls_enabled: true } } } }, "2.10");
    expect(problems).toEqual([{ path: "storage.trace.s3.tls_enabled", message: expect.stringMatching(/unknown key "tls_enabled"/) }]);
  });

  it("names an unknown key inside a list element with its index", () => {
    const config = { metrics_generator: { storage: { remote_write: [{ url: "http://a" }, { url: "http://b", urll: "x" }] } } };
    expect(validateTempoConfig(config, "2.7").map((problem) => problem.path)).toEqual(["metrics_generator.storage.remote_write[1].urll"]);
  });

  it("rejects a key that exists only in a later version (max_attribute_bytes on 2.7)", () => {
    expect(validateTempoConfig({ distributor: { max_attribute_bytes: 1 } }, "2.7").map((p) => p.path)).toEqual(["distributor.max_attribute_bytes"]);
    expect(validateTempoConfig({ distributor: { max_attribute_bytes: 1 } }, "2.8")).toEqual([]);
  });

  it("rejects a key removed in a later version (max_span_attr_byte on 2.8)", () => {
    expect(validateTempoConfig({ distributor: { max_span_attr_byte: 1 } }, "2.8").map((p) => p.path)).toEqual(["distributor.max_span_attr_byte"]);
  });

  it("accepts anything under a free-form map such as the receivers", () => {
    const config = { distributor: { receivers: { otlp: { protocols: { grpc: null, made_up: { x: 1 } } } } } };
    expect(validateTempoConfig(config, "2.9")).toEqual([]);
  });

  it("refuses a dotted key that would otherwise smuggle a nested path", () => {
    expect(validateTempoConfig({ ingester: { "lifecycler.ring": {} } }, "2.7").map((p) => p.path)).toEqual(["ingester.lifecycler.ring"]);
  });

  it("reports a null section, which Tempo would reset to its zero value", () => {
    expect(validateTempoConfig({ storage: { trace: { wal: null } } }, "2.7")).toEqual([
      { path: "storage.trace.wal", message: expect.stringMatching(/null/) },
    ]);
  });

  it("treats an undefined field as absent, as the renderer does", () => {
    expect(validateTempoConfig({ storage: { trace: { s3: { region: undefined, bucket: "b" } } } }, "2.7")).toEqual([]);
  });

  it("reports a scalar where a mapping belongs", () => {
    expect(validateTempoConfig({ server: 3200 }, "2.7")).toEqual([{ path: "server", message: expect.stringMatching(/expected a mapping/) }]);
  });

  it("checks the types of the values it knows", () => {
    const config = {
      server: { http_listen_port: "3200" },
      memberlist: { join_members: "a:7946", abort_if_cluster_join_fails: "no" },
      compactor: { compaction: { block_retention: "30 days" } },
      ingester: { lifecycler: { ring: { replication_factor: 0 } } },
      storage: { trace: { backend: "minio" } },
      querier: { frontend_worker: { frontend_address: "0.2.1" } },
    };
    expect(validateTempoConfig(config, "2.7").map((p) => p.path)).toEqual([
      "compactor.compaction.block_retention",
      "ingester.lifecycler.ring.replication_factor",
      "memberlist.abort_if_cluster_join_fails",
      "memberlist.join_members",
      "querier.frontend_worker.frontend_address",
      "server.http_listen_port",
      "storage.trace.backend",
    ]);
  });

  it("rejects vParquet2 on 2.10, where it was removed, and accepts it on 2.7", () => {
    const config = { storage: { trace: { block: { version: "vParquet2" } } } };
    expect(validateTempoConfig(config, "2.10").map((p) => p.path)).toEqual(["storage.trace.block.version"]);
    expect(validateTempoConfig(config, "2.7")).toEqual([]);
  });

  it("accepts overrides in the legacy flat form", () => {
    expect(validateTempoConfig({ overrides: { max_traces_per_user: 10 } }, "2.7")).toEqual([]);
  });

  it("reports an overrides typo at its new-format path rather than Tempo's misleading legacy error", () => {
    const problems = validateTempoConfig({ overrides: { defaults: { metrics_generator: { procesors: ["span-metrics"] } } } }, "2.7");
    expect(problems.map((p) => p.path)).toEqual(["overrides.defaults.metrics_generator.procesors"]);
  });

  it("rejects overrides that mix the new and the legacy form", () => {
    const problems = validateTempoConfig({ overrides: { defaults: {}, max_traces_per_user: 10 } }, "2.7");
    expect(problems.map((p) => p.path)).toEqual(["overrides.max_traces_per_user"]);
  });

  it("reports a config that is not a mapping", () => {
    expect(validateTempoConfig(["server"], "2.7")).toEqual([{ path: "", message: expect.stringMatching(/must be a mapping/) }]);
  });

  it("rejects the 2.x ingester block on 3.0", () => {
    expect(validateTempoConfig({ ingester: {} }, "3.0").map((p) => p.path)).toEqual(["ingester"]);
  });
});

describe("validateTempoConfigText", () => {
  it("validates parsed YAML", () => {
    expect(validateTempoConfigText("server:\n  http_listen_port: 3200\n  bogus: 1\n", "2.8").map((p) => p.path)).toEqual(["server.bogus"]);
  });

  it("reports a duplicate key as Tempo's strict decoder would", () => {
    expect(validateTempoConfigText("server: {}\nserver: {}\n", "2.7")).toEqual([
      { path: "", message: "not valid YAML: Map keys must be unique at line 2, column 1" },
    ]);
  });

  it("reports a document that is not a mapping", () => {
    expect(validateTempoConfigText("- a\n- b\n", "2.7")).toEqual([{ path: "", message: expect.stringMatching(/must be a mapping/) }]);
    expect(validateTempoConfigText("", "2.7")).toEqual([{ path: "", message: expect.stringMatching(/must be a mapping/) }]);
  });

  it("reads YAML 1.1 booleans as go-yaml v2 does", () => {
    expect(validateTempoConfigText("memberlist:\n  cluster_label: yes\n", "2.7").map((p) => p.path)).toEqual(["memberlist.cluster_label"]);
  });
});

describe("per-tenant overrides and targets", () => {
  it("accepts any tenant name, including the wildcard tenant", () => {
    expect(validatePerTenantOverrides({ overrides: { "*": { ingestion: { rate_limit_bytes: 1 } }, team_a: {} } }, "2.7")).toEqual([]);
  });

  it("reports an unknown per-tenant key under the tenant", () => {
    expect(validatePerTenantOverrides({ overrides: { team_a: { bogus: 1 } } }, "2.7").map((p) => p.path)).toEqual(["overrides.team_a.bogus"]);
  });

  it("lists the targets of a version where the data has them", () => {
    expect(targetsFor("2.7")).toContain("scalable-single-binary");
    expect(targetsFor("2.10")).toContain("all-3.0");
    expect(targetsFor("3.0")).not.toContain("ingester");
    expect(targetsFor("2.8")).toBeUndefined();
  });
});
