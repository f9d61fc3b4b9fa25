/**
 * Deterministic JSON: object keys sorted recursively, no whitespace.
 *
 * Juju fires `relation-changed` whenever a databag value's bytes change, so writing the same data
 * twice must yield the same bytes whatever order the data was assembled in (spec §2.4).
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === "string" && value.length >= LONG_STRING_LENGTH) return longStringJson(value);
  return JSON.stringify(sortKeysDeep(value));
}

/**
 * The coordinator encodes the same `worker_config` (tens of kilobytes in a big cluster) for every
 * relation it publishes to, hook after hook. The JSON of the last long string is kept: comparing
 * the string with the last one is cheaper than encoding it again, and the answer is the same.
 */
const LONG_STRING_LENGTH = 4096;
let lastLongString: string | undefined;
let lastLongStringJson = "";

function longStringJson(value: string): string {
  if (value !== lastLongString) {
    lastLongStringJson = JSON.stringify(value);
    lastLongString = value;
  }
  return lastLongStringJson;
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === "object") {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      // defineProperty, not assignment: a key named "__proto__" must stay a plain key.
      Object.defineProperty(sorted, key, {
        value: sortKeysDeep((value as Record<string, unknown>)[key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return sorted;
  }
  return value;
}
