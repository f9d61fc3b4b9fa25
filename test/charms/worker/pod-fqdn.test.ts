import { describe, expect, it } from "vitest";
import { createWorkerCharm } from "../../../src/charms/worker/charm.js";
import { readyCheckUrl } from "../../../src/charms/worker/layer.js";
import { podFqdn, type PodHosts } from "../../../src/juju/pod-fqdn.js";
import { on, run, secret, type State, type StateInput } from "../../../src/testing/index.js";
import { KEY_SECRET_ID, clusterRelation, providerBag, tempoConfig, tempoContainer, tempoState } from "./worker-scenario.js";

const CUSTOM_FQDN = "tempo-worker-0.tempo-worker-endpoints.test-model.svc.cluster.example";

/** /etc/hosts as the kubelet writes it for a StatefulSet pod (kubelet_pods.go managedHostsFileContent). */
const KUBELET_HOSTS = `# Kubernetes-managed hosts file.
127.0.0.1\tlocalhost
::1\tlocalhost ip6-localhost ip6-loopback
fe00::0\tip6-localnet
10.1.77.12\t${CUSTOM_FQDN}\ttempo-worker-0
`;

const customDomainPod: PodHosts = { hostname: "tempo-worker-0", hostsFile: KUBELET_HOSTS };

describe("the pod's FQDN", () => {
  it("is the full name the kubelet wrote beside the pod's hostname", () => {
    expect(podFqdn(customDomainPod)).toBe(CUSTOM_FQDN);
  });

  it("is unknown when /etc/hosts was not written by the kubelet", () => {
    expect(podFqdn({ hostname: "tempo-worker-0", hostsFile: KUBELET_HOSTS.replace("# Kubernetes-managed hosts file.\n", "") })).toBeUndefined();
  });

  it("is unknown when the hosts file names the hostname without a domain", () => {
    expect(podFqdn({ hostname: "tempo-worker-0", hostsFile: "# Kubernetes-managed hosts file.\n10.1.77.12\ttempo-worker-0\n" })).toBeUndefined();
  });

  it("is unknown when /etc/hosts cannot be read", () => {
    expect(podFqdn({ hostname: "tempo-worker-0", hostsFile: undefined })).toBeUndefined();
  });
});

describe("a worker in a cluster whose domain is cluster.example", () => {
  const keySecret = secret({ id: KEY_SECRET_ID, trackedContent: { "private-key": "KEY-1" } });
  const tlsProvider = providerBag({ worker_config: tempoConfig({ isTlsEnabled: true }), ca_cert: "CA-1", server_cert: "CERT-PEM", privkey_secret_id: KEY_SECRET_ID });

  async function changed(pod: PodHosts, state: StateInput): Promise<State> {
    return (await run(createWorkerCharm(() => pod), on.relationChanged({ id: 7 }), state)).state;
  }

  it("publishes the pod's own FQDN as its address", async () => {
    const state = await changed(customDomainPod, { leader: true, relations: [clusterRelation(tlsProvider)], containers: [tempoContainer()], secrets: [keySecret] });
    expect(state.relations[0]!.localUnitData.address).toBe(JSON.stringify(CUSTOM_FQDN));
  });

  it("checks readiness over TLS at the pod's own FQDN, the name its certificate is for", async () => {
    const state = await changed(customDomainPod, { leader: true, relations: [clusterRelation(tlsProvider)], containers: [tempoContainer()], secrets: [keySecret] });
    const check = tempoState(state).layers.find((entry) => entry.label === "tempo")?.layer.checks?.["ready"];
    expect(readyCheckUrl(check)).toBe(`https://${CUSTOM_FQDN}:3200/ready`);
  });

  it("falls back to the svc.cluster.local form when the pod gives no FQDN", async () => {
    const state = await changed({ hostname: "tempo-worker-0", hostsFile: undefined }, { leader: true, relations: [clusterRelation(tlsProvider)], containers: [tempoContainer()], secrets: [keySecret] });
    expect(state.relations[0]!.localUnitData.address).toBe(JSON.stringify("tempo-worker-0.tempo-worker-endpoints.test-model.svc.cluster.local"));
  });
});
