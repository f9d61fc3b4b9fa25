/**
 * The charms this repository ships: where each one's entry and meta live, and where the build
 * and pack steps put them. One list, read by `scripts/build.ts`, `scripts/pack.ts` and their tests.
 */
import { access } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { CharmMeta } from "../src/juju/charm-meta.js";
import { CharmMeta as CharmMetaSchema } from "../src/juju/charm-meta-schema.js";
import { REPO_ROOT } from "./charm-layout.js";

export interface CharmTarget {
  /** The charm's name: `metadata.yaml` `name`, `dist/charms/<name>/`, `dist/<name>.charm`. */
  readonly name: string;
  /** The module that calls `dispatch(...)`, relative to the repository root. */
  readonly entry: string;
  /** The module exporting the charm's `CharmMeta`, relative to the repository root. */
  readonly metaModule: string;
}

export const CHARM_TARGETS: readonly CharmTarget[] = [
  { name: "tempo-coordinator", entry: "src/charms/coordinator/main.ts", metaModule: "src/charms/coordinator/meta.ts" },
  { name: "tempo-worker", entry: "src/charms/worker/main.ts", metaModule: "src/charms/worker/meta.ts" },
];

export const DIST_DIR = path.join(REPO_ROOT, "dist");
export const charmBuildDir = (name: string): string => path.join(DIST_DIR, "charms", name);
/**
 * One `.charm` per architecture, named like charmcraft's (`<name>_<base>-<arch>.charm`): each carries
 * the one Node binary its architecture runs (scripts/pack.ts says why not one multi-arch charm).
 */
export const charmArchivePath = (name: string, architecture: string = "amd64"): string =>
  path.join(DIST_DIR, `${name}_ubuntu-22.04-${architecture}.charm`);

export type LoadedTarget =
  | { kind: "ready"; target: CharmTarget; meta: CharmMeta }
  | { kind: "unavailable"; target: CharmTarget; reason: string };

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/**
 * Import the meta module and take the exported `CharmMeta` named like the target, whatever the
 * export is called, so the build does not break when a charm renames its constant.
 */
export async function loadCharmTarget(target: CharmTarget): Promise<LoadedTarget> {
  for (const file of [target.entry, target.metaModule]) {
    if (!(await exists(path.join(REPO_ROOT, file)))) {
      return { kind: "unavailable", target, reason: `${file} does not exist` };
    }
  }
  const module: Record<string, unknown> = await import(pathToFileURL(path.join(REPO_ROOT, target.metaModule)).href);
  for (const value of Object.values(module)) {
    const parsed = CharmMetaSchema.safeParse(value);
    if (parsed.success && parsed.data.name === target.name) return { kind: "ready", target, meta: parsed.data };
  }
  return { kind: "unavailable", target, reason: `${target.metaModule} exports no valid CharmMeta named "${target.name}"` };
}
