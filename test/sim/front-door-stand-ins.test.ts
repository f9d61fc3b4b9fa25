/**
 * The Grafana and Traefik stand-ins: they answer as grafana-k8s and traefik-k8s do, and refuse what
 * those would refuse.
 */
import { describe, expect, it } from "vitest";
import { parseRoutes } from "../../src/sim/charms/traefik.js";
import { grafanaCharm } from "../../src/sim/charms/grafana.js";
import { traefikCharm } from "../../src/sim/charms/traefik.js";
import { on, relation, run } from "../../src/testing/index.js";

describe("the Traefik stand-in", () => {
  it("says where it listens and counts the routes a requirer gave", async () => {
    const config = "http:\n  routers:\n    r:\n      entryPoints: [web]\n      service: s\n      rule: ClientIP(`0.0.0.0/0`)\n  services:\n    s:\n      loadBalancer:\n        servers: [{url: 'http://a:1'}]\n";
    const route = relation({ id: 1, endpoint: "traefik-route", interface: "traefik_route", remoteApp: "tempo", remoteAppData: { config, static: "entryPoints:\n  web: {address: ':1'}\n" } });
    const result = await run(traefikCharm, on.relationChanged(route), { leader: true, relations: [route] });
    expect(result.state.relations[0]?.localAppData).toEqual({ external_host: "traefik.example.internal", scheme: "http" });
    expect(result.state.unitStatus).toEqual({ status: "active", message: "1 route" });
  });

  it("names a requirer whose config is not YAML and routes nothing to it", async () => {
    expect(parseRoutes({ config: "http: [unclosed" })).toEqual({ kind: "invalid", reason: "config or static is not YAML" });
    const route = relation({ id: 1, endpoint: "traefik-route", interface: "traefik_route", remoteApp: "tempo", remoteAppData: { config: "{ not: yaml" } });
    const result = await run(traefikCharm, on.relationChanged(route), { leader: true, relations: [route] });
    expect(result.state.unitStatus).toEqual({ status: "blocked", message: "tempo sent unusable routes (config or static is not YAML); nothing routed to it" });
  });
});

describe("the Grafana stand-in", () => {
  it("makes one datasource per source unit that gave its URL and answers with the UIDs", async () => {
    const source = relation({
      id: 1,
      endpoint: "grafana-source",
      interface: "grafana_datasource",
      remoteApp: "tempo",
      remoteAppData: { grafana_source_data: JSON.stringify({ model: "cos", model_uuid: "u", application: "tempo", type: "tempo" }) },
      remoteUnitsData: { "0": { grafana_source_host: "http://tempo.cos.svc.cluster.local:3200" }, "1": {} },
    });
    const result = await run(grafanaCharm, on.relationChanged(source), { leader: true, relations: [source] });
    expect(result.state.relations[0]?.localAppData).toEqual({ grafana_uid: "grafana-test-model", datasource_uids: JSON.stringify({ "tempo/0": "juju_cos_tempo_0" }) });
    expect(result.state.unitStatus).toEqual({ status: "active", message: "1 datasource" });
  });
});
