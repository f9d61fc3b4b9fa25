import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/cli-io.js";

const LAUNCHER = path.join(REPO_ROOT, "bin", "tempo-cluster.js");

describe("the bin/tempo-cluster.js launcher", () => {
  it("runs a command from any working directory and passes its exit code through", () => {
    const run = spawnSync(process.execPath, [LAUNCHER, "validate", "-"], {
      cwd: os.tmpdir(),
      input: "server:\n  bogus: 1\n",
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" },
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("server.bogus");
  });

  it("resolves relative file arguments against the caller's working directory", () => {
    const run = spawnSync(process.execPath, [LAUNCHER, "render", "test/fixtures/clusters/monolithic.yaml"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("backend: local");
  });
});
