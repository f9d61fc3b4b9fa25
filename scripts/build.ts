/**
 * `npm run build [-- <charm name>...]`: lay out `dist/charms/<name>/` for every charm (or the
 * ones named): one bundled JavaScript file (and `lib/<name>.cjs` for each library it keeps in a file
 * of its own, scripts/charm-layout.ts), an executable `dispatch`, metadata/config/manifest YAML.
 */
import path from "node:path";
import { buildCharmDir, REPO_ROOT } from "./charm-layout.js";
import { CHARM_TARGETS, charmBuildDir, loadCharmTarget } from "./charm-targets.js";

async function main(requested: readonly string[]): Promise<number> {
  const unknown = requested.filter((name) => !CHARM_TARGETS.some((target) => target.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`build: unknown charm ${unknown.join(", ")}; known: ${CHARM_TARGETS.map((t) => t.name).join(", ")}\n`);
    return 2;
  }
  const targets = requested.length === 0 ? CHARM_TARGETS : CHARM_TARGETS.filter((target) => requested.includes(target.name));
  let failures = 0;
  for (const target of targets) {
    const loaded = await loadCharmTarget(target);
    if (loaded.kind === "unavailable") {
      process.stderr.write(`build: cannot build ${target.name}: ${loaded.reason}\n`);
      failures += 1;
      continue;
    }
    const built = await buildCharmDir({ entry: target.entry, meta: loaded.meta, outDir: charmBuildDir(target.name) });
    process.stdout.write(`built ${path.relative(REPO_ROOT, built.dir)}/ (${built.files.join(", ")})\n`);
  }
  return failures === 0 ? 0 : 1;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // esbuild's compile errors are already formatted for people (file:line: message); no stack needed.
  process.stderr.write(`build: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
