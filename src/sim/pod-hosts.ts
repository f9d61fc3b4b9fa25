/**
 * The /etc/hosts a simulated pod holds. Simulated units share one process, so each charm is handed
 * a reader that answers for the unit whose hook is running: no kubelet file at all by default (each
 * charm then computes its `cluster.local` names), or, for a simulated cluster on another domain, the
 * file the kubelet writes for a StatefulSet pod (pkg/kubelet/kubelet_pods.go,
 * managedHostsFileContent: its header, then `<pod IP> <hostname>.<subdomain>.<namespace>.svc.<domain>
 * <hostname>`).
 */
import { kubernetesUnitFqdn } from "../juju/kubernetes-names.js";
import type { Model } from "../juju/model.js";
import type { PodHosts } from "../juju/pod-fqdn.js";

export type PodHostsReader = (model: Model) => PodHosts;

/** A pod without a kubelet-written hosts file. */
export const NO_POD_HOSTS: PodHostsReader = () => ({ hostname: "", hostsFile: undefined });

/** Pods of a cluster whose DNS domain is `clusterDomain`. */
export function kubeletPodHosts(clusterDomain: string): PodHostsReader {
  return (model) => {
    const fqdn = kubernetesUnitFqdn(model.unit.name, model.name, clusterDomain);
    const hostname = fqdn.slice(0, fqdn.indexOf("."));
    const hostsFile = [
      "# Kubernetes-managed hosts file.",
      "127.0.0.1\tlocalhost",
      "::1\tlocalhost ip6-localhost ip6-loopback",
      `10.1.0.${unitNumber(model.unit.name) + 10}\t${fqdn}\t${hostname}`,
      "",
    ].join("\n");
    return { hostname, hostsFile };
  };
}

function unitNumber(unit: string): number {
  return Number(unit.slice(unit.lastIndexOf("/") + 1)) % 200;
}
