/**
 * The unit's FQDN as its pod knows it, whatever the Kubernetes cluster domain.
 *
 * The kubelet writes the pod's /etc/hosts (pkg/kubelet/kubelet_pods.go, managedHostsFileContent):
 * a "# Kubernetes-managed hosts file." header, then, for a pod with a hostname and subdomain (as
 * Juju's StatefulSet pods are), a line `<pod IP> <hostname>.<subdomain>.<namespace>.svc.<domain>
 * <hostname>`. That first name is what a resolver lookup of the hostname gives (Python's
 * socket.getfqdn(), which the Python worker publishes). Only a kubelet-written file is trusted: a
 * host's own /etc/hosts (a developer machine, a test runner) says nothing about a cluster domain.
 *
 * The parsing is pure; the file and hostname are read at the edge (readPodHosts), injectable for tests.
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

export interface PodHosts {
  readonly hostname: string;
  /** /etc/hosts as the pod has it; undefined when it cannot be read. */
  readonly hostsFile: string | undefined;
}

const KUBELET_HOSTS_HEADER = "# Kubernetes-managed hosts file";

/** The pod's FQDN from its kubelet-written /etc/hosts, or undefined when it gives none. */
export function podFqdn(pod: PodHosts): string | undefined {
  const text = pod.hostsFile;
  if (text === undefined || !text.trimStart().startsWith(KUBELET_HOSTS_HEADER)) return undefined;
  const short = pod.hostname.trim();
  if (short === "") return undefined;
  for (const line of text.split("\n")) {
    const fields = line.replace(/#.*/, "").trim().split(/\s+/);
    const names = fields.slice(1);
    if (!names.includes(short)) continue;
    const fqdn = names.find((name) => name.startsWith(`${short}.`) && isHostname(name));
    if (fqdn !== undefined) return fqdn.replace(/\.$/, "");
  }
  return undefined;
}

function isHostname(name: string): boolean {
  return name.length <= 253 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+\.?$/i.test(name);
}

/** The edge: this process's hostname and /etc/hosts. */
export function readPodHosts(): PodHosts {
  let hostsFile: string | undefined;
  try {
    hostsFile = readFileSync("/etc/hosts", "utf8");
  } catch {
    hostsFile = undefined;
  }
  return { hostname: hostname(), hostsFile };
}
