import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCliCaptured } from "../helpers/cli-io.js";

const SMALL = ["--workers", "query-frontend=1,querier=1,ingester=2,distributor=1,compactor=1"];

function expectNoStackTrace(text: string): void {
  expect(text).not.toMatch(/\n\s+at /);
}

describe("tempo-cluster demo", () => {
  it("shows the converged recommended cluster: status table, hook count, ring and the one config every worker received", async () => {
    const run = await runCliCaptured(["demo"]);
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/converged after \d+ hooks/);
    expect(run.stdout).toMatch(/^App\s+Version\s+Charm\s+Units\s+Status\s+Message$/m);
    expect(run.stdout).toMatch(/^tempo-ingester\s+2\.7\.1\s+tempo-worker\s+3\s+active\s+ingester ready$/m);
    expect(run.stdout).toMatch(/^tempo-ingester\/2\s+active\s+idle\s+/m);
    expect(run.stdout).toMatch(/^tempo\/0\*\s+active\s+idle\s+\S+\s+8 workers in 6 applications$/m);
    expect(run.stdout).toContain("Gossip ring (memberlist.join_members, 8 members)");
    expect(run.stdout).toContain("tempo-ingester-2.tempo-ingester-endpoints.tempo-sim.svc.cluster.local:7946");
    expect(run.stdout).toContain("identical on all 8 workers");
    expect(run.stdout).toContain("    join_members:");
    expect(run.stdout).not.toContain("\u001b[");
  });

  it("runs on another cluster domain: the ring, the front door and the routes name pods in it", async () => {
    const run = await runCliCaptured(["demo", ...SMALL, "--cluster-domain", "cluster.example"]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^  tempo-ingester-1\.tempo-ingester-endpoints\.tempo-sim\.svc\.cluster\.example:7946\s+tempo-ingester\/1$/m);
    expect(run.stdout).toContain("otlp-http  http://tempo.tempo-sim.svc.cluster.example:4318");
    expect(run.stdout).toMatch(/^\s+4318\s+http\s+otlp-http\s+tempo-distributor\/0$/m);
    expect(run.stdout.replaceAll("minio.sim.svc.cluster.local", "")).not.toContain("svc.cluster.local");
  });

  it("shows the front door's routes as nginx got them: each port, its protocol and the worker units behind it", async () => {
    const run = await runCliCaptured(["demo", "--workers", "query-frontend=1,querier=1,ingester=1,distributor=2,compactor=1", "--with", "tracing"]);
    expect(run.exitCode).toBe(0);
    const start = run.stdout.indexOf("Front door routes");
    const section = run.stdout.slice(start, run.stdout.indexOf("\n\n", start));
    expect(section.split("\n").map((line) => line.trim().split(/\s+/).join(" "))).toEqual([
      "Front door routes (nginx in tempo/0, port → role upstream):",
      "Port Proto Route Worker units",
      "3200 http tempo-http tempo-query-frontend/0",
      "4317 grpc otlp-grpc tempo-distributor/0",
      "tempo-distributor/1",
      "4318 http otlp-http tempo-distributor/0",
      "tempo-distributor/1",
      "9096 grpc tempo-grpc tempo-query-frontend/0",
      "9411 http zipkin tempo-distributor/0",
      "tempo-distributor/1",
    ]);
  });

  it("runs one all-role worker with --topology monolithic", async () => {
    const run = await runCliCaptured(["demo", "--topology", "monolithic"]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^tempo-worker\/0\*\s+active/m);
    expect(run.stdout).toContain("identical on the only worker");
    expect(run.stdout).not.toContain("tempo-ingester");
  });

  it.each([
    [["--workers", "ingester=0"], 'ingester: "0" is not a unit count'],
    [["--workers", "bogus=1"], '"bogus" is not a Tempo role'],
    [["--workers", "ingester"], '"ingester" is not role=count'],
    [["--workers", "ingester=2,ingester=3"], "ingester is given more than once"],
    [["--workers", ""], "--workers is empty"],
    [["--workers", "ingester=600,querier=600"], "1200 worker units in all; the demo runs at most 1000"],
    [["--topology", "ring"], 'unknown topology "ring"'],
    [["--topology", "monolithic", "--workers", "all=1"], "either --topology or --workers"],
    [["--then", "explode everything"], 'unknown step "explode"'],
    [["--then", "remove-unit ingester"], '"ingester" is not a unit name'],
    [["--then", "config tempo retention"], 'expected key=value, got "retention"'],
    [["--cluster-domain", "Cluster Example"], '--cluster-domain "Cluster Example": not a DNS domain'],
  ])("rejects %j with exit code 2 and a clear message", async (args, message) => {
    const run = await runCliCaptured(["demo", ...args]);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(message);
    expectNoStackTrace(run.stderr);
  });

  it("shows the ring and statuses change when --then removes an ingester", async () => {
    const run = await runCliCaptured(["demo", ...SMALL, "--then", "remove-unit tempo-ingester/1"]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("── then: remove-unit tempo-ingester/1");
    expect(run.stdout).toContain("- tempo-ingester/1 removed");
    expect(run.stdout).toContain("Ring: 5 members\n  - tempo-ingester-1.tempo-ingester-endpoints.tempo-sim.svc.cluster.local:7946");
    expect(run.stdout).toMatch(/Config: changed, identical on all 5 workers/);
  });

  it("reports a failed hook and its retry, and a step the model rejects with exit code 2", async () => {
    const run = await runCliCaptured([
      "demo",
      ...SMALL,
      "--timeline",
      "--then",
      "fail-hook tempo/0 config-changed",
      "--then",
      "config tempo retention-period=72",
      "--then",
      "remove-unit tempo-ingester/9",
    ]);
    expect(run.stdout).toContain(", 1 failed and retried (");
    expect(run.stdout).toMatch(/tempo\/0\s+config-changed\s+failed: injected failure of config-changed/);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('step "remove-unit tempo-ingester/9" was rejected: no unit tempo-ingester/9 in the model');
    expectNoStackTrace(run.stderr);
  });

  it("prints one JSON document with --json", async () => {
    const run = await runCliCaptured(["demo", ...SMALL, "--json", "--then", "add-unit tempo-querier"]);
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.stdout) as {
      phases: { step: string; outcome: { kind: string }; config_identical: boolean; ring: { unit?: string }[] }[];
      config: string;
    };
    expect(report.phases.map((phase) => [phase.step, phase.outcome.kind, phase.config_identical])).toEqual([
      ["deploy", "quiet", true],
      ["add-unit tempo-querier", "quiet", true],
    ]);
    expect(report.phases[1]!.ring.map((member) => member.unit)).toContain("tempo-querier/1");
    expect(report.config).toContain("join_members:");
  });

  it("writes every worker's container files under --out DIR/<unit>/", async () => {
    const directory = mkdtempSync(path.join(tmpdir(), "demo-out-"));
    try {
      const run = await runCliCaptured(["demo", "--topology", "monolithic", "--out", directory]);
      expect(run.exitCode).toBe(0);
      const config = path.join(directory, "tempo-worker", "0", "etc", "worker", "config.yaml");
      expect(existsSync(config)).toBe(true);
      expect(readFileSync(config, "utf8")).toContain("join_members:");
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("documents its shapes and steps in --help", async () => {
    const run = await runCliCaptured(["demo", "--help"]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("--workers ROLE=N,…");
    expect(run.stdout).toContain("remove-unit UNIT");
  });

  it("shows a coordinator option change restarting one ingester at a time in the timeline", async () => {
    const run = await runCliCaptured([
      "demo",
      "--workers",
      "query-frontend=1,querier=1,ingester=3,distributor=1,compactor=1",
      "--timeline",
      "--then",
      "config tempo retention-period=48",
    ]);
    expect(run.exitCode).toBe(0);
    const step = run.stdout.slice(run.stdout.indexOf("then: config tempo retention-period=48"));
    const restarts = step.split("\n").filter((line) => /tempo-ingester\/\d.*restart tempo/.test(line));
    // The first goes with the coordinator's change; each next one when the one before says it is ready.
    expect(restarts.map((line) => /tempo-ingester\/\d/.exec(line)![0])).toEqual(["tempo-ingester/0", "tempo-ingester/1", "tempo-ingester/2"]);
    expect(restarts[1]).toMatch(/peers-relation-changed\s+tempo-ingester\/0/);
    expect(restarts[2]).toMatch(/peers-relation-changed\s+tempo-ingester\/1/);
  });
});
