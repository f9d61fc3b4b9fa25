/**
 * `juju config APP key=value` for the simulator: values are checked against the charm's declared
 * options the way Juju checks them, so a typo is a rejected step, not a charm that silently sees
 * a string where it expected a number.
 */
import type { CharmMeta } from "../juju/charm-meta.js";
import type { ConfigValue } from "../testing/world.js";

export type ConfigCheck = { kind: "valid"; values: Record<string, ConfigValue> } | { kind: "invalid"; reasons: string[] };

/** Check and coerce `values` (strings from a command line are parsed per the option's type). */
export function checkConfigValues(meta: CharmMeta, app: string, values: Readonly<Record<string, ConfigValue>>): ConfigCheck {
  const options = meta.config?.options ?? {};
  const reasons: string[] = [];
  const checked: Record<string, ConfigValue> = {};
  for (const key of Object.keys(values).sort()) {
    const option = options[key];
    const value = values[key]!;
    if (option === undefined) {
      const known = Object.keys(options).sort();
      reasons.push(`${app} has no config option "${key}"${known.length > 0 ? ` (options: ${known.join(", ")})` : ""}`);
      continue;
    }
    const coerced = coerce(option.type, value);
    if (coerced === undefined) reasons.push(`${app} option "${key}" expects a${option.type === "int" ? "n" : ""} ${option.type}, got ${JSON.stringify(value)}`);
    else checked[key] = coerced;
  }
  return reasons.length > 0 ? { kind: "invalid", reasons } : { kind: "valid", values: checked };
}

function coerce(type: string, value: ConfigValue): ConfigValue | undefined {
  switch (type) {
    case "boolean":
      if (typeof value === "boolean") return value;
      return value === "true" ? true : value === "false" ? false : undefined;
    case "int": {
      const number = typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
      return typeof number === "number" && Number.isSafeInteger(number) ? number : undefined;
    }
    case "float": {
      const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
      return typeof number === "number" && Number.isFinite(number) ? number : undefined;
    }
    default:
      return typeof value === "string" ? value : undefined;
  }
}

/** `key=value` pairs as typed on a command line; the first `=` splits. */
export function parseAssignments(words: readonly string[]): { kind: "valid"; values: Record<string, string> } | { kind: "invalid"; reasons: string[] } {
  const values: Record<string, string> = {};
  const reasons: string[] = [];
  for (const word of words) {
    const equals = word.indexOf("=");
    if (equals <= 0) reasons.push(`expected key=value, got "${word}"`);
    else values[word.slice(0, equals)] = word.slice(equals + 1);
  }
  return reasons.length > 0 ? { kind: "invalid", reasons } : { kind: "valid", values };
}
