import { describe, expect, it } from "vitest";
import { CONFIG_DEFAULTS, parseCoordinatorConfig } from "../../../src/charms/coordinator/config-options.js";
import { COORDINATOR_META } from "../../../src/charms/coordinator/meta.js";
import { CharmMeta, configDefaults } from "../../../src/juju/charm-meta.js";

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

  it("declares the cluster, s3 and peer endpoints and the ones later integrations use", () => {
    const interfaces = (section: Record<string, { interface: string; limit?: number }> | undefined) =>
      Object.fromEntries(Object.entries(section ?? {}).map(([name, endpoint]) => [name, [endpoint.interface, endpoint.limit]]));
    expect(interfaces(COORDINATOR_META.provides)).toEqual({
      "tempo-cluster": ["tempo_cluster", undefined],
      tracing: ["tracing", undefined],
    });
    expect(interfaces(COORDINATOR_META.requires)).toEqual({
      s3: ["s3", 1],
      certificates: ["tls-certificates", 1],
      "send-remote-write": ["prometheus_remote_write", undefined],
      logging: ["loki_push_api", undefined],
    });
    expect(Object.keys(COORDINATOR_META.peers ?? {})).toEqual(["peers"]);
  });

  it("declares exactly the options the parser reads, with the same defaults", () => {
    expect(configDefaults(COORDINATOR_META)).toEqual(CONFIG_DEFAULTS);
  });

  it("hands the parser defaults it accepts", () => {
    expect(parseCoordinatorConfig(configDefaults(COORDINATOR_META)).kind).toBe("valid");
  });
});
