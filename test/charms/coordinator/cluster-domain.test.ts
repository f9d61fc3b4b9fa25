/**
 * The coordinator's cluster domain (issue 15, "any cluster domain"): its own pod says it first,
 * then what most workers publish, then Kubernetes' default. Seen through the grafana-source unit
 * bag, which names the coordinator's service.
 */
import { describe, expect, it } from "vitest";
import { COORDINATOR_INTEGRATIONS, createCoordinatorCharm } from "../../../src/charms/coordinator/charm.js";
import { mostPublishedDomain } from "../../../src/charms/coordinator/cluster-domain.js";
import { clusterDomainOf, kubernetesUnitFqdn } from "../../../src/juju/kubernetes-names.js";
import type { PodHosts } from "../../../src/juju/pod-fqdn.js";
import { DEFAULT_UNIT_BAG, type RegularRelationState, on, relation, run } from "../../../src/testing/index.js";
import { MODEL, workerUnitDataWithAddress } from "./fixtures.js";
import { coordinatorState, distributed, s3, workers } from "./tracing-fixtures.js";

const grafana = relation({ id: 30, endpoint: "grafana-source", interface: "grafana_datasource", remoteApp: "grafana" });

function kubeletHosts(domain: string): PodHosts {
  const fqdn = kubernetesUnitFqdn("tempo/0", MODEL, domain);
  return { hostname: "tempo-0", hostsFile: `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n10.1.2.3\t${fqdn}\ttempo-0\n` };
}
const NO_HOSTS: PodHosts = { hostname: "", hostsFile: undefined };

/** A worker application whose units publish addresses in `domain`. */
function workersIn(id: number, app: string, domain: string, count: number): RegularRelationState {
  const base = workers(id, app, "querier", []);
  const units = Array.from({ length: count }, (_, n) => [String(n), { ...DEFAULT_UNIT_BAG, ...workerUnitDataWithAddress(app, n, kubernetesUnitFqdn(`${app}/${n}`, MODEL, domain)) }]);
  return { ...base, remoteUnitsData: Object.fromEntries(units) };
}

async function serviceNamedTo(pod: PodHosts, relations: RegularRelationState[]): Promise<string | undefined> {
  const charm = createCoordinatorCharm(COORDINATOR_INTEGRATIONS, () => pod);
  const { state } = await run(charm, on.updateStatus(), coordinatorState([...relations, s3(), grafana]));
  return state.relations.find((candidate) => candidate.id === 30)?.localUnitData.grafana_source_host;
}

describe("the cluster domain in a name", () => {
  it("is what follows svc in a pod's FQDN", () => {
    expect(clusterDomainOf("tempo-0.tempo-endpoints.cos.svc.cluster.example")).toBe("cluster.example");
  });

  it("is what follows svc in a service's FQDN, whatever the case or a trailing dot", () => {
    expect(clusterDomainOf("Tempo.COS.svc.Corp.Internal.")).toBe("corp.internal");
  });

  it("is unknown for an IP address, a short name or a name outside Kubernetes' service DNS", () => {
    for (const name of ["10.1.2.3", "tempo-0", "tempo.example.com", "svc.cluster.local", "cos.svc", "a.b.svc.bad_label"]) {
      expect(clusterDomainOf(name)).toBeUndefined();
    }
  });
});

describe("the domain most workers publish", () => {
  it("wins over a domain fewer workers publish", () => {
    expect(mostPublishedDomain(["a-0.a-endpoints.m.svc.one.example", "a-1.a-endpoints.m.svc.two.example", "b-0.b-endpoints.m.svc.two.example"])).toBe("two.example");
  });

  it("is the one that sorts first on a tie, whatever the order", () => {
    const addresses = ["a-0.a-endpoints.m.svc.zeta.example", "b-0.b-endpoints.m.svc.alpha.example"];
    expect(mostPublishedDomain(addresses)).toBe("alpha.example");
    expect(mostPublishedDomain([...addresses].reverse())).toBe("alpha.example");
  });

  it("is unknown when no address is a Kubernetes service name", () => {
    expect(mostPublishedDomain(["10.0.0.1", "worker.example.com"])).toBeUndefined();
  });
});

describe("the coordinator's service name", () => {
  it("is in the domain the coordinator's own pod was given, even when workers publish another", async () => {
    expect(await serviceNamedTo(kubeletHosts("cluster.example"), distributed())).toBe(`http://tempo.${MODEL}.svc.cluster.example:3200`);
  });

  it("is in the domain the workers publish when the pod gives none", async () => {
    const relations = [workersIn(1, "tempo-querier", "corp.internal", 2), workersIn(2, "tempo-ingester", "cluster.local", 1)];
    expect(await serviceNamedTo(NO_HOSTS, relations)).toBe(`http://tempo.${MODEL}.svc.corp.internal:3200`);
  });

  it("is in cluster.local when neither the pod nor any worker names a domain", async () => {
    expect(await serviceNamedTo(NO_HOSTS, [])).toBe(`http://tempo.${MODEL}.svc.cluster.local:3200`);
  });
});
