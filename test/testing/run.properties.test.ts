import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Charm } from "../../src/juju/charm.js";
import { applyChanges } from "../../src/juju/databag.js";
import { UncaughtCharmError, on, relation, run } from "../../src/testing/index.js";
import { exampleCharm } from "../fixtures/example-charm.js";

type Op = { bag: "unit" | "app"; key: string; value: string };
const op: fc.Arbitrary<Op> = fc.record({
  bag: fc.constantFrom("unit" as const, "app" as const),
  key: fc.constantFrom("a", "b", "c", "ingress-address"),
  value: fc.oneof(fc.constant(""), fc.constantFrom("1", "2", " spaced ")),
});
const initialBag = fc.dictionary(fc.constantFrom("a", "b", "c"), fc.constantFrom("1", "2"));

function writer(ops: readonly Op[], fail: boolean): Charm {
  return {
    meta: exampleCharm.meta,
    async reconcile(model) {
      const [rel] = model.relations("example-api");
      for (const { bag, key, value } of ops) (bag === "app" ? rel!.localAppData() : rel!.localUnitData()).set(key, value);
      if (fail) throw new Error("fail after writing");
    },
  };
}

describe("run: laws of buffered databag writes", () => {
  it("ends with each bag equal to its writes applied in order, sent with at most one relation-set per bag", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 12 }), initialBag, initialBag, async (ops, appBag, unitBag) => {
        const api = relation({ endpoint: "example-api", id: 1, localAppData: appBag, localUnitData: unitBag });
        const { state, hookCalls } = await run(writer(ops, false), on.updateStatus(), { leader: true, relations: [api] });
        const expected = (bag: "unit" | "app", start: Record<string, string>) =>
          ops.filter((o) => o.bag === bag).reduce((current, o) => applyChanges(current, { [o.key]: o.value }), start);
        expect(state.relations[0]!.localAppData).toEqual(expected("app", appBag));
        expect(state.relations[0]!.localUnitData).toEqual(expected("unit", unitBag));
        const sets = hookCalls.filter((call) => call.startsWith("relation-set"));
        expect(new Set(sets).size).toBe(sets.length);
      }),
      { numRuns: 60 },
    );
  });

  it("leaves every bag as it was when the charm fails after writing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), initialBag, async (ops, appBag) => {
        const api = relation({ endpoint: "example-api", id: 1, localAppData: appBag });
        const failure = await run(writer(ops, true), on.updateStatus(), { leader: true, relations: [api] }).catch(
          (error: unknown) => error,
        );
        expect(failure).toBeInstanceOf(UncaughtCharmError);
        expect((failure as UncaughtCharmError).result.state.relations[0]).toEqual(api);
      }),
      { numRuns: 40 },
    );
  });
});
