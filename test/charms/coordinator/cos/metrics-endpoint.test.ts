/** `metrics-endpoint`: Prometheus gets a job per Tempo unit and per nginx exporter, and our alert rules. */
import { describe, expect, it } from "vitest";
import { coordinatorCharm, createCoordinatorCharm } from "../../../../src/charms/coordinator/charm.js";
import { metricsEndpointIntegration } from "../../../../src/charms/coordinator/integrations/metrics-endpoint.js";
import { DEFAULT_UNIT_BAG, type RegularRelationState, on, peerRelation, relation, run } from "../../../../src/testing/index.js";
import { MODEL, MODEL_UUID } from "../fixtures.js";
import { coordinatorState, distributed, jsonKey, relationSets, s3 } from "../tracing-fixtures.js";

const charm = (isTls = false) => createCoordinatorCharm([metricsEndpointIntegration({ isTlsEnabled: () => isTls })]);

const prometheus = (): RegularRelationState =>
  relation({ id: 40, endpoint: "metrics-endpoint", interface: "prometheus_scrape", remoteApp: "prometheus", remoteUnitsData: { "0": { ...DEFAULT_UNIT_BAG } } });

interface Job {
  job_name: string;
  metrics_path: string;
  scheme: string;
  static_configs: { targets: string[]; labels: Record<string, string> }[];
}

async function publishedJobs(isTls = false, overrides = {}): Promise<Job[]> {
  const result = await run(charm(isTls), on.relationJoined({ id: 40 }, { remoteUnit: 0 }), coordinatorState([...distributed(), s3(), prometheus()], overrides));
  return jsonKey(result.state, 40, "scrape_jobs") as Job[];
}

describe("the coordinator related to Prometheus", () => {
  it("asks Prometheus to scrape every worker unit on :3200/metrics, labelled with that worker's topology", async () => {
    const jobs = await publishedJobs();
    const ingester1 = jobs.find((job) => job.job_name === "tempo_tempo-ingester_1");
    expect(ingester1).toEqual({
      job_name: "tempo_tempo-ingester_1",
      metrics_path: "/metrics",
      scheme: "http",
      static_configs: [
        {
          targets: [`tempo-ingester-1.tempo-ingester-endpoints.${MODEL}.svc.cluster.local:3200`],
          labels: { juju_application: "tempo-ingester", juju_charm: "tempo-worker", juju_model: MODEL, juju_model_uuid: MODEL_UUID, juju_unit: "tempo-ingester/1" },
        },
      ],
    });
    expect(jobs.filter((job) => job.job_name.startsWith("tempo_"))).toHaveLength(7);
  });

  it("scrapes the workers over https when internal TLS is on", async () => {
    const jobs = await publishedJobs(true);
    expect(jobs.filter((job) => job.job_name.startsWith("tempo_")).map((job) => job.scheme)).toEqual(Array(7).fill("https"));
  });

  it("adds one nginx-exporter job per coordinator unit, peers included, on :9113", async () => {
    const jobs = await publishedJobs(false, {
      relations: [...distributed(), s3(), prometheus(), peerRelation({ id: 99, endpoint: "peers", peersData: { "1": {}, "2": {} } })],
    });
    const nginx = jobs.filter((job) => job.job_name.startsWith("nginx_"));
    expect(nginx.map((job) => job.static_configs[0]!.targets[0])).toEqual([0, 1, 2].map((n) => `tempo-${n}.tempo-endpoints.${MODEL}.svc.cluster.local:9113`));
    expect(nginx[1]!.static_configs[0]!.labels).toMatchObject({ juju_application: "tempo", juju_charm: "tempo-coordinator", juju_unit: "tempo/1" });
  });

  it("publishes one alert group per worker application and our topology as scrape_metadata", async () => {
    const result = await run(charm(), on.relationJoined({ id: 40 }, { remoteUnit: 0 }), coordinatorState([...distributed(), s3(), prometheus()]));
    const rules = jsonKey(result.state, 40, "alert_rules") as { groups: { name: string }[] };
    expect(rules.groups).toHaveLength(5);
    expect(jsonKey(result.state, 40, "scrape_metadata")).toEqual({
      application: "tempo",
      charm_name: "tempo-coordinator",
      model: MODEL,
      model_uuid: MODEL_UUID,
      unit: "tempo/0",
    });
    expect(result.state.relations.find((r) => r.id === 40)?.localUnitData).toMatchObject({
      prometheus_scrape_unit_address: `tempo-0.tempo-endpoints.${MODEL}.svc.cluster.local`,
      prometheus_scrape_unit_name: "tempo/0",
    });
  });

  it("writes nothing on a second hook when nothing changed", async () => {
    const first = await run(charm(), on.relationJoined({ id: 40 }, { remoteUnit: 0 }), coordinatorState([...distributed(), s3(), prometheus()]));
    const second = await run(charm(), on.updateStatus(), first.state);
    expect(relationSets(second)).toEqual([]);
  });

  it("lets a non-leader name itself but write no application data", async () => {
    const result = await run(charm(), on.relationJoined({ id: 40 }, { remoteUnit: 0 }), coordinatorState([...distributed(), s3(), prometheus()], { leader: false, unitId: 1 }));
    expect(jsonKey(result.state, 40, "scrape_jobs")).toBeUndefined();
    expect(result.state.relations.find((r) => r.id === 40)?.localUnitData).toMatchObject({ prometheus_scrape_unit_name: "tempo/1" });
  });

  it("is part of the shipped coordinator", async () => {
    const result = await run(coordinatorCharm, on.relationJoined({ id: 40 }, { remoteUnit: 0 }), coordinatorState([...distributed(), s3(), prometheus()]));
    expect(jsonKey(result.state, 40, "scrape_jobs")).toBeDefined();
  });
});
