import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { REPO_ROOT, runCliCaptured } from "../helpers/cli-io.js";

const PROBLEMS = "test/fixtures/doctor/coordinator-with-problems.json";
const HEALTHY = "test/fixtures/doctor/coordinator-and-worker-healthy.json";

type ShowUnit = Record<string, { "relation-info": Array<Record<string, any>> }>;

async function fixture(file: string): Promise<ShowUnit> {
  return JSON.parse(await readFile(path.join(REPO_ROOT, file), "utf8"));
}

describe("tempo-cluster doctor on a coordinator with problems", () => {
  let report: any;
  let text: string;
  let exitCode: number;

  beforeAll(async () => {
    const json = await runCliCaptured(["doctor", PROBLEMS, "--json"]);
    report = JSON.parse(json.stdout);
    const plain = await runCliCaptured(["doctor", PROBLEMS]);
    text = plain.stdout;
    exitCode = plain.exitCode;
  });

  it("exits 1 because problems were found", () => {
    expect(exitCode).toBe(1);
  });

  it("finds the coordinator unit and its worker applications with their roles", () => {
    expect(report.coordinator).toMatchObject({ unit: "tempo/0", application: "tempo", isLeader: true });
    expect(report.workers.map((worker: any) => [worker.application, worker.role])).toEqual([
      ["tempo-compactor", "compactor"],
      ["tempo-distributor", "distributor"],
      ["tempo-ingester", "ingester"],
      ["tempo-querier", "querier"],
      ["tempo-query-frontend", "query-frontend"],
      ["tempo-legacy", "querier,ingester"],
      ["tempo-metrics-generator", "metrics-generator"],
    ]);
  });

  it("lists the units that joined", () => {
    const ingester = report.workers.find((worker: any) => worker.application === "tempo-ingester");
    expect(ingester.units.map((unit: any) => [unit.name, unit.state])).toEqual([
      ["tempo-ingester/0", "joined"],
      ["tempo-ingester/1", "joined"],
      ["tempo-ingester/2", "invalid"],
    ]);
  });

  it("names an invalid unit databag and the reason", () => {
    expect(report.findings.join("\n")).toMatch(/tempo-ingester\/2 has an invalid databag: address: .* is not JSON/);
    expect(text).toContain("✗ tempo-ingester/2");
  });

  it("leaves out an application whose role is several roles joined by commas", () => {
    const legacy = report.workers.find((worker: any) => worker.application === "tempo-legacy");
    expect(legacy.state).toBe("left-out");
    expect(legacy.reasons.join(" ")).toContain("several roles");
  });

  it("shows a unit that is not in scope as not joined", () => {
    const generator = report.workers.find((worker: any) => worker.application === "tempo-metrics-generator");
    expect(generator.units).toEqual([expect.objectContaining({ name: "tempo-metrics-generator/0", state: "not-in-scope" })]);
  });

  it("reports covered and missing roles", () => {
    expect(report.missingRoles).toEqual([]);
    expect(report.coveredRoles).toEqual(["compactor", "distributor", "ingester", "querier", "query-frontend"]);
  });

  it("reads the storage from the s3 relation", () => {
    expect(report.storage).toContain("s3 bucket tempo at http://minio.cos.svc.cluster.local:9000 from s3-integrator");
  });

  it("explains that the coordinator's own worker_config is only visible from a worker", () => {
    expect(report.published.kind).toBe("not-visible");
    expect(text).toContain("juju show-unit tempo/0 <worker-unit> --format=json");
    expect(report.assumptions.join("\n")).toContain("defaults");
  });
});

/**
 * The healthy fixture with its published worker_config replaced by the one this implementation
 * computes now, so these tests do not go stale each time the Tempo builder changes its output.
 */
async function healthyAsPublishedNow(): Promise<ShowUnit> {
  const units = await fixture(HEALTHY);
  const report = JSON.parse((await runCliCaptured(["doctor", HEALTHY, "--json"])).stdout);
  if (typeof report.expectedConfig !== "string") throw new Error("the healthy fixture no longer yields a config");
  const querierView = units["tempo-querier/0"]?.["relation-info"][0] as Record<string, any>;
  querierView["application-data"].worker_config = JSON.stringify(report.expectedConfig);
  return units;
}

describe("tempo-cluster doctor on a healthy coordinator seen with one worker", () => {
  it("finds no problem and exits 0", async () => {
    const run = await runCliCaptured(["doctor", "-"], { stdin: JSON.stringify(await healthyAsPublishedNow()) });
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("No problems found.");
    expect(run.stdout).toContain("matches what this implementation computes now");
  });

  it("says which settings it inferred from the published config", async () => {
    const report = JSON.parse((await runCliCaptured(["doctor", HEALTHY, "--json"])).stdout);
    expect(report.published).toMatchObject({ kind: "found", seenBy: ["tempo-querier/0"], isSameForAll: true });
    expect(report.assumptions).toContain("retention-period=720 (from compactor.compaction.block_retention 720h)");
    expect(report.assumptions.join("\n")).toContain("receivers otlp_grpc, otlp_http");
  });

  it("reads the default YAML output of juju show-unit as well as JSON", async () => {
    const yaml = YAML.stringify(await healthyAsPublishedNow());
    const run = await runCliCaptured(["doctor", "-"], { stdin: yaml });
    expect(run.exitCode).toBe(0);
  });

  it("shows a diff when the published config misses a unit that has since joined", async () => {
    const units = await healthyAsPublishedNow();
    const querierView = units["tempo-querier/0"]?.["relation-info"][0] as Record<string, any>;
    const published = JSON.parse(querierView["application-data"].worker_config) as string;
    const stale = published.replace("    - tempo-ingester-2.tempo-ingester-endpoints.cos.svc.cluster.local:7946\n", "");
    expect(stale).not.toBe(published);
    querierView["application-data"].worker_config = JSON.stringify(stale);
    const run = await runCliCaptured(["doctor", "-"], { stdin: JSON.stringify(units) });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("differs from what this implementation computes now");
    expect(run.stdout).toContain("+ " + "    - tempo-ingester-2.tempo-ingester-endpoints.cos.svc.cluster.local:7946");
  });

  it("lets --config override an inferred option and says so", async () => {
    const run = await runCliCaptured(["doctor", "-", "--config", "retention-period=168", "--json"], {
      stdin: JSON.stringify(await healthyAsPublishedNow()),
    });
    const report = JSON.parse(run.stdout);
    expect(run.exitCode).toBe(1);
    expect(report.assumptions).toContain("retention-period=168 (given with --config)");
    expect(report.comparison.kind).toBe("differs");
  });

  it("diagnoses the unit named with --unit", async () => {
    const run = await runCliCaptured(["doctor", HEALTHY, "--unit", "tempo/7"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("unit tempo/7 is not in the input");
  });
});

describe("tempo-cluster doctor on input that is not show-unit output", () => {
  it.each([
    ["an empty input", ""],
    ["a list", "[1, 2]"],
    ["text that is not JSON or YAML", "{ broken: [ }"],
    ["an object not keyed by unit", JSON.stringify({ tempo: { charm: "x" } })],
    ["a unit whose relation-info is not a list", JSON.stringify({ "tempo/0": { charm: "x", leader: true, "relation-info": "nope" } })],
  ])("exits 2 with a message for %s", async (_name, stdin) => {
    const run = await runCliCaptured(["doctor", "-"], { stdin });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^tempo-cluster doctor: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe("");
  });

  it("asks for the coordinator when given only a worker unit", async () => {
    const units = await fixture(HEALTHY);
    const run = await runCliCaptured(["doctor", "-"], { stdin: JSON.stringify({ "tempo-querier/0": units["tempo-querier/0"] }) });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("tempo-querier/0 is a worker");
    expect(run.stderr).toContain("juju show-unit <coordinator-unit> tempo-querier/0 --format=json");
  });

  it("diagnoses a lone coordinator that no worker has joined yet", async () => {
    const lonely = { "tempo/0": { charm: "local:tempo-coordinator-0", leader: true, "relation-info": [] } };
    const run = await runCliCaptured(["doctor", "-"], { stdin: JSON.stringify(lonely) });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("no worker is related: juju integrate tempo:tempo-cluster <worker>");
  });

  it("exits 2 for a malformed --config option", async () => {
    const run = await runCliCaptured(["doctor", HEALTHY, "--config", "retention"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("expected option=value");
  });
});
