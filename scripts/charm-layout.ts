/**
 * Lay out one charm directory: the bundled runtime, the `dispatch` script Juju executes, and the
 * YAML files rendered from the charm's `CharmMeta`. Used by `npm run build` and by the e2e tests
 * (test/helpers/bundle-charm.ts), so every test runs the same artefact a user deploys.
 */
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type BuildOptions, type Plugin } from "esbuild";
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

/**
 * Node built-ins reached from our own modules through `require`, not through an ESM `import`.
 *
 * Every hook is a fresh Node process, so what loads at start-up is paid on every hook. esbuild
 * hoists an external `import` to the top of the bundle, where Node builds an ES module facade for
 * it: a facade reads every export, and Node 22's `node:http` has lazy exports (`WebSocket`, …)
 * that load all of undici — about 30 ms of a hook that never talks HTTP, and again of every hook
 * that sends its span (`import("node:http")`), measured with `--cpu-prof`. Through `require` a
 * built-in is a plain object read when used, and one imported by a lazily loaded module (Pebble's
 * client) loads only when that module does. Dependencies already reach built-ins this way
 * (`REQUIRE_SHIM`).
 */
const builtinsThroughRequire: Plugin = {
  name: "builtins-through-require",
  setup(plugin) {
    plugin.onResolve({ filter: /^node:/ }, (args) =>
      args.kind === "import-statement" || args.kind === "dynamic-import" ? { path: args.path, namespace: "node-builtin" } : undefined,
    );
    plugin.onLoad({ filter: /.*/, namespace: "node-builtin" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
  },
};

/**
 * zod's locales, English only. `z` is one namespace object holding every export, `locales` among
 * them, so a bundler keeps and evaluates all 50 message catalogues (about 5 ms per hook, measured
 * with `--cpu-prof`) for the one the charms use: English, which zod installs as its default.
 */
const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";',
      loader: "js",
    }));
  },
};

/**
 * Libraries kept out of the charm's main bundle, each bundled into its own CommonJS file in the
 * charm directory (`libraryFile`) and reached from the bundle only through `require` when first
 * used. Every hook is a fresh Node process that reads, hashes and loads the compile cache of the
 * whole main bundle, whether or not it runs a line of these: node-forge (~373 KB) only makes and
 * reads CSRs, `ws` (~67 KB) only carries Pebble exec. Out of it (the coordinator's bundle: 1.27 →
 * 0.83 MB), a warm start of the coordinator (Node 22, compile cache) took a median 8 ms less over
 * five runs alternating the two builds, 60–100 starts each (from 20 ms less to 3.5 ms more, the
 * machine being shared; bare node 83–107 ms). A library
 * listed here must be imported by its bare name (a file inside it would be bundled again into the
 * main bundle) and should have no dependency the main bundle also holds (that would be carried twice).
 */
export const LIBRARIES_IN_OWN_FILES: readonly string[] = ["node-forge", "ws"];

/** Where a library of `LIBRARIES_IN_OWN_FILES` goes, relative to the charm directory. */
export function libraryFile(name: string): string {
  return `lib/${name.replace(/^@/, "").replace(/\//g, "+")}.cjs`;
}

const OWN_FILE_NAMESPACE = "library-in-own-file";

/**
 * Resolve each library of `libraries` to a module that `require`s the library's own file at run
 * time. The bundle's `require` is the shim made for the bundle's location (`REQUIRE_SHIM`), so
 * `./lib/…` is found beside `charm.mjs` whatever the working directory. A CommonJS module is
 * evaluated when first required, so a library imported by a lazily loaded module (Pebble exec) or
 * required inside a function (forge) still loads only when used.
 */
function librariesInOwnFiles(libraries: readonly string[]): Plugin {
  const names = new Set(libraries);
  return {
    name: "libraries-in-own-files",
    setup(plugin) {
      plugin.onResolve({ filter: /^[^./]/ }, (args) => {
        if (names.has(args.path)) return { path: args.path, namespace: OWN_FILE_NAMESPACE };
        const inside = [...names].find((name) => args.path.startsWith(`${name}/`));
        if (inside === undefined) return undefined;
        return { errors: [{ text: `import "${inside}" itself, not "${args.path}": ${inside} is bundled into its own file (${libraryFile(inside)}), and a file inside it would be bundled a second time` }] };
      });
      plugin.onResolve({ filter: /.*/, namespace: OWN_FILE_NAMESPACE }, (args) => ({ path: args.path, external: true }));
      plugin.onLoad({ filter: /.*/, namespace: OWN_FILE_NAMESPACE }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`./${libraryFile(args.path)}`)});`,
        loader: "js",
      }));
    },
  };
}

/**
 * What both kinds of bundle share. Minified (whitespace and syntax, names kept, so stack traces
 * still name functions): Node reads, hashes and parses the whole file at every hook. Plain ASCII,
 * so V8 holds it as one-byte text; `checkBundleText` refuses anything else.
 */
const BUNDLE_OPTIONS = {
  absWorkingDir: REPO_ROOT,
  bundle: true,
  platform: "node",
  target: "node20",
  legalComments: "none",
  sourcemap: false,
  minifyWhitespace: true,
  minifySyntax: true,
  charset: "ascii",
  logLevel: "silent",
  // Resolve the same way as tsc/tsx: `.js` specifiers name `.ts` files.
  resolveExtensions: [".ts", ".js", ".mjs", ".json"],
} as const satisfies BuildOptions;

async function checkBundleFile(file: string): Promise<void> {
  const checked = checkBundleText(await readFile(file));
  if (checked !== undefined) throw new Error(`${file}: ${checked}`);
}

/**
 * Bundle `entry` and everything it imports into one ESM file in `charmDir` (`CHARM_BUNDLE_FILE`)
 * that needs nothing but Node 20+, except the libraries of `LIBRARIES_IN_OWN_FILES` it uses, each
 * bundled into its own CommonJS file. Which ones it uses comes from esbuild's metafile, so a charm
 * that never imports a library carries no file for it.
 *
 * @returns the files written, relative to `charmDir` (POSIX separators), sorted
 */
export async function bundleCharmEntry(entry: string, charmDir: string): Promise<string[]> {
  const outFile = path.join(charmDir, CHARM_BUNDLE_FILE);
  const result = await build({
    ...BUNDLE_OPTIONS,
    entryPoints: [path.resolve(REPO_ROOT, entry)],
    outfile: outFile,
    // ESM allows top-level await in a charm entry; `.mjs` makes Node load it as ESM with no package.json.
    format: "esm",
    banner: { js: REQUIRE_SHIM },
    plugins: [builtinsThroughRequire, zodEnglishOnly, librariesInOwnFiles(LIBRARIES_IN_OWN_FILES)],
    metafile: true,
  });
  await checkBundleFile(outFile);

  const bundled = Object.values(result.metafile.outputs).flatMap((output) => Object.keys(output.inputs));
  const used = LIBRARIES_IN_OWN_FILES.filter((name) => bundled.includes(`${OWN_FILE_NAMESPACE}:${name}`));
  for (const name of used) {
    const libraryOut = path.join(charmDir, libraryFile(name));
    await build({
      ...BUNDLE_OPTIONS,
      // The library's CommonJS entry (its `require` export condition), as a plain `require` finds it.
      stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: REPO_ROOT, loader: "js" },
      outfile: libraryOut,
      format: "cjs",
    });
    await checkBundleFile(libraryOut);
  }
  return [CHARM_BUNDLE_FILE, ...used.map(libraryFile)].sort();
}

/**
 * Why a bundle's bytes are not what a quick start needs, or undefined when they are: non-ASCII
 * text makes V8 hold the whole source as two-byte text (esbuild escapes strings, not regular
 * expression literals: write `\u00b5`, not `µ`).
 */
export function checkBundleText(bytes: Uint8Array): string | undefined {
  const index = bytes.findIndex((byte) => byte > 0x7f);
  if (index === -1) return undefined;
  const line = Buffer.from(bytes.subarray(0, index)).toString("latin1").split("\n").length;
  const context = Buffer.from(bytes.subarray(Math.max(0, index - 40), index + 10)).toString("utf8");
  return `non-ASCII byte at line ${line} (…${context}…): Node would read the bundle as two-byte text`;
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

  const bundleFiles = await bundleCharmEntry(request.entry, dir);
  const dispatchPath = path.join(dir, "dispatch");
  await writeFile(dispatchPath, DISPATCH_SCRIPT);
  await chmod(dispatchPath, 0o755);
  await writeFile(path.join(dir, "metadata.yaml"), renderMetadataYaml(meta));
  await writeFile(path.join(dir, "config.yaml"), renderConfigYaml(meta));
  await writeFile(path.join(dir, "manifest.yaml"), renderManifestYaml());
  const files = [...bundleFiles, "config.yaml", "dispatch", "manifest.yaml", "metadata.yaml"];
  // Juju reads actions from their own file; a charm without actions has none (as charmcraft packs it).
  if (Object.keys(meta.actions ?? {}).length > 0) {
    await writeFile(path.join(dir, "actions.yaml"), renderActionsYaml(meta));
    files.push("actions.yaml");
  }

  return { dir, files: files.sort() };
}
