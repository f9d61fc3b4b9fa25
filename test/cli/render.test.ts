import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { desiredState } from "../../src/charms/coordinator/desired-state.js";
import { coordinatorInputsFromDescription } from "../../src/cli/cluster-description.js";
import { validateTempoConfigText } from "../../src/tempo/validate.js";
import { REPO_ROOT, runCliCaptured } from "../helpers/cli-io.js";

const CLUSTERS = "test/fixtures/clusters";

describe("tempo-cluster render", () => {
  it("prints a config Tempo accepts for the recommended distributed cluster", async () => {
    const run = await runCliCaptured(["render", `${CLUSTERS}/distributed.yaml`]);
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(validateTempoConfigText(run.stdout, "2.7")).toEqual([]);
  });

  it("puts every worker unit of every role in the gossip ring, sorted", async () => {
    const config = YAML.parse((await runCliCaptured(["render", `${CLUSTERS}/distributed.yaml`])).stdout);
    expect(config.memberlist.join_members).toHaveLength(8);
    expect(config.memberlist.join_members).toEqual([...config.memberlist.join_members].sort());
    expect(config.memberlist.join_members).toContain("tempo-ingester-2.tempo-ingester-endpoints.cos.svc.cluster.local:7946");
  });

  it("renders the description's storage, receivers and replication", async () => {
    const config = YAML.parse((await runCliCaptured(["render", `${CLUSTERS}/distributed.yaml`])).stdout);
    expect(config.storage.trace.backend).toBe("s3");
    expect(config.storage.trace.s3.bucket).toBe("tempo");
    expect(Object.keys(config.distributor.receivers).sort()).toEqual(["otlp", "zipkin"]);
    expect(config.ingester.lifecycler.ring.replication_factor).toBe(3);
  });

  it("prints exactly the worker_config the coordinator's own decision publishes", async () => {
    const text = await readFile(path.join(REPO_ROOT, CLUSTERS, "distributed.yaml"), "utf8");
    const described = coordinatorInputsFromDescription(YAML.parse(text));
    if (described.kind !== "valid") throw new Error(described.reasons.join("; "));
    const desired = desiredState(described.inputs);
    const run = await runCliCaptured(["render", `${CLUSTERS}/distributed.yaml`]);
    expect(run.stdout).toBe(desired.workerConfig);
    const published = desired.publications[0]?.databag.worker_config;
    expect(published).toBe(JSON.stringify(run.stdout));
  });

  it("is deterministic: rendering twice gives the same bytes", async () => {
    const first = await runCliCaptured(["render", `${CLUSTERS}/distributed.yaml`]);
    const second = await runCliCaptured(["render", `${CLUSTERS}/distributed.yaml`]);
    expect(second.stdout).toBe(first.stdout);
  });

  it("does not depend on the order workers are listed in", async () => {
    const text = await readFile(path.join(REPO_ROOT, CLUSTERS, "distributed.yaml"), "utf8");
    const document = YAML.parse(text);
    const reversed = { ...document, workers: [...document.workers].reverse().map((worker: object, index: number) => ({ ...worker, relation_id: 100 - index })) };
    const fromFile = await runCliCaptured(["render", `${CLUSTERS}/distributed.yaml`]);
    const fromReversed = await runCliCaptured(["render", "-"], { stdin: JSON.stringify(reversed) });
    expect(fromReversed.stdout).toBe(fromFile.stdout);
  });

  it("runs a single all worker on local storage", async () => {
    const config = YAML.parse((await runCliCaptured(["render", `${CLUSTERS}/monolithic.yaml`])).stdout);
    expect(config.storage.trace.backend).toBe("local");
    expect(config.memberlist.join_members).toEqual(["tempo-worker-0.tempo-worker-endpoints.dev.svc.cluster.local:7946"]);
  });

  it("exits 1 and names the missing roles when the cluster is incomplete", async () => {
    const run = await runCliCaptured(["render", `${CLUSTERS}/missing-roles.yaml`]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("blocked");
    expect(run.stderr).toContain("compactor, distributor, query-frontend");
  });

  it("gives status, problems and per-relation databags with --json", async () => {
    const run = await runCliCaptured(["render", `${CLUSTERS}/distributed.yaml`, "--json"]);
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.status.status).toBe("active");
    expect(report.relations.map((relation: { app: string }) => relation.app)).toContain("tempo-ingester");
    expect(JSON.parse(report.relations[0].databag.worker_config)).toBe(report.worker_config);
  });

  it("lists every problem of an invalid description with its path and exits 2", async () => {
    const run = await runCliCaptured(["render", `${CLUSTERS}/invalid-description.yaml`]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("workers[0].role: must be one of");
    expect(run.stderr).toContain("workers[0].units[0]:");
    expect(run.stderr).toContain('Unrecognized key: "replicas"');
    expect(run.stdout).toBe("");
  });

  it("rejects a unit address that is not a bare host", async () => {
    const description = { storage: "local", workers: [{ app: "tempo", role: "all", units: ["http://tempo-0:3200"] }] };
    const run = await runCliCaptured(["render", "-"], { stdin: JSON.stringify(description) });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("workers[0].units[0]: address");
  });

  it("renders for the Tempo version the description names", async () => {
    const text = await readFile(path.join(REPO_ROOT, CLUSTERS, "distributed.yaml"), "utf8");
    const run = await runCliCaptured(["render", "-"], { stdin: text.replace('version: "2.7"', 'version: "2.10"') });
    expect(run.exitCode).toBe(0);
    expect(YAML.parse(run.stdout).memberlist.abort_if_cluster_fast_join_fails).toBe(false);
    expect(validateTempoConfigText(run.stdout, "2.10")).toEqual([]);
  });

  it("turns on internal TLS and remote-write when the description has them", async () => {
    const text = await readFile(path.join(REPO_ROOT, CLUSTERS, "distributed.yaml"), "utf8");
    const document = YAML.parse(text);
    const described = {
      ...document,
      tls: { ca_cert: "CA PEM", server_cert: "CERT PEM", privkey_secret_id: "secret:cv1b8pmb5e9s7ti8ls9g", server_name: "tempo.cos.svc.cluster.local" },
      remote_write: [{ url: "http://prometheus.cos.svc.cluster.local:9090/api/v1/write" }],
    };
    const run = await runCliCaptured(["render", "-", "--json"], { stdin: JSON.stringify(described) });
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    const config = YAML.parse(report.worker_config);
    expect(config.memberlist.tls_server_name).toBe("tempo.cos.svc.cluster.local");
    expect(config.server.http_tls_config).toBeDefined();
    expect(config.metrics_generator.storage.remote_write[0].url).toBe("http://prometheus.cos.svc.cluster.local:9090/api/v1/write");
    expect(JSON.parse(report.relations[0].databag.ca_cert)).toBe("CA PEM");
    expect(validateTempoConfigText(report.worker_config, "2.7")).toEqual([]);
  });

  it("refuses an unquoted version that YAML turns into a number", async () => {
    const text = await readFile(path.join(REPO_ROOT, CLUSTERS, "distributed.yaml"), "utf8");
    const run = await runCliCaptured(["render", "-"], { stdin: text.replace('version: "2.7"', "version: 2.10") });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("version: must be one of");
  });

  it("reports YAML syntax errors with their position and exits 2", async () => {
    const run = await runCliCaptured(["render", "-"], { stdin: "workers: [\n  - app: x\n" });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("is not valid YAML");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
