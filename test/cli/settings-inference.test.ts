import { describe, expect, it } from "vitest";
import { inferSettings, parseConfigOverride } from "../../src/cli/doctor/settings-inference.js";

const published = {
  compactor: { compaction: { block_retention: "168h" } },
  ingester: { lifecycler: { ring: { replication_factor: 2 } } },
  memberlist: { abort_if_cluster_fast_join_fails: false, cluster_label: "tempo-uuid", tls_server_name: "tempo.cos.svc" },
  distributor: { receivers: { zipkin: { endpoint: "0.0.0.0:9411" }, jaeger: { protocols: { thrift_http: {} } } } },
  metrics_generator: { storage: { remote_write: [{ url: "http://b:9090/write" }, { url: "http://a:9090/write" }] } },
};

describe("reading the coordinator's settings back from a published config", () => {
  it("recovers retention, an explicit replication factor and the version family", () => {
    const inferred = inferSettings(published, {});
    expect(inferred.config).toMatchObject({ "retention-period": 168, "replication-factor": 2, "tempo-version": "2.8" });
  });

  it("recovers the enabled receivers and turns the always_enable_* options off", () => {
    const inferred = inferSettings(published, {});
    expect(inferred.receivers).toEqual(["jaeger_thrift_http", "zipkin"]);
    expect(inferred.config["always_enable_otlp_http"]).toBe(false);
  });

  it("recovers remote-write URLs (sorted), the TLS server name and the cluster label", () => {
    const inferred = inferSettings(published, {});
    expect(inferred.remoteWriteUrls).toEqual(["http://a:9090/write", "http://b:9090/write"]);
    expect(inferred.tlsServerName).toBe("tempo.cos.svc");
    expect(inferred.clusterLabel).toBe("tempo-uuid");
  });

  it("treats a replication factor automatic would give as automatic, and says so", () => {
    const inferred = inferSettings({ ingester: { lifecycler: { ring: { replication_factor: 3 } } } }, {});
    expect(inferred.config["replication-factor"]).toBe(0);
    expect(inferred.assumptions.join("\n")).toContain("automatic");
  });

  it("lets --config options win and lists them as given", () => {
    const inferred = inferSettings(published, { "retention-period": 24 });
    expect(inferred.config["retention-period"]).toBe(24);
    expect(inferred.assumptions).toContain("retention-period=24 (given with --config)");
    expect(inferred.assumptions.join("\n")).not.toContain("retention-period=168");
  });

  it("falls back to the coordinator's defaults when nothing was published", () => {
    const inferred = inferSettings(undefined, {});
    expect(inferred.config).toMatchObject({ "retention-period": 720, "replication-factor": 0, always_enable_otlp_http: true });
    expect(inferred.assumptions.join("\n")).toContain("defaults");
  });
});

describe("--config option=value", () => {
  it("types booleans and whole numbers as juju config does, and keeps other text", () => {
    expect(parseConfigOverride("always_enable_zipkin=true")).toEqual({ kind: "valid", option: "always_enable_zipkin", value: true });
    expect(parseConfigOverride("retention-period=72")).toEqual({ kind: "valid", option: "retention-period", value: 72 });
    expect(parseConfigOverride("tempo-version=2.10")).toEqual({ kind: "valid", option: "tempo-version", value: "2.10" });
  });

  it("refuses text without an option name", () => {
    expect(parseConfigOverride("=3").kind).toBe("invalid");
    expect(parseConfigOverride("retention").kind).toBe("invalid");
  });
});
