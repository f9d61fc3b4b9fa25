/**
 * The output of `juju show-unit <unit>... --format=json` (or the default YAML), as far as the doctor
 * reads it. Field names are Juju's (cmd/juju/application/showunit.go: UnitInfo, RelationData).
 *
 * What each relation shows, since Juju 2.9: `application-data` is the *related* application's
 * databag, `related-units` the related application's units (`data` only while in scope), and
 * `local-unit` appears only when the unit itself is listed (peer relations). So a coordinator's
 * own `worker_config` is visible in a *worker* unit's output, not in the coordinator's; Juju 2.8
 * and older showed the unit's own application's databag instead.
 */
import * as z from "zod";

/** Databag values are strings on the wire; anything else (a YAML re-encoding) is kept as JSON text. */
const DatabagValues = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((data) =>
    Object.fromEntries(Object.entries(data ?? {}).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)])),
  );

const UnitRelationData = z.looseObject({
  "in-scope": z.boolean().default(false),
  data: DatabagValues,
});

export const ShowUnitRelation = z.looseObject({
  /** Absent before Juju 2.9. */
  "relation-id": z.number().int().optional(),
  endpoint: z.string(),
  "related-endpoint": z.string().default(""),
  "cross-model": z.boolean().default(false),
  "application-data": DatabagValues,
  "local-unit": UnitRelationData.optional(),
  "related-units": z.record(z.string(), UnitRelationData).nullish().transform((units) => units ?? {}),
});
export type ShowUnitRelation = z.output<typeof ShowUnitRelation>;

export const ShowUnitInfo = z.looseObject({
  charm: z.string().default(""),
  leader: z.boolean().default(false),
  life: z.string().optional(),
  address: z.string().optional(),
  "workload-version": z.string().optional(),
  "relation-info": z.array(ShowUnitRelation).nullish().transform((relations) => relations ?? []),
});
export type ShowUnitInfo = z.output<typeof ShowUnitInfo>;

/** Unit name → its info: `juju show-unit a/0 b/1` prints one object keyed by unit. */
export const ShowUnitOutput = z.record(z.string().regex(/^[a-z][a-z0-9-]*\/\d+$/, "is not a unit name (expected <app>/<n>)"), ShowUnitInfo);
export type ShowUnitOutput = z.output<typeof ShowUnitOutput>;

export type ParsedShowUnit = { kind: "valid"; units: ShowUnitOutput } | { kind: "invalid"; reasons: string[] };

export function parseShowUnit(document: unknown): ParsedShowUnit {
  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    return { kind: "invalid", reasons: ["expected an object keyed by unit name, as `juju show-unit <unit> --format=json` prints"] };
  }
  if (Object.keys(document).length === 0) return { kind: "invalid", reasons: ["no units in the input"] };
  const parsed = ShowUnitOutput.safeParse(document);
  if (parsed.success) return { kind: "valid", units: parsed.data };
  return {
    kind: "invalid",
    reasons: parsed.error.issues.map((issue) => `${issue.path.map(String).join(".") || "(document)"}: ${issue.message}`),
  };
}

export function applicationOfUnit(unit: string): string {
  return unit.slice(0, unit.lastIndexOf("/"));
}
