import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { renderTempoConfig } from "../../src/tempo/render.js";

const RENDER_OPTIONS = { version: "1.1", sortMapEntries: true, aliasDuplicateObjects: false, lineWidth: 0, minContentWidth: 0, indent: 2 } as const;

describe("renderTempoConfig reusing a recent text", () => {
  it("gives the same text for the same config rendered twice", () => {
    const config = { memberlist: { join_members: ["w-0.local:7946", "w-1.local:7946"], bind_port: 7946 } };
    expect(renderTempoConfig(structuredClone(config))).toBe(renderTempoConfig(structuredClone(config)));
  });

  it("never mistakes values that JSON writes alike (-0 and 0, NaN and null, undefined in a list)", () => {
    const lookalikes: unknown[] = [{ a: 0 }, { a: -0 }, { a: null }, { a: Number.NaN }, { a: [null] }, { a: [undefined] }, { a: new Date(0) }, { a: "1970-01-01T00:00:00.000Z" }];
    for (const config of [...lookalikes, ...lookalikes]) {
      expect(renderTempoConfig(config)).toBe(YAML.stringify(config, RENDER_OPTIONS));
    }
  });
});
