/**
 * Strict validation of a Tempo config against the key lists of one Tempo version.
 *
 * Tempo decodes its config with `yaml.UnmarshalStrict`: an unknown key, a duplicate key, or a
 * mapping where a scalar belongs stops it from starting, and a `key:` left null silently resets a
 * section to its zero value (a null `storage.trace.wal` makes the ingester panic). This module
 * reports all of those, each with the path where it happens, so nothing reaches a worker that Tempo
 * would refuse. Receiver contents (`distributor.receivers.*`) are free-form here as in Tempo's decoder.
 */
import YAML from "yaml";
import { recentAnswers } from "../interface/recent-memo.js";
import { keyTree, type KeySetVersion, type KeyTree } from "./key-sets.js";
import { VALUE_RULES } from "./value-rules.js";

export interface ConfigProblem {
  /** Where, as a YAML path: `storage.trace.s3.bucket`, `metrics_generator.storage.remote_write[0].url`; `""` = the document. */
  readonly path: string;
  readonly message: string;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Both the key-list path (`a[].b`) and the displayed path (`a[0].b`) join keys with dots; the root is "". */
function joinPath(parent: string, key: string): string {
  return parent === "" ? key : `${parent}.${key}`;
}

/** A literal YAML key may not smuggle list-notation characters into a lookup (`lifecycler.ring` as one key). */
function isPlainKey(key: string): boolean {
  return !key.includes(".") && !key.includes("[") && key !== "*";
}

interface Walk {
  readonly tree: KeyTree;
  readonly version: KeySetVersion;
  readonly problems: ConfigProblem[];
  /** Only the main config's `overrides:` has a legacy form to fall back to. */
  readonly isMainConfig: boolean;
}

function walk(walkState: Walk, value: unknown, keyPath: string, display: string): void {
  const { tree, problems } = walkState;
  if (tree.freeForm.has(keyPath)) return;
  if (value === null) {
    problems.push({
      path: display,
      message: "null resets this field to its zero value in Tempo (a null section loses every default); omit the key or write {}",
    });
    return;
  }
  if (tree.listsOfMappings.has(keyPath)) {
    if (!Array.isArray(value)) {
      problems.push({ path: display, message: `expected a list of mappings, found ${typeof value === "object" ? "a mapping" : typeof value}` });
      return;
    }
    value.forEach((item, index) => {
      const itemDisplay = `${display}[${index}]`;
      if (!isMapping(item)) problems.push({ path: itemDisplay, message: "expected a mapping" });
      else walkMapping(walkState, item, `${keyPath}[]`, itemDisplay);
    });
    return;
  }
  if (tree.mappings.has(keyPath)) {
    if (!isMapping(value)) {
      problems.push({ path: display, message: `expected a mapping, found ${Array.isArray(value) ? "a list" : typeof value}` });
      return;
    }
    walkMapping(walkState, value, keyPath, display);
    return;
  }
  const rule = VALUE_RULES[keyPath];
  const message = rule?.(value, walkState.version);
  if (message) problems.push({ path: display, message });
}

function walkMapping(walkState: Walk, mapping: Record<string, unknown>, keyPath: string, display: string): void {
  const { tree, problems } = walkState;
  for (const key of Object.keys(mapping).sort()) {
    // The renderer drops undefined values, so an undefined optional field is an absent key.
    if (mapping[key] === undefined) continue;
    const childDisplay = joinPath(display, key);
    const exact = joinPath(keyPath, key);
    const wildcard = joinPath(keyPath, "*");
    if (isPlainKey(key) && tree.paths.has(exact)) {
      if (exact === "overrides" && walkState.isMainConfig) walkOverrides(walkState, mapping[key], childDisplay);
      else walk(walkState, mapping[key], exact, childDisplay);
    } else if (tree.paths.has(wildcard)) {
      walk(walkState, mapping[key], wildcard, childDisplay);
    } else {
      problems.push({
        path: childDisplay,
        message: `unknown key ${JSON.stringify(key)}: Tempo ${tree.tag} refuses to start ("field ${key} not found")`,
      });
    }
  }
}

/**
 * `overrides:` is decoded in the new format first, then retried in the legacy flat form
 * (`modules/overrides/config.go`); Tempo's error then names the legacy type whatever the typo was,
 * so the new-format problems are the ones reported.
 */
function walkOverrides(walkState: Walk, value: unknown, display: string): void {
  const asNewFormat: ConfigProblem[] = [];
  walk({ ...walkState, problems: asNewFormat }, value, "overrides", display);
  if (asNewFormat.length === 0) return;
  const asLegacy: ConfigProblem[] = [];
  walk({ ...walkState, tree: keyTree("legacyOverrides", walkState.version), problems: asLegacy, isMainConfig: false }, value, "overrides", display);
  if (asLegacy.length === 0) return;
  walkState.problems.push(...asNewFormat);
}

/** Every problem Tempo `version` would have with `config`; empty means the keys and known values are valid. */
export function validateTempoConfig(config: unknown, version: KeySetVersion): ConfigProblem[] {
  if (!isMapping(config)) {
    return [{ path: "", message: `a Tempo config must be a mapping, found ${Array.isArray(config) ? "a list" : config === null ? "nothing" : typeof config}` }];
  }
  const problems: ConfigProblem[] = [];
  walkMapping({ tree: keyTree("mainConfig", version), version, problems, isMainConfig: true }, config, "", "");
  return problems;
}

/**
 * Every worker validates the same config text; in one process (the simulator) the problems found
 * for the exact text and version are reused, and each caller gets its own copies. (The version is
 * one of a few fixed tags without a newline, so the key is unambiguous.)
 */
const recentValidations = recentAnswers<readonly ConfigProblem[]>(8);

/** Parses as go-yaml v2 would (YAML 1.1, duplicate keys refused), then validates. */
export function validateTempoConfigText(yamlText: string, version: KeySetVersion): ConfigProblem[] {
  const problems = recentValidations(`${version}\n${yamlText}`, () => parseAndValidate(yamlText, version));
  return problems.map((problem) => ({ ...problem }));
}

function parseAndValidate(yamlText: string, version: KeySetVersion): ConfigProblem[] {
  const document = YAML.parseDocument(yamlText, { version: "1.1", uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    // The first line of a pretty error names the line and column; the rest is a source excerpt.
    const firstLine = (message: string): string => (message.split("\n")[0] ?? message).replace(/:$/, "");
    return document.errors.map((error) => ({ path: "", message: `not valid YAML: ${firstLine(error.message)}` }));
  }
  return validateTempoConfig(document.toJS({ maxAliasCount: 1000 }), version);
}

/** The runtime per-tenant overrides file (`overrides.per_tenant_override_config`), new or legacy format. */
export function validatePerTenantOverrides(overrides: unknown, version: KeySetVersion): ConfigProblem[] {
  if (!isMapping(overrides)) return [{ path: "", message: "a per-tenant overrides file must be a mapping" }];
  const asNewFormat: ConfigProblem[] = [];
  walkMapping({ tree: keyTree("perTenantOverrides", version), version, problems: asNewFormat, isMainConfig: false }, overrides, "", "");
  if (asNewFormat.length === 0) return [];
  const asLegacy: ConfigProblem[] = [];
  walkMapping({ tree: keyTree("perTenantOverridesLegacy", version), version, problems: asLegacy, isMainConfig: false }, overrides, "", "");
  return asLegacy.length === 0 ? [] : asNewFormat;
}
