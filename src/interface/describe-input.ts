/**
 * How untrusted input is shown in a rejection reason: short, typed, never the whole value (a
 * 64 KiB databag value must not end up in a status message or flood the logs).
 */

const MAX_QUOTED_LENGTH = 64;

/** A fragment of a string, JSON-quoted (so control characters show as escapes), cut short when long. */
export function quote(value: string, maxLength = MAX_QUOTED_LENGTH): string {
  if (value.length <= maxLength) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, maxLength))}… (${value.length} characters)`;
}

/** The JSON type of a decoded value, for "expected X, got Y" reasons. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return "a string";
    case "number":
      return Number.isInteger(value) ? "an integer" : "a number";
    case "boolean":
      return "a boolean";
    case "object":
      return "an object";
    default:
      return typeof value;
  }
}
