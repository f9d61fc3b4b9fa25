/**
 * Databags on the wire: Juju stores `string → string`; tempo_cluster/v1 JSON-encodes every value
 * (spec §2). Encoding is deterministic (canonical JSON per value) so that publishing the same data
 * twice writes the same bytes; decoding never throws and says absent / invalid (reasons) / valid.
 *
 * Each databag has a list of keys this interface owns. Only those are read or written: unknown keys
 * (the Python charms' `worker_labels`, Juju's own `ingress-address`, `private-address`,
 * `egress-subnets`) are ignored, and a bag holding none of the owned keys is "absent".
 */
import type { z } from "zod";
import { canonicalJson } from "./canonical-json.js";
import { quote } from "./describe-input.js";
import type { Parsed } from "./parsed.js";
import { ProviderAppData, ProviderAppDataOnRead, RequirerAppData, RequirerUnitData } from "./schemas.js";

export type Databag = Readonly<Record<string, string>>;

export const REQUIRER_APP_KEYS = ["role"] as const;
export const REQUIRER_UNIT_KEYS = ["address", "juju_topology"] as const;
/** Includes `s3_tls_ca_chain`: we write it beside `s3_tls_ca_cert` for the Python workers (spec §2.5). */
export const PROVIDER_APP_KEYS = [
  "ca_cert",
  "charm_tracing_receivers",
  "loki_endpoints",
  "privkey_secret_id",
  "remote_write_endpoints",
  "s3_tls_ca_cert",
  "s3_tls_ca_chain",
  "server_cert",
  "worker_config",
  "worker_ports",
  "workload_tracing_receivers",
] as const;

/**
 * Every defined field → its canonical JSON, keys in sorted order. `undefined` fields are left out: an
 * unset optional field is an absent key (spec §2.4).
 */
export function encodeDatabag(data: Readonly<Record<string, unknown>>): Record<string, string> {
  const bag: Record<string, string> = {};
  for (const key of Object.keys(data).sort()) {
    const value = data[key];
    if (value !== undefined) bag[key] = canonicalJson(value);
  }
  return bag;
}

/**
 * Decode the owned keys of a databag and validate them. Never throws: a value that is not JSON or
 * JSON of the wrong shape makes the whole databag invalid, with one reason per problem.
 */
export function decodeDatabag<Schema extends z.ZodType>(
  bag: Databag,
  ownedKeys: readonly string[],
  schema: Schema,
): Parsed<z.output<Schema>> {
  const decoded: Record<string, unknown> = {};
  const reasons: string[] = [];
  let hasOwnedKey = false;
  for (const key of [...ownedKeys].sort()) {
    if (!Object.prototype.hasOwnProperty.call(bag, key)) continue;
    hasOwnedKey = true;
    const raw: unknown = bag[key];
    if (typeof raw !== "string") {
      reasons.push(`${key}: the databag holds ${typeof raw}, not a string`);
      continue;
    }
    try {
      decoded[key] = JSON.parse(raw);
    } catch {
      reasons.push(`${key}: ${quote(raw)} is not JSON (every tempo_cluster value is JSON-encoded)`);
    }
  }
  if (!hasOwnedKey) return { kind: "absent" };

  const result = schema.safeParse(decoded);
  const undecodable = new Set(reasons.map((reason) => reason.slice(0, reason.indexOf(":"))));
  for (const issue of result.success ? [] : result.error.issues) {
    const key = String(issue.path[0] ?? "");
    // A required key that was not JSON is reported once, as "not JSON", rather than again as "missing".
    if (issue.path.length === 1 && undecodable.has(key)) continue;
    reasons.push(issue.path.length === 0 ? issue.message : `${issue.path.map(String).join(".")}: ${issue.message}`);
  }
  if (!result.success || reasons.length > 0) return { kind: "invalid", reasons };
  return { kind: "valid", data: result.data };
}

export function encodeRequirerAppData(data: RequirerAppData): Record<string, string> {
  return encodeDatabag(RequirerAppData.parse(data));
}

export function decodeRequirerAppDatabag(bag: Databag): Parsed<RequirerAppData> {
  return decodeDatabag(bag, REQUIRER_APP_KEYS, RequirerAppData);
}

export function encodeRequirerUnitData(data: RequirerUnitData): Record<string, string> {
  return encodeDatabag(RequirerUnitData.parse(data));
}

export function decodeRequirerUnitDatabag(bag: Databag): Parsed<RequirerUnitData> {
  return decodeDatabag(bag, REQUIRER_UNIT_KEYS, RequirerUnitData);
}

/** Writes the S3 CA under both `s3_tls_ca_cert` (published) and `s3_tls_ca_chain` (Python workers). */
export function encodeProviderAppData(data: ProviderAppData): Record<string, string> {
  const checked = ProviderAppData.parse(data);
  return encodeDatabag({ ...checked, s3_tls_ca_chain: checked.s3_tls_ca_cert });
}

/** Reads `s3_tls_ca_cert`, falling back to the Python charms' `s3_tls_ca_chain`. */
export function decodeProviderAppDatabag(bag: Databag): Parsed<ProviderAppData> {
  return decodeDatabag(bag, PROVIDER_APP_KEYS, ProviderAppDataOnRead);
}
