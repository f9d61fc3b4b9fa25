import { describe, expect, it } from "vitest";
import { buildTempoConfig, type BuildResult } from "../../src/tempo/builder.js";
import { validateTempoConfig } from "../../src/tempo/validate.js";
import type { TempoConfig } from "../../src/tempo/config-model.js";
import { clusterOf, distributedCluster, settingsWith, workerApp } from "./cluster-fixtures.js";

function configOf(result: BuildResult): TempoConfig {
  if (result.kind !== "ok") throw new Error(`expected a config, got problems: ${result.problems.join("; ")}`);
  return result.config;
}

function problemsOf(result: BuildResult): string[] {
  if (result.kind !== "error") throw new Error("expected problems, got a config");
  return result.problems;
}

describe("memberlist", () => {
  it("joins every worker unit of every role on port 7946, sorted", () => {
    const config = configOf(buildTempoConfig(distributedCluster(2), settingsWith()));
    expect(config.memberlist.join_members).toEqual([
      "tempo-compactor-0.tempo-compactor-endpoints.cos.svc.cluster.local:7946",
      "tempo-distributor-0.tempo-distributor-endpoints.cos.svc.cluster.local:7946",
      "tempo-ingester-0.tempo-ingester-endpoints.cos.svc.cluster.local:7946",
      "tempo-ingester-1.tempo-ingester-endpoints.cos.svc.cluster.local:7946",
      "tempo-metrics-generator-0.tempo-metrics-generator-endpoints.cos.svc.cluster.local:7946",
      "tempo-querier-0.tempo-querier-endpoints.cos.svc.cluster.local:7946",
      "tempo-query-frontend-0.tempo-query-frontend-endpoints.cos.svc.cluster.local:7946",
    ]);
    expect(config.memberlist.bind_port).toBe(7946);
    expect(config.memberlist.abort_if_cluster_join_fails).toBe(false);
  });

  it("brackets IPv6 addresses and lists IPv4 addresses as they are", () => {
    const cluster = clusterOf(
      workerApp("tempo", "all", 2, { address: (index) => (index === 0 ? "2001:db8::10" : "192.0.2.7") }),
    );
    const config = configOf(buildTempoConfig(cluster, settingsWith({ storage: { kind: "s3", endpoint: "s3:9000", bucket: "b", accessKey: "a", secretKey: "s" } })));
    expect(config.memberlist.join_members).toEqual(["192.0.2.7:7946", "[2001:db8::10]:7946"]);
  });

  it("sets the coordinator's cluster label so two clusters in one namespace never merge", () => {
    const config = configOf(buildTempoConfig(distributedCluster(), settingsWith({ clusterLabel: "uuid-1-tempo-a" })));
    expect(config.memberlist.cluster_label).toBe("uuid-1-tempo-a");
  });

  it("also refuses to abort on a failed fast join from 2.8, where the key exists, and not on 2.7", () => {
    expect(configOf(buildTempoConfig(distributedCluster(), settingsWith({ tempoVersion: "2.8" }))).memberlist).toMatchObject({
      abort_if_cluster_fast_join_fails: false,
    });
    expect(configOf(buildTempoConfig(distributedCluster(), settingsWith())).memberlist).not.toHaveProperty(
      "abort_if_cluster_fast_join_fails",
    );
  });
});

describe("replication factor", () => {
  it("defaults to 3 with three ingester units", () => {
    expect(configOf(buildTempoConfig(distributedCluster(3), settingsWith())).ingester.lifecycler.ring.replication_factor).toBe(3);
  });

  it("defaults to 1 with two ingester units", () => {
    expect(configOf(buildTempoConfig(distributedCluster(2), settingsWith())).ingester.lifecycler.ring.replication_factor).toBe(1);
  });

  it("counts units with role all as ingesters", () => {
    const cluster = clusterOf(workerApp("tempo-all", "all", 2), workerApp("tempo-ingester", "ingester", 1));
    expect(configOf(buildTempoConfig(cluster, settingsWith())).ingester.lifecycler.ring.replication_factor).toBe(3);
  });

  it("uses an explicit setting the cluster can honour", () => {
    expect(
      configOf(buildTempoConfig(distributedCluster(3), settingsWith({ replicationFactor: 2 }))).ingester.lifecycler.ring.replication_factor,
    ).toBe(2);
  });

  it("reports a replication factor larger than the ingester count, naming both numbers", () => {
    const problems = problemsOf(buildTempoConfig(distributedCluster(2), settingsWith({ replicationFactor: 3 })));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/replication factor 3 .* 2 ingester unit/);
  });
});

describe("querier frontend address", () => {
  it("uses the query-frontend application's headless service for Kubernetes pod FQDNs", () => {
    const config = configOf(buildTempoConfig(distributedCluster(), settingsWith()));
    expect(config.querier.frontend_worker.frontend_address).toBe("tempo-query-frontend-endpoints.cos.svc.cluster.local:9096");
  });

  it("keeps an IPv4 address whole instead of cutting its first octet (Python coordinator bug, python-reference §6.4)", () => {
    const cluster = clusterOf(
      workerApp("tempo-rest", "all", 0),
      workerApp("tempo-frontend", "query-frontend", 1, { address: () => "192.0.2.1" }),
      workerApp("tempo-ingester", "ingester", 1, { address: () => "192.0.2.2" }),
    );
    const config = configOf(buildTempoConfig(cluster, settingsWith()));
    expect(config.querier.frontend_worker.frontend_address).toBe("192.0.2.1:9096");
  });

  it("brackets an IPv6 frontend address", () => {
    const cluster = clusterOf(workerApp("tempo", "all", 1, { address: () => "2001:db8::1" }));
    const config = configOf(buildTempoConfig(cluster, settingsWith({ storage: { kind: "local" } })));
    expect(config.querier.frontend_worker.frontend_address).toBe("[2001:db8::1]:9096");
  });

  it("uses a machine hostname as it is", () => {
    const cluster = clusterOf(workerApp("tempo", "all", 1, { address: () => "juju-abc-3.lxd" }));
    const config = configOf(buildTempoConfig(cluster, settingsWith({ storage: { kind: "local" } })));
    expect(config.querier.frontend_worker.frontend_address).toBe("juju-abc-3.lxd:9096");
  });

  it("does not treat an FQDN of another model as a headless service", () => {
    const cluster = clusterOf(
      workerApp("tempo", "all", 1, { address: () => "tempo-0.tempo-endpoints.other-model.svc.cluster.local" }),
    );
    const config = configOf(buildTempoConfig(cluster, settingsWith({ storage: { kind: "local" } })));
    expect(config.querier.frontend_worker.frontend_address).toBe("tempo-0.tempo-endpoints.other-model.svc.cluster.local:9096");
  });

  it("prefers a dedicated query-frontend application over an all application", () => {
    const cluster = clusterOf(workerApp("a-all", "all", 1), workerApp("z-frontend", "query-frontend", 1));
    const config = configOf(buildTempoConfig(cluster, settingsWith()));
    expect(config.querier.frontend_worker.frontend_address).toBe("z-frontend-endpoints.cos.svc.cluster.local:9096");
  });

  it("reports a cluster without any query-frontend unit", () => {
    const cluster = clusterOf(workerApp("tempo-ingester", "ingester", 1), workerApp("tempo-querier", "querier", 1));
    expect(problemsOf(buildTempoConfig(cluster, settingsWith())).join("\n")).toMatch(/no query-frontend/);
  });
});

describe("storage", () => {
  it("strips the scheme from the S3 endpoint and marks plain http insecure", () => {
    const s3 = configOf(buildTempoConfig(distributedCluster(), settingsWith())).storage.trace.s3;
    expect(s3).toEqual({ bucket: "tempo", endpoint: "minio.minio.svc.cluster.local:9000", access_key: "AK", secret_key: "SK", insecure: true });
  });

  it("treats an https endpoint as secure even without a CA", () => {
    const storage = { kind: "s3", endpoint: "https://s3.example.com", bucket: "b", accessKey: "a", secretKey: "s" } as const;
    expect(configOf(buildTempoConfig(distributedCluster(), settingsWith({ storage }))).storage.trace.s3?.insecure).toBe(false);
  });

  it("points Tempo at the worker's S3 CA file when a CA is given, and is then secure", () => {
    const storage = { kind: "s3", endpoint: "minio:9000", bucket: "b", accessKey: "a", secretKey: "s", caCert: "PEM", region: "eu-1" } as const;
    const s3 = configOf(buildTempoConfig(distributedCluster(), settingsWith({ storage }))).storage.trace.s3;
    expect(s3).toMatchObject({ endpoint: "minio:9000", insecure: false, tls_ca_path: "/etc/worker/s3_ca.crt", region: "eu-1" });
  });

  it("keeps the WAL, the metrics-generator WAL and the ingester tokens on the worker's /data storage", () => {
    const config = configOf(
      buildTempoConfig(distributedCluster(), settingsWith({ remoteWrite: [{ url: "http://prometheus:9090/api/v1/write" }] })),
    );
    expect(config.storage.trace.wal.path.startsWith("/data/")).toBe(true);
    expect(config.ingester.lifecycler.tokens_file_path.startsWith("/data/")).toBe(true);
    expect(config.metrics_generator?.storage.path.startsWith("/data/")).toBe(true);
  });

  it("uses local storage for a single all unit", () => {
    const config = configOf(buildTempoConfig(clusterOf(workerApp("tempo", "all", 1)), settingsWith({ storage: { kind: "local" } })));
    expect(config.storage.trace).toMatchObject({ backend: "local", local: { path: "/data/tempo/traces" } });
    expect(config.storage.trace).not.toHaveProperty("s3");
  });

  it("refuses local storage for more than one unit and says to relate an s3 provider", () => {
    const problems = problemsOf(buildTempoConfig(distributedCluster(), settingsWith({ storage: { kind: "local" } })));
    expect(problems.join("\n")).toMatch(/local storage .* 8 unit\(s\).*s3/);
  });
});

describe("receivers, retention, metrics-generator", () => {
  it("enables exactly the requested receivers on 0.0.0.0", () => {
    const config = configOf(buildTempoConfig(distributedCluster(), settingsWith({ receivers: ["zipkin", "otlp_grpc", "zipkin"] })));
    expect(config.distributor.receivers).toEqual({
      otlp: { protocols: { grpc: { endpoint: "0.0.0.0:4317" } } },
      zipkin: { endpoint: "0.0.0.0:9411" },
    });
  });

  it("refuses an empty receiver list, which would make Tempo start its default receivers", () => {
    expect(problemsOf(buildTempoConfig(distributedCluster(), settingsWith({ receivers: [] }))).join("\n")).toMatch(/no trace receiver/);
  });

  it("writes the retention setting as compactor block retention in hours", () => {
    expect(configOf(buildTempoConfig(distributedCluster(), settingsWith({ retentionHours: 48 }))).compactor.compaction.block_retention).toBe("48h");
  });

  it("leaves out the metrics-generator and overrides without remote-write endpoints", () => {
    const config = configOf(buildTempoConfig(distributedCluster(), settingsWith()));
    expect(config).not.toHaveProperty("metrics_generator");
    expect(config).not.toHaveProperty("overrides");
  });

  it("sorts remote-write endpoints by URL and enables processors through overrides", () => {
    const config = configOf(
      buildTempoConfig(distributedCluster(), settingsWith({ remoteWrite: [{ url: "http://b:9090/w" }, { url: "http://a:9090/w" }] })),
    );
    expect(config.metrics_generator?.storage.remote_write.map((endpoint) => endpoint.url)).toEqual(["http://a:9090/w", "http://b:9090/w"]);
    expect(config.overrides?.defaults.metrics_generator.processors).toEqual(["service-graphs", "span-metrics"]);
  });

  it("names the attribute size limit as each version spells it", () => {
    const limit = { maxAttributeBytes: 2048 };
    expect(configOf(buildTempoConfig(distributedCluster(), settingsWith({ ...limit, tempoVersion: "2.7" }))).distributor).toMatchObject({ max_span_attr_byte: 2048 });
    expect(configOf(buildTempoConfig(distributedCluster(), settingsWith({ ...limit, tempoVersion: "2.9" }))).distributor).toMatchObject({ max_attribute_bytes: 2048 });
  });
});

describe("TLS", () => {
  const tls = { enabled: true, serverName: "tempo.cos.svc.cluster.local" } as const;

  it("sets server TLS blocks and client TLS on every internal gRPC client", () => {
    const config = configOf(buildTempoConfig(distributedCluster(), settingsWith({ tls })));
    expect(config.server.grpc_tls_config).toEqual({
      cert_file: "/etc/worker/server.cert",
      key_file: "/etc/worker/private.key",
      client_ca_file: "/etc/worker/ca.cert",
      client_auth_type: "VerifyClientCertIfGiven",
    });
    for (const client of [
      config.ingester_client?.grpc_client_config,
      config.metrics_generator_client?.grpc_client_config,
      config.querier.frontend_worker.grpc_client_config,
    ]) {
      expect(client).toMatchObject({ tls_enabled: true, tls_ca_path: "/etc/worker/ca.cert", tls_server_name: "tempo.cos.svc.cluster.local" });
    }
  });

  it("keeps the TLS server name when a worker that sorts first joins (Python used the first worker, python-reference §6.6)", () => {
    const before = configOf(buildTempoConfig(distributedCluster(), settingsWith({ tls })));
    const withNewFirstWorker = clusterOf(...distributedCluster().applications, workerApp("aaa-querier", "querier", 1));
    const after = configOf(buildTempoConfig(withNewFirstWorker, settingsWith({ tls })));
    expect(after.memberlist.tls_server_name).toBe(before.memberlist.tls_server_name);
    expect(after.ingester_client?.grpc_client_config.tls_server_name).toBe(before.ingester_client?.grpc_client_config.tls_server_name);
  });

  it("writes no TLS keys at all when TLS is off", () => {
    const config = configOf(buildTempoConfig(distributedCluster(), settingsWith()));
    expect(JSON.stringify(config)).not.toMatch(/tls/);
  });
});

describe("version pinning", () => {
  it("builds a 2.8 config that 2.7 would refuse, because keys follow the targeted version", () => {
    const config = configOf(buildTempoConfig(distributedCluster(), settingsWith({ tempoVersion: "2.8", maxAttributeBytes: 1024 })));
    expect(validateTempoConfig(config, "2.8")).toEqual([]);
    expect(validateTempoConfig(config, "2.7").map((problem) => problem.path)).toEqual([
      "distributor.max_attribute_bytes",
      "memberlist.abort_if_cluster_fast_join_fails",
    ]);
  });
});
