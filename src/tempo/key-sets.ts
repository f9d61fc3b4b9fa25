/**
 * The key lists of each Tempo version, indexed for the validator: which paths exist, which nodes are
 * mappings, lists of mappings, or free-form maps Tempo's decoder does not check.
 *
 * Notation of the lists (data README): dotted paths, every prefix listed; `a[]` = elements of list
 * `a` (a list of mappings); a `*` segment = any map key; a trailing `.*` with nothing under it = a
 * free-form subtree (e.g. `distributor.receivers.*`, handed to the OTel collector loader).
 */
import {
  KEY_SET_TAGS,
  KEY_SET_VERSIONS,
  legacyOverridesPaths,
  mainConfigPaths,
  perTenantOverridesLegacyPaths,
  perTenantOverridesPaths,
  targetsByVersion,
} from "./config-keys/key-sets.generated.js";

export type KeySetVersion = (typeof KEY_SET_VERSIONS)[number];
export { KEY_SET_VERSIONS };

export type KeyListKind = "mainConfig" | "legacyOverrides" | "perTenantOverrides" | "perTenantOverridesLegacy";

const LISTS: Record<KeyListKind, readonly (readonly [string, number])[]> = {
  mainConfig: mainConfigPaths,
  legacyOverrides: legacyOverridesPaths,
  perTenantOverrides: perTenantOverridesPaths,
  perTenantOverridesLegacy: perTenantOverridesLegacyPaths,
};

export interface KeyTree {
  readonly tag: string;
  /** Every valid path; the root is `""`. */
  readonly paths: ReadonlySet<string>;
  /** Nodes that are mappings with known children (the root included). */
  readonly mappings: ReadonlySet<string>;
  /** Nodes `a` that are lists of mappings (`a[]` is listed). */
  readonly listsOfMappings: ReadonlySet<string>;
  /** `x.*` nodes with nothing listed under them: anything goes below. */
  readonly freeForm: ReadonlySet<string>;
}

/** `a.b` → `a`; `a[].b` → `a[]`; `a[]` → `a` (marking `a` a list); `auth_enabled` → the root. */
function parentOf(keyPath: string): string {
  if (keyPath.endsWith("[]")) return keyPath.slice(0, -2);
  const dot = keyPath.lastIndexOf(".");
  return dot === -1 ? "" : keyPath.slice(0, dot);
}

function buildTree(kind: KeyListKind, version: KeySetVersion): KeyTree {
  const bit = 1 << KEY_SET_VERSIONS.indexOf(version);
  const paths = new Set<string>([""]);
  for (const [keyPath, mask] of LISTS[kind]) if ((mask & bit) !== 0) paths.add(keyPath);
  const mappings = new Set<string>();
  const listsOfMappings = new Set<string>();
  for (const keyPath of paths) {
    if (keyPath === "") continue;
    if (keyPath.endsWith("[]")) listsOfMappings.add(parentOf(keyPath));
    else mappings.add(parentOf(keyPath));
  }
  const freeForm = new Set([...paths].filter((keyPath) => keyPath.endsWith(".*") && !mappings.has(keyPath)));
  return { tag: KEY_SET_TAGS[version], paths, mappings, listsOfMappings, freeForm };
}

const treeCache = new Map<string, KeyTree>();

export function keyTree(kind: KeyListKind, version: KeySetVersion): KeyTree {
  const cacheKey = `${kind}@${version}`;
  let tree = treeCache.get(cacheKey);
  if (tree === undefined) {
    tree = buildTree(kind, version);
    treeCache.set(cacheKey, tree);
  }
  return tree;
}

export function isKeySetVersion(value: unknown): value is KeySetVersion {
  return typeof value === "string" && (KEY_SET_VERSIONS as readonly string[]).includes(value);
}

/**
 * Valid `-target` values for `version`, or `undefined` where the data has no targets list
 * (2.8 and 2.9: only their key lists were extracted).
 */
export function targetsFor(version: KeySetVersion): readonly string[] | undefined {
  return targetsByVersion[version];
}
