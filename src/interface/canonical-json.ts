/**
 * Deterministic JSON: object keys sorted recursively, no whitespace.
 *
 * Juju fires `relation-changed` whenever a databag value's bytes change, so writing the same data
 * twice must yield the same bytes whatever order the data was assembled in (spec §2.4).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value));
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
