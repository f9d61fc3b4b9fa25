import { describe, expect, it } from "vitest";
import { CONFIG_DEFAULTS, parseCoordinatorConfig } from "../../../src/charms/coordinator/config-options.js";
import { COORDINATOR_META } from "../../../src/charms/coordinator/meta.js";
import { CharmMeta, configDefaults } from "../../../src/juju/charm-meta.js";

describe("the coordinator's metadata", () => {
  it("is a valid charm meta named tempo-coordinator, with no workload container", () => {
    expect(CharmMeta.parse(COORDINATOR_META).name).toBe("tempo-coordinator");
    expect(COORDINATOR_META.containers).toBeUndefined();
  });

  it("declares its peer endpoint as the Python coordinator does, so refresh --switch keeps it", () => {
    expect(COORDINATOR_META.peers).toEqual({ peers: { interface: "tempo_peers" } });
  });

  it("declares exactly the options the parser reads, with the same defaults", () => {
    expect(configDefaults(COORDINATOR_META)).toEqual(CONFIG_DEFAULTS);
  });

  it("hands the parser defaults it accepts", () => {
    expect(parseCoordinatorConfig(configDefaults(COORDINATOR_META)).kind).toBe("valid");
  });
});
