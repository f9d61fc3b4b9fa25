/**
 * Build a charm entry into a fresh temporary charm directory, exactly as `npm run build` lays
 * out `dist/charms/<name>/`, so an e2e test runs the real `dispatch` and bundle.
 *
 *   const charmDir = await bundleCharm("test/fixtures/example-charm-main.ts", exampleMeta);
 *   const result = await runDispatch({ charmDir, state, event });
 */
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildCharmDir } from "../../scripts/charm-layout.js";
import type { CharmMeta } from "../../src/juju/charm-meta.js";

/**
 * @param entry the charm's entry module (it calls `dispatch(...)`), absolute or relative to the repository root
 * @param meta the charm's meta for `metadata.yaml`/`config.yaml`; defaults to a bare meta named after the entry file
 * @returns the absolute path of the new charm directory (under the OS temp dir; the caller may remove it)
 */
export async function bundleCharm(entry: string, meta?: CharmMeta): Promise<string> {
  const name = meta?.name ?? path.basename(entry).replace(/(-main)?\.[cm]?[jt]s$/, "");
  const parent = await mkdtemp(path.join(os.tmpdir(), "tempo-cluster-charm-"));
  const built = await buildCharmDir({ entry, meta: meta ?? { name, summary: `${name} (test bundle)`, description: `The charm entry ${entry}, bundled for a test.` }, outDir: path.join(parent, name) });
  return built.dir;
}
