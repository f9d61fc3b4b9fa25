/**
 * `npm run pack [-- <charm name>...]`: build each charm, then zip `dist/charms/<name>/` with a Node
 * runtime into one `.charm` per architecture, `dist/<name>_ubuntu-22.04-<amd64|arm64>.charm`, ready
 * for `juju deploy`. Each runtime tarball is cached in `dist/.cache/`, so only the first pack
 * downloads it.
 *
 * One charm per architecture, not one for both: a charm carrying both Node binaries would be twice
 * the size (~45 MB more), downloaded and unpacked by every unit on every refresh (the review's
 * finding 11), and `dispatch` would have to pick a binary at run time; Juju deploys a charm per
 * architecture anyway, matching the manifest's `bases` to the model's `arch` constraint.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { packCharmDir } from "./charm-archive.js";
import { buildCharmDir, REPO_ROOT } from "./charm-layout.js";
import { CHARM_TARGETS, charmArchivePath, charmBuildDir, DIST_DIR, loadCharmTarget } from "./charm-targets.js";
import { CHARM_ARCHITECTURES, type CharmArchitecture, ensureNodeRuntime, NODE_RUNTIME_PACKAGES, NODE_RUNTIME_VERSION } from "./node-runtime.js";

async function main(requested: readonly string[]): Promise<number> {
  const unknown = requested.filter((name) => !CHARM_TARGETS.some((target) => target.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`pack: unknown charm ${unknown.join(", ")}; known: ${CHARM_TARGETS.map((t) => t.name).join(", ")}\n`);
    return 2;
  }
  const targets = requested.length === 0 ? CHARM_TARGETS : CHARM_TARGETS.filter((target) => requested.includes(target.name));

  const runtimes = new Map<CharmArchitecture, string>();
  for (const architecture of CHARM_ARCHITECTURES) {
    const runtime = await ensureNodeRuntime(path.join(DIST_DIR, ".cache"), architecture);
    if (runtime.kind === "failed") {
      const spec = `${NODE_RUNTIME_PACKAGES[architecture]}@${NODE_RUNTIME_VERSION}`;
      process.stderr.write(`pack: cannot get the Node runtime ${spec}: ${runtime.reason}\n`);
      return 1;
    }
    runtimes.set(architecture, runtime.nodeBinary);
  }

  let failures = 0;
  for (const target of targets) {
    const loaded = await loadCharmTarget(target);
    if (loaded.kind === "unavailable") {
      process.stderr.write(`pack: cannot build ${target.name}: ${loaded.reason}\n`);
      failures += 1;
      continue;
    }
    const built = await buildCharmDir({ entry: target.entry, meta: loaded.meta, outDir: charmBuildDir(target.name) });
    for (const [architecture, nodeBinary] of runtimes) {
      const outFile = charmArchivePath(target.name, architecture);
      const entries = await packCharmDir({ charmDir: built.dir, nodeBinary, architecture, outFile });
      const sizeMb = ((await stat(outFile)).size / 1024 / 1024).toFixed(1);
      process.stdout.write(`packed ${path.relative(REPO_ROOT, outFile)} (${entries.length} entries, ${sizeMb} MB)\n`);
    }
  }
  return failures === 0 ? 0 : 1;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // esbuild's compile errors are already formatted for people (file:line: message); no stack needed.
  process.stderr.write(`pack: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
