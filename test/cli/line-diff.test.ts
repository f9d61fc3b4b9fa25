import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { changedHunks, diffLines } from "../../src/cli/doctor/line-diff.js";

const text = fc.array(fc.constantFrom("a", "b", "c", "  - x:7946", ""), { maxLength: 30 }).map((lines) => lines.join("\n"));

describe("the doctor's line diff", () => {
  it("keeps both sides: unchanged + removed lines give the published text, unchanged + added the expected", () => {
    fc.assert(
      fc.property(text, text, (before, after) => {
        const diff = diffLines(before, after);
        expect(diff.filter((line) => line.kind !== "added").map((line) => line.text).join("\n")).toBe(before);
        expect(diff.filter((line) => line.kind !== "removed").map((line) => line.text).join("\n")).toBe(after);
      }),
    );
  });

  it("reports no change for identical texts", () => {
    fc.assert(fc.property(text, (same) => diffLines(same, same).every((line) => line.kind === "same")));
  });

  it("shows one added ring member as one added line", () => {
    const before = "join_members:\n  - a:7946\n  - c:7946\n";
    const after = "join_members:\n  - a:7946\n  - b:7946\n  - c:7946\n";
    expect(diffLines(before, after).filter((line) => line.kind !== "same")).toEqual([{ kind: "added", text: "  - b:7946" }]);
  });

  it("elides unchanged stretches longer than the context with a gap", () => {
    const before = ["1", "2", "3", "4", "5", "6", "7", "8", "9"].join("\n");
    const after = ["1", "2", "3", "4", "5", "6", "7", "8", "nine"].join("\n");
    const hunks = changedHunks(diffLines(before, after), 1);
    expect(hunks).toEqual([
      { kind: "same", text: "8" },
      { kind: "removed", text: "9" },
      { kind: "added", text: "nine" },
    ]);
    const twoChanges = changedHunks(diffLines("x\n2\n3\n4\n5\ny", "X\n2\n3\n4\n5\nY"), 1);
    expect(twoChanges).toContain("gap");
  });
});
