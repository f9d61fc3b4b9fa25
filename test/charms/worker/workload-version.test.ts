import { describe, expect, it } from "vitest";
import { parseTempoVersion } from "../../../src/charms/worker/workload-version.js";
import { TEMPO_VERSION_OUTPUT } from "./worker-scenario.js";

describe("parseTempoVersion", () => {
  it("reads the release from Tempo's version banner", () => {
    expect(parseTempoVersion(TEMPO_VERSION_OUTPUT)).toBe("2.7.1");
  });

  it("reads a release written with a capital and a colon", () => {
    expect(parseTempoVersion("Version: v2.8.0-rc.1\n")).toBe("v2.8.0-rc.1");
  });

  it("finds no version in output that has none", () => {
    expect(parseTempoVersion("usage: tempo [flags]\n")).toBeUndefined();
    expect(parseTempoVersion("")).toBeUndefined();
  });
});
