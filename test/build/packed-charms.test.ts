/**
 * The real charms, packed as `npm run pack` packs them, unzipped as Juju unzips them, and run
 * through their `dispatch` under the fake Juju agent. Downloads the Node runtime once (dist/.cache).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { packCharmDir } from "../../scripts/charm-archive.js";
import { buildCharmDir, REPO_ROOT } from "../../scripts/charm-layout.js";
import { CHARM_TARGETS, loadCharmTarget } from "../../scripts/charm-targets.js";
import { ensureNodeRuntime } from "../../scripts/node-runtime.js";
import { encodeRequirerUnitData } from "../../src/interface/databag-codec.js";
import { requirerAppDatabag } from "../../src/interface/requirer.js";
import { runDispatch } from "../../src/testing/fake-juju/driver.js";
import { type FakeJujuStateInput, jujuUnitBag } from "../../src/testing/fake-juju/state.js";
import { extractZip, readZipEntries } from "../helpers/zip-reader.js";

const MODEL = { name: "cos", uuid: "5c1d7e2a-9b3f-4a6d-8e0c-7f1a2b3c4d5e", type: "kubernetes" } as const;
const WORKER_ADDRESS = "tempo-worker-0.tempo-worker-endpoints.cos.svc.cluster.local";
const isLinuxX64 = process.platform === "linux" && process.arch === "x64";

let workDir: string;
const archives = new Map<string, string>();
const unpacked = new Map<string, string>();

beforeAll(async () => {
  const runtime = await ensureNodeRuntime(path.join(REPO_ROOT, "dist", ".cache"));
  if (runtime.kind === "failed") throw new Error(runtime.reason);
  workDir = await mkdtemp(path.join(os.tmpdir(), "tempo-cluster-packed-"));
  for (const target of CHARM_TARGETS) {
    const loaded = await loadCharmTarget(target);
    if (loaded.kind === "unavailable") throw new Error(`${target.name}: ${loaded.reason}`);
    const built = await buildCharmDir({ entry: target.entry, meta: loaded.meta, outDir: path.join(workDir, "build", target.name) });
    const archive = path.join(workDir, `${target.name}.charm`);
    await packCharmDir({ charmDir: built.dir, nodeBinary: runtime.nodeBinary, outFile: archive });
    archives.set(target.name, archive);
    const dir = path.join(workDir, "unpacked", target.name);
    await extractZip(archive, dir);
    unpacked.set(target.name, dir);
  }
}, 600_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe.each(CHARM_TARGETS.map((target) => target.name))("the packed %s charm", (name) => {
  it("holds the bundle, dispatch, the YAML files and the Node runtime, and nothing else", async () => {
    const names = readZipEntries(await readFile(archives.get(name) as string)).map((entry) => entry.name);
    expect(names).toEqual(["charm.mjs", "config.yaml", "dispatch", "manifest.yaml", "metadata.yaml", "node/", "node/bin/", "node/bin/node"]);
  });

  it("names itself in metadata.yaml and declares the Kubernetes base in manifest.yaml", async () => {
    const dir = unpacked.get(name) as string;
    expect(YAML.parse(await readFile(path.join(dir, "metadata.yaml"), "utf8")).name).toBe(name);
    expect(YAML.parse(await readFile(path.join(dir, "manifest.yaml"), "utf8")).bases[0]).toMatchObject({ name: "ubuntu", channel: "22.04" });
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
