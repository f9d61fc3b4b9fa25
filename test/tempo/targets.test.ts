import { describe, expect, it } from "vitest";
import { ROLES } from "../../src/interface/roles.js";
import { targetsFor } from "../../src/tempo/key-sets.js";
import { TEMPO_VERSIONS } from "../../src/tempo/settings.js";
import { tempoTargetForRole } from "../../src/tempo/targets.js";

describe("tempoTargetForRole", () => {
  it("runs an all unit as scalable-single-binary so its rings stay on memberlist", () => {
    expect(tempoTargetForRole("all")).toBe("scalable-single-binary");
  });

  it("gives every role a target that each 2.x version with a targets list accepts", () => {
    for (const version of TEMPO_VERSIONS) {
      const targets = targetsFor(version);
      if (targets === undefined) continue; // 2.8 and 2.9 have key lists only
      for (const role of ROLES) expect(targets).toContain(tempoTargetForRole(role));
    }
  });
});
