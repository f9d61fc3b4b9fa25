import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliCaptured } from "../helpers/cli-io.js";

describe("tempo-cluster validate", () => {
  let dir: string;
  const file = (name: string) => path.join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "tempo-cluster-validate-"));
    const rendered = await runCliCaptured(["render", "test/fixtures/clusters/distributed.yaml"]);
    await writeFile(file("good.yaml"), rendered.stdout);
    await writeFile(file("bad.yaml"), "server:\n  http_listen_port: 3200\n  bogus: 1\nstorage:\n  trace:\n    wal:\n");
    await writeFile(file("broken.yaml"), "server: [\n");
    await writeFile(file("duplicate.yaml"), "server:\n  http_listen_port: 1\n  http_listen_port: 2\n");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("accepts the config render produces and exits 0", async () => {
    const run = await runCliCaptured(["validate", file("good.yaml")]);
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("valid");
  });

  it("lists every problem with its path and exits 1", async () => {
    const run = await runCliCaptured(["validate", file("bad.yaml")]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("2 problems");
    expect(run.stdout).toMatch(/server\.bogus: unknown key "bogus"/);
    expect(run.stdout).toMatch(/storage\.trace\.wal: null/);
  });

  it("reports the problems as JSON with --json", async () => {
    const run = await runCliCaptured(["validate", file("bad.yaml"), "--json"]);
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.valid).toBe(false);
    expect(report.tempoVersion).toBe("2.7");
    expect(report.problems.map((problem: { path: string }) => problem.path)).toEqual(["server.bogus", "storage.trace.wal"]);
  });

  it("reads the config from standard input when the argument is -", async () => {
    const run = await runCliCaptured(["validate", "-"], { stdin: "server:\n  nonsense: true\n" });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("standard input");
    expect(run.stdout).toContain("server.nonsense");
  });

  it("refuses duplicate keys as Tempo's strict decoder does", async () => {
    const run = await runCliCaptured(["validate", file("duplicate.yaml")]);
    expect(run.exitCode).toBe(1);
  });

  it("reports YAML that does not parse as a problem, not a crash", async () => {
    const run = await runCliCaptured(["validate", file("broken.yaml")]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("not valid YAML");
  });

  it("checks against the key list of the requested Tempo version", async () => {
    const run = await runCliCaptured(["validate", file("good.yaml"), "--tempo-version", "3.0", "--json"]);
    expect(JSON.parse(run.stdout).tempoVersion).toBe("3.0");
  });

  it("exits 2 naming the known versions for an unknown --tempo-version", async () => {
    const run = await runCliCaptured(["validate", file("good.yaml"), "--tempo-version", "9.9"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('unknown --tempo-version "9.9"');
    expect(run.stderr).toContain("2.7");
  });

  it("exits 2 with a one-line message for a missing file", async () => {
    const run = await runCliCaptured(["validate", file("absent.yaml")]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("no such file");
    expect(run.stdout).toBe("");
  });
});
