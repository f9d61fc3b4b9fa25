/**
 * Durations as an operator types them for the simulator: a whole number and one unit, `m`
 * minutes, `h` hours, `d` days, `w` weeks — the syntax of self-signed-certificates'
 * `certificate-validity` (its `_parse_config_time_string`), which also reads a bare number as days.
 */
const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export type DurationParse = { readonly kind: "valid"; readonly ms: number } | { readonly kind: "invalid"; readonly reason: string };

/** A positive duration; `bareUnit` is the unit of a number given without one (none: a unit is required). */
export function parseDuration(text: string, bareUnit?: "m" | "h" | "d" | "w"): DurationParse {
  const trimmed = text.trim();
  const match = /^(\d+)([mhdw]?)$/.exec(trimmed);
  const unit = match?.[2] || bareUnit;
  const ms = match && unit !== undefined ? Number(match[1]) * UNIT_MS[unit]! : 0;
  if (ms <= 0 || !Number.isSafeInteger(ms)) {
    return { kind: "invalid", reason: `"${trimmed}" is not a duration: a positive whole number with m, h, d or w (e.g. 90d)` };
  }
  return { kind: "valid", ms };
}
