/** A JSON-encoded databag value, or `undefined` when absent or not JSON (stand-ins never throw on data). */
export function jsonValue(raw: string | undefined): unknown {
  if (raw === undefined || raw === "") return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}
