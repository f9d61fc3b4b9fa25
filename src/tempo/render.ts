/**
 * The one YAML emitter for Tempo configs. Fixed options make the output a function of the value:
 * keys sorted at every depth, lists kept in their (already sorted) order, no anchors or aliases
 * (Tempo would accept them, but a reader diffing two configs should not have to resolve them), and
 * no line folding, so long strings (S3 keys, URLs) stay on one line.
 *
 * YAML 1.1 rules decide quoting because Tempo decodes with go-yaml v2, a YAML 1.1 parser: a string
 * such as `on` or `yes` must be quoted or Tempo reads a boolean.
 */
import YAML from "yaml";
import { recentAnswers } from "../interface/recent-memo.js";

const RENDER_OPTIONS = {
  version: "1.1",
  sortMapEntries: true,
  aliasDuplicateObjects: false,
  lineWidth: 0,
  minContentWidth: 0,
  indent: 2,
} as const;

/**
 * The coordinator renders the config on every hook, and consecutive hooks mostly build the same
 * one; in one process (the simulator) the text for an identical value is reused.
 */
const recentRenders = recentAnswers<string>(2);

export function renderTempoConfig(config: unknown): string {
  if (!isJsonFaithful(config)) return emitTempoConfigYaml(config);
  return recentRenders(JSON.stringify(config), () => emitTempoConfigYaml(config));
}

/** The emitter itself, without reuse: what a fresh hook process pays, and what the benchmark times. */
export function emitTempoConfigYaml(config: unknown): string {
  return YAML.stringify(config, RENDER_OPTIONS);
}

/**
 * Whether JSON text pins `value` down exactly, so that two values with the same JSON render the
 * same: plain objects and arrays (no holes, no undefined, no symbols) of strings, booleans, null and
 * finite numbers other than -0 (JSON writes NaN as null and -0 as 0; the renderer does not).
 */
function isJsonFaithful(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== "object" || Object.getOwnPropertySymbols(value).length > 0) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let index = 0; index < value.length; index += 1) {
      if (!(index in value) || !isJsonFaithful(value[index])) return false;
    }
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.keys(value).every((key) => isJsonFaithful((value as Record<string, unknown>)[key]));
}
