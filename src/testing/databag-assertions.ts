/**
 * Assertions interface tests need over and over: "every databag of this relation is valid wire
 * data" and "the charm wrote nothing on this relation". They return problems as strings (and the
 * `expect…` forms throw them) so they work with any test runner.
 */
import type { z } from "zod";
import type { RelationState, State } from "./state.js";
import { JUJU_UNIT_KEYS } from "./state.js";

type Bag = Readonly<Record<string, string>>;
/** A zod schema over the raw string→string bag, or a function listing what is wrong with it. */
export type BagValidator = z.ZodType | ((bag: Bag) => readonly string[]);

export interface RelationSchemas {
  readonly localApp?: BagValidator;
  readonly localUnit?: BagValidator;
  readonly remoteApp?: BagValidator;
  readonly remoteUnits?: BagValidator;
}

export interface DatabagCheckOptions {
  /** Also validate bags that are empty (after removing Juju's own unit keys); default false. */
  readonly includeEmpty?: boolean;
}

/** Bag contents without the address keys Juju writes into every unit bag itself (§3.6). */
export function withoutJujuKeys(bag: Bag): Record<string, string> {
  return Object.fromEntries(Object.entries(bag).filter(([key]) => !JUJU_UNIT_KEYS.includes(key)));
}

export function databagProblems(
  state: State,
  relationId: number,
  schemas: RelationSchemas,
  options: DatabagCheckOptions = {},
): string[] {
  const relation = findRelation(state, relationId);
  if (!relation) return [`relation ${relationId} is not in the state`];
  const problems: string[] = [];
  const check = (where: string, bag: Bag, validator: BagValidator | undefined, isUnitBag: boolean) => {
    if (!validator) return;
    const content = isUnitBag ? withoutJujuKeys(bag) : { ...bag };
    if (Object.keys(content).length === 0 && !options.includeEmpty) return;
    for (const reason of validate(validator, content)) problems.push(`${where}: ${reason}`);
  };
  check("local app bag", relation.localAppData, schemas.localApp, false);
  check("local unit bag", relation.localUnitData, schemas.localUnit, true);
  if (relation.kind === "regular") {
    check("remote app bag", relation.remoteAppData, schemas.remoteApp, false);
    for (const [unit, bag] of sortedEntries(relation.remoteUnitsData)) {
      check(`remote unit ${relation.remoteApp}/${unit} bag`, bag, schemas.remoteUnits, true);
    }
  } else {
    for (const [unit, bag] of sortedEntries(relation.peersData)) {
      check(`peer unit ${unit} bag`, bag, schemas.remoteUnits, true);
    }
  }
  return problems;
}

export function expectDatabagsValid(
  state: State,
  relationId: number,
  schemas: RelationSchemas,
  options: DatabagCheckOptions = {},
): void {
  const problems = databagProblems(state, relationId, schemas, options);
  if (problems.length > 0) {
    throw new Error(`databags of relation ${relationId} are invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/**
 * What the charm changed in its own bags of a relation between two States, ignoring Juju's unit
 * keys: `[]` means it wrote nothing there.
 */
export function localBagChanges(before: State, after: State, relationId: number): string[] {
  const earlier = findRelation(before, relationId);
  const later = findRelation(after, relationId);
  if (!earlier || !later) return [`relation ${relationId} is missing from the ${earlier ? "output" : "input"} state`];
  return [
    ...keyChanges("app", earlier.localAppData, later.localAppData),
    ...keyChanges("unit", withoutJujuKeys(earlier.localUnitData), withoutJujuKeys(later.localUnitData)),
  ];
}

export function wroteNothing(before: State, after: State, relationId: number): boolean {
  return localBagChanges(before, after, relationId).length === 0;
}

export function expectWroteNothing(before: State, after: State, relationId: number): void {
  const changes = localBagChanges(before, after, relationId);
  if (changes.length > 0) {
    throw new Error(`the charm wrote on relation ${relationId}:\n${changes.map((c) => `  - ${c}`).join("\n")}`);
  }
}

function keyChanges(bag: string, before: Bag, after: Bag): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys
    .filter((key) => before[key] !== after[key])
    .map((key) =>
      after[key] === undefined
        ? `${bag} bag: deleted "${key}"`
        : before[key] === undefined
          ? `${bag} bag: set "${key}"`
          : `${bag} bag: changed "${key}"`,
    );
}

function validate(validator: BagValidator, bag: Bag): readonly string[] {
  if (typeof validator === "function") return validator(bag);
  const parsed = validator.safeParse(bag);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => `${issue.path.join(".") || "(bag)"}: ${issue.message}`);
}

function findRelation(state: State, relationId: number): RelationState | undefined {
  return state.relations.find((relation) => relation.id === relationId);
}

function sortedEntries(bags: Readonly<Record<string, Bag>>): [string, Bag][] {
  return Object.entries(bags).sort(([a], [b]) => Number(a) - Number(b));
}
