import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchFunctionsOf, discoverBenchFiles } from "../../bench/run.js";

describe("the bench runner", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "tempo-cluster-bench-"));
    for (const name of ["sim.bench.ts", "dispatch.bench.ts", "helpers.ts", "tempo-config.bench.ts"]) await writeFile(path.join(dir, name), "");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("finds only *.bench.ts files, in name order", async () => {
    expect(await discoverBenchFiles(dir)).toEqual(["dispatch.bench.ts", "sim.bench.ts", "tempo-config.bench.ts"]);
  });

  it("keeps the files whose name contains a requested word", async () => {
    expect(await discoverBenchFiles(dir, ["sim", "tempo"])).toEqual(["sim.bench.ts", "tempo-config.bench.ts"]);
  });

  it("finds nothing, without failing, when a requested bench does not exist", async () => {
    expect(await discoverBenchFiles(dir, ["missing"])).toEqual([]);
  });

  it("runs the exported functions named bench…, sorted, and nothing else", () => {
    const module = { benchSim: () => 1, benchDispatch: () => 2, helper: () => 3, benchmarkData: [1], BENCH_SIZE: 10 };
    expect(benchFunctionsOf(module).map(([name]) => name)).toEqual(["benchDispatch", "benchSim"]);
  });
});
