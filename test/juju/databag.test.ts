import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyChanges, changedKeys } from "../../src/juju/databag.js";

const bag = fc.dictionary(fc.constantFrom("a", "b", "c", "d", "e"), fc.string({ minLength: 1, maxLength: 3 }));
const pending = fc.dictionary(fc.constantFrom("a", "b", "c", "d", "e"), fc.oneof(fc.constant(""), fc.string({ maxLength: 3 })));

describe("databag diff", () => {
  it("sending only the changed keys gives the same bag as sending every pending write", () => {
    fc.assert(
      fc.property(bag, pending, (current, writes) => {
        expect(applyChanges(current, changedKeys(current, writes))).toEqual(applyChanges(current, writes));
      }),
    );
  });

  it("sends nothing the second time the same writes are applied", () => {
    fc.assert(
      fc.property(bag, pending, (current, writes) => {
        const after = applyChanges(current, writes);
        expect(changedKeys(after, writes)).toEqual({});
      }),
    );
  });

  it("deletes with an empty value and ignores deleting a key that is absent", () => {
    expect(changedKeys({ a: "1" }, { a: "", b: "" })).toEqual({ a: "" });
    expect(applyChanges({ a: "1", b: "2" }, { a: "" })).toEqual({ b: "2" });
  });
});
