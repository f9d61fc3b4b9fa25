/** `probes`: the blackbox exporter probes the cluster's /ready through the front door. */
import { describe, expect, it } from "vitest";
import { createCoordinatorCharm } from "../../../../src/charms/coordinator/charm.js";
import { probesIntegration } from "../../../../src/charms/coordinator/integrations/probes.js";
import { DEFAULT_UNIT_BAG, on, relation, run } from "../../../../src/testing/index.js";
import { MODEL, MODEL_UUID } from "../fixtures.js";
import { coordinatorState, distributed, jsonKey, relationSets, s3 } from "../tracing-fixtures.js";

const blackbox = () =>
  relation({ id: 60, endpoint: "probes", interface: "blackbox_exporter_probes", remoteApp: "blackbox", remoteUnitsData: { "0": { ...DEFAULT_UNIT_BAG } } });
const charm = (isTls = false) => createCoordinatorCharm([probesIntegration({ isTlsEnabled: () => isTls })]);

describe("the coordinator related to a blackbox exporter", () => {
  it("asks for one http_2xx probe of the front door's /ready, labelled with our topology", async () => {
    const result = await run(charm(), on.relationJoined({ id: 60 }, { remoteUnit: 0 }), coordinatorState([...distributed(), s3(), blackbox()]));
    expect(jsonKey(result.state, 60, "scrape_probes")).toEqual([
      {
        job_name: `juju_${MODEL}_${MODEL_UUID.slice(0, 8)}_tempo_tempo_ready`,
        params: { module: ["http_2xx"] },
        static_configs: [
          {
            targets: [`http://tempo.${MODEL}.svc.cluster.local:3200/ready`],
            labels: { juju_application: "tempo", juju_charm: "tempo-coordinator", juju_model: MODEL, juju_model_uuid: MODEL_UUID },
          },
        ],
      },
    ]);
    expect(jsonKey(result.state, 60, "scrape_modules")).toEqual({});
    expect(jsonKey(result.state, 60, "scrape_metadata")).toMatchObject({ application: "tempo", unit: "tempo/0" });
  });

  it("probes over https when internal TLS is on", async () => {
    const result = await run(charm(true), on.relationJoined({ id: 60 }, { remoteUnit: 0 }), coordinatorState([...distributed(), s3(), blackbox()]));
    const [probe] = jsonKey(result.state, 60, "scrape_probes") as { static_configs: { targets: string[] }[] }[];
    expect(probe!.static_configs[0]!.targets).toEqual([`https://tempo.${MODEL}.svc.cluster.local:3200/ready`]);
  });

  it("probes through the ingress once Traefik gives the cluster an external address", async () => {
    const traefik = relation({
      id: 20,
      endpoint: "ingress",
      interface: "traefik_route",
      remoteApp: "traefik",
      remoteAppData: { external_host: "traefik.example", scheme: "https" },
      remoteUnitsData: { "0": { ...DEFAULT_UNIT_BAG } },
    });
    const result = await run(charm(), on.relationJoined({ id: 60 }, { remoteUnit: 0 }), coordinatorState([...distributed(), s3(), blackbox(), traefik]));
    const [probe] = jsonKey(result.state, 60, "scrape_probes") as { static_configs: { targets: string[] }[] }[];
    expect(probe!.static_configs[0]!.targets).toEqual(["https://traefik.example:3200/ready"]);
  });

  it("writes nothing again when nothing changed, and nothing from a non-leader", async () => {
    const first = await run(charm(), on.relationJoined({ id: 60 }, { remoteUnit: 0 }), coordinatorState([...distributed(), s3(), blackbox()]));
    expect(relationSets(await run(charm(), on.updateStatus(), first.state))).toEqual([]);
    const follower = await run(charm(), on.relationJoined({ id: 60 }, { remoteUnit: 0 }), coordinatorState([...distributed(), s3(), blackbox()], { leader: false, unitId: 1 }));
    expect(jsonKey(follower.state, 60, "scrape_probes")).toBeUndefined();
  });
});
