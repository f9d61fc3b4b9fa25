/**
 * The published tempo_cluster/v1 JSON schemas (the repository's copy in `spec/schemas/`), turned
 * into validators of **decoded** databags.
 *
 * The published files describe the encoded databag: each value is a string with
 * `contentMediaType: application/json` and a `contentSchema` for what it decodes to, which ajv treats
 * as an annotation. We derive the decoded schema from the file itself — each property becomes its
 * `contentSchema` — rather than copying it by hand, so a change upstream shows up here.
 *
 * A `{type: "null"}` branch of an optional property is dropped: it allows the raw value to be JSON
 * null, which a Juju databag (string → string) cannot hold; the decoded value `null` (the string
 * "null") fails pydantic's `Json[...]` branch as well.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const schemasDir = path.join(repoRoot, "spec", "schemas");

type JsonSchema = Record<string, unknown>;

/** One published schema file as it is (it describes the encoded databag). */
export function readPublished(side: "provider" | "requirer"): JsonSchema {
  return JSON.parse(readFileSync(path.join(schemasDir, `tempo_cluster-v1-${side}.json`), "utf8")) as JsonSchema;
}

function decodedProperty(name: string, property: JsonSchema): JsonSchema {
  if (property.contentSchema !== undefined) return property.contentSchema as JsonSchema;
  const branches = (property.anyOf as JsonSchema[] | undefined)?.filter((branch) => branch.contentSchema !== undefined);
  if (branches?.length === 1 && branches[0]) return branches[0].contentSchema as JsonSchema;
  throw new Error(`published property ${name} has no single contentSchema; the decoding rule needs a look`);
}

function decodedDatabagSchema(published: JsonSchema, definition: string): JsonSchema {
  const defs = published.$defs as Record<string, JsonSchema>;
  const model = defs[definition];
  if (!model) throw new Error(`published schema has no $defs.${definition}`);
  const properties = Object.fromEntries(
    Object.entries(model.properties as Record<string, JsonSchema>).map(([name, property]) => [name, decodedProperty(name, property)]),
  );
  // Keep $defs at the root so that `#/$defs/TempoRole` and `#/$defs/_Topology` still resolve.
  return { $defs: defs, type: "object", properties, required: model.required ?? [] };
}

export interface PublishedValidators {
  readonly providerApp: ValidateFunction;
  readonly requirerApp: ValidateFunction;
  readonly requirerUnit: ValidateFunction;
}

export function publishedValidators(): PublishedValidators {
  // strict: false because the published files carry pydantic's annotations (contentMediaType, …).
  const ajv = new Ajv({ strict: false, allErrors: true });
  const provider = readPublished("provider");
  const requirer = readPublished("requirer");
  return {
    providerApp: ajv.compile(decodedDatabagSchema(provider, "TempoClusterProviderAppData")),
    requirerApp: ajv.compile(decodedDatabagSchema(requirer, "TempoClusterRequirerAppData")),
    requirerUnit: ajv.compile(decodedDatabagSchema(requirer, "TempoClusterRequirerUnitData")),
  };
}

/** JSON-decode every value of a databag (what the upstream interface tests do before validating). */
export function decodeValues(bag: Readonly<Record<string, string>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(bag).map(([key, value]) => [key, JSON.parse(value) as unknown]));
}
