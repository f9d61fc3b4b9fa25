import { spawnSync } from "node:child_process";
import { chmod, cp, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { bundleCharmEntry, checkBundleText, libraryFile } from "../../scripts/charm-layout.js";
import { COMPILE_CACHE_DIR } from "../../scripts/dispatch-script.js";
import type { CharmMeta } from "../../src/juju/charm-meta.js";
import { bundleCharm } from "../helpers/bundle-charm.js";

const ENTRY = "test/build/fixtures/report-process-main.ts";

const META: CharmMeta = {
  name: "report-process",
  summary: "Reports how dispatch started it.",
  description: "A test charm.",
  containers: { workload: { resource: "workload-image", mounts: [{ storage: "data", location: "/data" }] } },
  resources: { "workload-image": { type: "oci-image", description: "The workload.", "upstream-source": "ubuntu:22.04" } },
  storage: { data: { type: "filesystem", description: "Workload data." } },
  provides: { cluster: { interface: "tempo_cluster" } },
  requires: { s3: { interface: "s3", limit: 1 } },
  peers: { peers: { interface: "report_process_peers" } },
  config: {
    options: {
      "retention-period": { type: "int", default: 720, description: "Hours to keep traces." },
      "role-all": { type: "boolean", default: true, description: "Run every role." },
    },
  },
};

/** The directory of the Node running this test: a PATH holding `node` and nothing that charms use. */
const NODE_BIN_DIR = path.dirname(process.execPath);

interface DispatchRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run `dispatch` the way Juju does: no arguments, cwd = charm dir, a replaced environment. */
function runDispatchAsJuju(charmDir: string, env: Record<string, string>, command = "./dispatch"): DispatchRun {
  const result = spawnSync(command, [], { cwd: charmDir, env, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function jujuEnv(charmDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: `${NODE_BIN_DIR}:/usr/bin:/bin`,
    JUJU_DISPATCH_PATH: "hooks/install",
    JUJU_HOOK_NAME: "install",
    JUJU_UNIT_NAME: "report-process/0",
    JUJU_CHARM_DIR: charmDir,
    LANG: "C.UTF-8",
    ...extra,
  };
}

describe("a built charm directory", () => {
  let charmDir: string;

  beforeAll(async () => {
    charmDir = await bundleCharm(ENTRY, META);
  });
  afterAll(async () => {
    await rm(path.dirname(charmDir), { recursive: true, force: true });
  });

  it("holds exactly the bundle, the one library file it uses, dispatch and the three YAML files (the compile cache is made by hooks, not by the build)", async () => {
    const { readdir } = await import("node:fs/promises");
    expect((await readdir(charmDir)).sort()).toEqual(["charm.mjs", "config.yaml", "dispatch", "lib", "manifest.yaml", "metadata.yaml"]);
    // The entry imports ws but not node-forge: only the library it uses gets a file.
    expect(await readdir(path.join(charmDir, "lib"))).toEqual(["ws.cjs"]);
  });

  it("makes dispatch executable and starts it with a POSIX sh shebang", async () => {
    const mode = (await stat(path.join(charmDir, "dispatch"))).mode;
    expect(mode & 0o111).toBe(0o111);
    expect((await readFile(path.join(charmDir, "dispatch"), "utf8")).startsWith("#!/bin/sh\n")).toBe(true);
  });

  it("renders metadata.yaml from the meta: containers, oci-image resources, storage and relations", async () => {
    const metadata = YAML.parse(await readFile(path.join(charmDir, "metadata.yaml"), "utf8"));
    expect(metadata).toEqual({
      name: "report-process",
      summary: "Reports how dispatch started it.",
      description: "A test charm.",
      containers: { workload: { resource: "workload-image", mounts: [{ storage: "data", location: "/data" }] } },
      resources: { "workload-image": { type: "oci-image", description: "The workload.", "upstream-source": "ubuntu:22.04" } },
      storage: { data: { type: "filesystem", description: "Workload data." } },
      provides: { cluster: { interface: "tempo_cluster" } },
      requires: { s3: { interface: "s3", limit: 1 } },
      peers: { peers: { interface: "report_process_peers" } },
    });
  });

  it("renders config.yaml with every option, its type and default", async () => {
    const config = YAML.parse(await readFile(path.join(charmDir, "config.yaml"), "utf8"));
    expect(config).toEqual({ options: META.config?.options });
  });

  it("declares an Ubuntu 22.04 amd64 base in manifest.yaml", async () => {
    const manifest = YAML.parse(await readFile(path.join(charmDir, "manifest.yaml"), "utf8"));
    expect(manifest.bases).toEqual([{ name: "ubuntu", channel: "22.04", architectures: ["amd64"] }]);
  });

  it("writes the YAML files with sorted keys so rebuilding gives the same bytes", async () => {
    const text = await readFile(path.join(charmDir, "metadata.yaml"), "utf8");
    const topLevelKeys = text.split("\n").filter((line) => /^[a-z]/.test(line)).map((line) => line.split(":")[0]);
    expect(topLevelKeys).toEqual([...topLevelKeys].sort());
    const again = await bundleCharm(ENTRY, META);
    try {
      for (const file of ["charm.mjs", "lib/ws.cjs", "config.yaml", "dispatch", "manifest.yaml", "metadata.yaml"]) {
        expect(await readFile(path.join(again, file), "utf8"), file).toBe(await readFile(path.join(charmDir, file), "utf8"));
      }
    } finally {
      await rm(path.dirname(again), { recursive: true, force: true });
    }
  });

  it("runs the bundle when Juju executes dispatch: no arguments, cwd = charm dir, no HOME", () => {
    const run = runDispatchAsJuju(charmDir, jujuEnv(charmDir));
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ argv: [], cwd: charmDir, home: null, dispatchPath: "hooks/install", nodeMarker: null });
    expect(report.bundledYaml).toBe("bundled: true");
    expect(report.commonJsDependency).toBe("function");
    expect(report.builtin).toBe("e3b0c442");
    expect(report.lazyBuiltin).toBe("function");
    expect(report.ownFileLibrary).toBe("function");
  });

  it("bundles plain ASCII, so Node holds the source as one-byte text", async () => {
    expect(checkBundleText(await readFile(path.join(charmDir, "charm.mjs")))).toBeUndefined();
    expect(checkBundleText(await readFile(path.join(charmDir, "lib", "ws.cjs")))).toBeUndefined();
  });

  it("keeps ws out of the main bundle: its source is only in lib/ws.cjs, a minified CommonJS file", async () => {
    const bundle = await readFile(path.join(charmDir, "charm.mjs"), "utf8");
    const library = await readFile(path.join(charmDir, "lib", "ws.cjs"), "utf8");
    // esbuild names each bundled CommonJS module by its path; ws's would be node_modules/ws/lib/*.js.
    expect(bundle).not.toContain("node_modules/ws/");
    expect(bundle).toContain('require("./lib/ws.cjs")');
    expect(library).toContain("node_modules/ws/lib/websocket.js");
    expect(library).toMatch(/module\.exports=require_ws\(\);\n$/);
    expect(library).not.toMatch(/^import /m);
    expect(library).not.toContain("sourceMappingURL");
  });

  it("loads lib/ws.cjs beside the bundle only when the charm first imports ws, from any working directory", () => {
    const run = runDispatchAsJuju("/", jujuEnv(charmDir), path.join(charmDir, "dispatch"));
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout).loadedForOwnFileLibrary).toEqual([path.join(charmDir, "lib", "ws.cjs")]);
  });

  it("reaches Node built-ins through require: the bundle's only ES import is the require shim's", async () => {
    const bundle = await readFile(path.join(charmDir, "charm.mjs"), "utf8");
    const imports = [...bundle.matchAll(/\bimport\s*\{?[\w\s,{}]*\}?\s*from\s*"([^"]+)"/g)].map((match) => match[1]);
    expect(imports).toEqual(["node:module"]);
    expect(bundle).not.toMatch(/\bimport\(\s*"node:/);
  });

  it("points Node's compile cache at a directory it makes inside the charm directory", async () => {
    const run = runDispatchAsJuju(charmDir, jujuEnv(charmDir));
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).compileCache).toBe(path.join(charmDir, COMPILE_CACHE_DIR));
    expect((await stat(path.join(charmDir, COMPILE_CACHE_DIR))).isDirectory()).toBe(true);
  });

  it("runs the hook without a compile cache when its directory cannot be made", async () => {
    const blocked = path.join(path.dirname(charmDir), "charm with a file where the cache goes");
    await cp(charmDir, blocked, { recursive: true });
    await rm(path.join(blocked, COMPILE_CACHE_DIR), { recursive: true, force: true });
    await writeFile(path.join(blocked, COMPILE_CACHE_DIR), "not a directory\n");
    const run = runDispatchAsJuju(blocked, jujuEnv(blocked));
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).compileCache).toBeNull();
  });

  it("finds its bundle from its own path when started from another working directory", () => {
    const run = runDispatchAsJuju("/", jujuEnv(charmDir, { JUJU_CHARM_DIR: "/nonexistent" }), path.join(charmDir, "dispatch"));
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).cwd).toBe("/");
  });

  it("finds the charm through JUJU_CHARM_DIR when run through a legacy hooks/<name> link", async () => {
    await mkdir(path.join(charmDir, "hooks"), { recursive: true });
    await symlink("../dispatch", path.join(charmDir, "hooks", "install"));
    try {
      const env = jujuEnv(charmDir);
      delete (env as Partial<Record<string, string>>).JUJU_DISPATCH_PATH;
      const run = runDispatchAsJuju("/", env, path.join(charmDir, "hooks", "install"));
      expect(run.stderr).toBe("");
      expect(JSON.parse(run.stdout).dispatchPath).toBe(path.join(charmDir, "hooks", "install"));
    } finally {
      await rm(path.join(charmDir, "hooks"), { recursive: true, force: true });
    }
  });

  it("works from a directory whose path has spaces", async () => {
    const spaced = path.join(path.dirname(charmDir), "charm dir with spaces");
    await cp(charmDir, spaced, { recursive: true });
    const run = runDispatchAsJuju(spaced, jujuEnv(spaced));
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout).cwd).toBe(spaced);
  });

  it("defaults JUJU_DISPATCH_PATH to its own path for Juju versions that do not set it", () => {
    const env = jujuEnv(charmDir);
    delete (env as Partial<Record<string, string>>).JUJU_DISPATCH_PATH;
    const run = runDispatchAsJuju(charmDir, env);
    expect(JSON.parse(run.stdout).dispatchPath).toBe("./dispatch");
  });

  it("fails with a clear message when there is neither a bundled node nor node on PATH", () => {
    const run = runDispatchAsJuju(charmDir, jujuEnv(charmDir, { PATH: "/nonexistent" }));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("dispatch: no Node.js runtime");
    expect(run.stdout).toBe("");
  });

  describe("with a Node runtime packed inside", () => {
    beforeAll(async () => {
      // A stand-in for the packed runtime that marks the process, so the test sees which node ran.
      await mkdir(path.join(charmDir, "node", "bin"), { recursive: true });
      const wrapper = path.join(charmDir, "node", "bin", "node");
      await writeFile(wrapper, `#!/bin/sh\nTEMPO_TEST_NODE_MARKER=bundled exec "${process.execPath}" "$@"\n`);
      await chmod(wrapper, 0o755);
    });
    afterAll(async () => {
      await rm(path.join(charmDir, "node"), { recursive: true, force: true });
    });

    it("prefers the bundled node over node on PATH", () => {
      const run = runDispatchAsJuju(charmDir, jujuEnv(charmDir));
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout).nodeMarker).toBe("bundled");
    });

    it("needs no node on PATH at all", () => {
      const run = runDispatchAsJuju(charmDir, jujuEnv(charmDir, { PATH: "/nonexistent" }));
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout).nodeMarker).toBe("bundled");
    });
  });
});

describe("the bundle text check", () => {
  it("accepts ASCII", () => {
    expect(checkBundleText(Buffer.from('const unit = /\\u00b5s/;\n'))).toBeUndefined();
  });

  it("names the line of the first non-ASCII byte", () => {
    expect(checkBundleText(Buffer.from("const a = 1;\nconst unit = /µs/;\n"))).toMatch(/^non-ASCII byte at line 2 \(.*const unit = \/µs/s);
  });
});

describe("a library kept in its own file", () => {
  it("is refused, with the fix, when a charm imports a file inside it instead of the package", async () => {
    const outDir = await mkdtemp(path.join(os.tmpdir(), "tempo-cluster-inside-library-"));
    try {
      await expect(bundleCharmEntry("test/build/fixtures/imports-inside-forge-main.ts", outDir)).rejects.toThrow(
        'import "node-forge" itself, not "node-forge/lib/pki.js"',
      );
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });

  it("is written to lib/<name>.cjs, a scoped package's scope joined to its name", () => {
    expect(libraryFile("node-forge")).toBe("lib/node-forge.cjs");
    expect(libraryFile("@scope/name")).toBe("lib/scope+name.cjs");
  });
});
