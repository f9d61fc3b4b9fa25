import { describe, expect, it } from "vitest";
import * as z from "zod";
import {
  databagProblems,
  expectDatabagsValid,
  expectWroteNothing,
  localBagChanges,
  relation,
  state,
  wroteNothing,
} from "../../src/testing/index.js";

const Published = z.object({ url: z.string().url() }).strict();
const before = state({
  relations: [
    relation({
      endpoint: "example-api",
      id: 1,
      localAppData: { url: "http://tempo:3200" },
      remoteUnitsData: { 0: { url: "not a url" }, 1: {} },
    }),
  ],
});

describe("databag assertions", () => {
  it("validates every bag of a relation and names the bags that fail", () => {
    expect(databagProblems(before, 1, { localApp: Published, remoteUnits: Published })).toEqual([
      "remote unit remote/0 bag: url: Invalid URL",
    ]);
  });

  it("skips bags holding only Juju's own keys unless asked", () => {
    expect(databagProblems(before, 1, { localUnit: Published })).toEqual([]);
    expect(databagProblems(before, 1, { localUnit: Published }, { includeEmpty: true })).toEqual([
      "local unit bag: url: Invalid input: expected string, received undefined",
    ]);
  });

  it("accepts a validator function as well as a schema", () => {
    const noKeys = (bag: Readonly<Record<string, string>>) => Object.keys(bag).map((key) => `unexpected key ${key}`);
    expect(() => expectDatabagsValid(before, 1, { localApp: noKeys })).toThrow(/local app bag: unexpected key url/);
  });

  it("says the charm wrote nothing when only Juju's address keys changed", () => {
    const after = state({
      relations: [
        { ...before.relations[0]!, localUnitData: { "ingress-address": "10.0.0.9", "private-address": "10.0.0.9" } },
      ],
    });
    expect(wroteNothing(before, after, 1)).toBe(true);
    expect(() => expectWroteNothing(before, after, 1)).not.toThrow();
  });

  it("lists each key the charm set, changed or deleted", () => {
    const after = state({
      relations: [{ ...before.relations[0]!, localAppData: { other: "x" }, localUnitData: { mine: "1" } }],
    });
    expect(localBagChanges(before, after, 1)).toEqual(['app bag: set "other"', 'app bag: deleted "url"', 'unit bag: set "mine"']);
    expect(() => expectWroteNothing(before, after, 1)).toThrow(/wrote on relation 1/);
  });
});
