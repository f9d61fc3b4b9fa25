import { describe, expect, it } from "vitest";
import { CONFIG_DEFAULTS, parseCoordinatorConfig } from "../../../src/charms/coordinator/config-options.js";
import { COORDINATOR_META } from "../../../src/charms/coordinator/meta.js";
import { configDefaults } from "../../../src/juju/charm-meta.js";
import { CharmMeta } from "../../../src/juju/charm-meta-schema.js";

describe("the coordinator's metadata", () => {
  it("is a valid charm meta named tempo-coordinator", () => {
    expect(CharmMeta.parse(COORDINATOR_META).name).toBe("tempo-coordinator");
  });

  it("declares the Python coordinator's containers, image resources and storage, so refresh --switch finds them", () => {
    expect(COORDINATOR_META.containers).toEqual({
      nginx: { resource: "nginx-image" },
      "nginx-prometheus-exporter": { resource: "nginx-prometheus-exporter-image" },
    });
    expect(COORDINATOR_META.resources?.["nginx-image"]).toMatchObject({ type: "oci-image", "upstream-source": "ubuntu/nginx:1.24-24.04_beta" });
    expect(COORDINATOR_META.resources?.["nginx-prometheus-exporter-image"]).toMatchObject({
      type: "oci-image",
      "upstream-source": "nginx/nginx-prometheus-exporter:1.1.0",
    });
    expect(COORDINATOR_META.storage).toEqual({ data: expect.objectContaining({ type: "filesystem", location: "/tempo-data" }) });
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
