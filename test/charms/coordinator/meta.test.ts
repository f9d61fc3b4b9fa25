import { describe, expect, it } from "vitest";
import { CONFIG_DEFAULTS, parseCoordinatorConfig } from "../../../src/charms/coordinator/config-options.js";
import { COORDINATOR_META } from "../../../src/charms/coordinator/meta.js";
import { CharmMeta, configDefaults } from "../../../src/juju/charm-meta.js";

describe("the coordinator's metadata", () => {
  it("is a valid charm meta named tempo-coordinator, with no workload container", () => {
    expect(CharmMeta.parse(COORDINATOR_META).name).toBe("tempo-coordinator");
    expect(COORDINATOR_META.containers).toBeUndefined();
  });

  it("declares the cluster, s3 and peer endpoints and the ones later integrations use", () => {
    const interfaces = (section: Record<string, { interface: string; limit?: number }> | undefined) =>
      Object.fromEntries(Object.entries(section ?? {}).map(([name, endpoint]) => [name, [endpoint.interface, endpoint.limit]]));
    expect(interfaces(COORDINATOR_META.provides)).toEqual({
      "tempo-cluster": ["tempo_cluster", undefined],
      tracing: ["tracing", undefined],
      "metrics-endpoint": ["prometheus_scrape", undefined],
      "grafana-dashboard": ["grafana_dashboard", undefined],
      probes: ["blackbox_exporter_probes", undefined],
    });
    expect(interfaces(COORDINATOR_META.requires)).toEqual({
      s3: ["s3", 1],
      certificates: ["tls-certificates", 1],
      "send-remote-write": ["prometheus_remote_write", undefined],
      logging: ["loki_push_api", undefined],
      "self-charm-tracing": ["tracing", 1],
      "self-workload-tracing": ["tracing", 1],
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
