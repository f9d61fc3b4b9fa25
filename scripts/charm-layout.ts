/**
 * Lay out one charm directory: the bundled runtime, the `dispatch` script Juju executes, and the
 * YAML files rendered from the charm's `CharmMeta`. Used by `npm run build` and by the e2e tests
 * (test/helpers/bundle-charm.ts), so every test runs the same artefact a user deploys.
 */
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { CharmMeta } from "../src/juju/charm-meta.js";
import {
  checkCharmMeta,
  renderActionsYaml,
  renderConfigYaml,
  renderManifestYaml,
  renderMetadataYaml,
} from "./charm-metadata.js";
import { CHARM_BUNDLE_FILE, DISPATCH_SCRIPT } from "./dispatch-script.js";

/** The repository root: this file lives in `<root>/scripts/`. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface CharmDirRequest {
  /** The charm's entry module (it calls `dispatch(...)`), absolute or relative to the repository root. */
  readonly entry: string;
  readonly meta: CharmMeta;
  /** The charm directory to (re)create; its previous content is removed. */
  readonly outDir: string;
}

export interface BuiltCharmDir {
  readonly dir: string;
  /** Relative paths of the files written, sorted. */
  readonly files: readonly string[];
}

/**
 * ESM bundles have no `require`; a dependency that calls it for a Node built-in would fail at run
 * time, so the bundle gets one made for its own location.
 */
const REQUIRE_SHIM = 'import { createRequire as __charmCreateRequire } from "node:module";\nconst require = __charmCreateRequire(import.meta.url);';

/** Bundle `entry` and everything it imports into one ESM file that needs nothing but Node 20+. */
export async function bundleCharmEntry(entry: string, outFile: string): Promise<void> {
  await build({
    entryPoints: [path.resolve(REPO_ROOT, entry)],
    outfile: outFile,
    absWorkingDir: REPO_ROOT,
    bundle: true,
    platform: "node",
    // ESM allows top-level await in a charm entry; `.mjs` makes Node load it as ESM with no package.json.
    format: "esm",
    target: "node20",
    banner: { js: REQUIRE_SHIM },
    legalComments: "none",
    sourcemap: false,
    logLevel: "silent",
    // Resolve the same way as tsc/tsx: `.js` specifiers name `.ts` files.
    resolveExtensions: [".ts", ".js", ".mjs", ".json"],
  });
}

export async function buildCharmDir(request: CharmDirRequest): Promise<BuiltCharmDir> {
  const checked = checkCharmMeta(request.meta);
  if (checked.kind === "invalid") {
    // The meta is the charm author's code, not user input: a bad one is a programming error.
    throw new Error(`charm meta for ${request.entry} is invalid:\n  ${checked.reasons.join("\n  ")}`);
  }
  const meta = checked.meta;
  const dir = path.resolve(request.outDir);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });

  await bundleCharmEntry(request.entry, path.join(dir, CHARM_BUNDLE_FILE));
  const dispatchPath = path.join(dir, "dispatch");
  await writeFile(dispatchPath, DISPATCH_SCRIPT);
  await chmod(dispatchPath, 0o755);
  await writeFile(path.join(dir, "metadata.yaml"), renderMetadataYaml(meta));
  await writeFile(path.join(dir, "config.yaml"), renderConfigYaml(meta));
  await writeFile(path.join(dir, "manifest.yaml"), renderManifestYaml());
  const files = [CHARM_BUNDLE_FILE, "config.yaml", "dispatch", "manifest.yaml", "metadata.yaml"];
  // Juju reads actions from their own file; a charm without actions has none (as charmcraft packs it).
  if (Object.keys(meta.actions ?? {}).length > 0) {
    await writeFile(path.join(dir, "actions.yaml"), renderActionsYaml(meta));
    files.push("actions.yaml");
  }

  return { dir, files: files.sort() };
}
