/**
 * The names Juju gives a unit and an application on Kubernetes. Each unit is a pod of the
 * application's StatefulSet, and Juju names the headless service `<app>-endpoints` in the model's
 * namespace (juju/juju `caas/kubernetes/provider/application`), so a unit's stable FQDN is the pod's
 * name in that service; the application's ClusterIP service is `<app>`.
 *
 * Every name ends in the cluster's DNS domain. `cluster.local` is only Kubernetes' default: a pod
 * learns the real one from its own kubelet-written /etc/hosts (pod-fqdn.ts), and a charm passes it
 * here. The default is the fallback when nothing better is known.
 */

/** Kubernetes' default cluster domain (the kubelet's `--cluster-domain`). */
export const DEFAULT_CLUSTER_DOMAIN = "cluster.local";

/** `<app>-<n>.<app>-endpoints.<model>.svc.<domain>` for unit `<app>/<n>`. */
export function kubernetesUnitFqdn(unitName: string, modelName: string, clusterDomain: string = DEFAULT_CLUSTER_DOMAIN): string {
  const slash = unitName.lastIndexOf("/");
  const app = unitName.slice(0, slash);
  const number = unitName.slice(slash + 1);
  return `${app}-${number}.${serviceFqdn(`${app}-endpoints`, modelName, clusterDomain)}`;
}

/** `<service>.<model>.svc.<domain>`: a Kubernetes service of the model's namespace. */
export function serviceFqdn(service: string, modelName: string, clusterDomain: string = DEFAULT_CLUSTER_DOMAIN): string {
  return `${service}.${modelName}.svc.${clusterDomain}`;
}

/**
 * The cluster domain a pod or service FQDN ends in: what follows `.svc.` in
 * `<pod>.<service>.<namespace>.svc.<domain>` or `<service>.<namespace>.svc.<domain>`. Undefined for
 * any other shape (an IP address, a short name, a name outside Kubernetes' service DNS).
 */
export function clusterDomainOf(fqdn: string): string | undefined {
  const labels = fqdn.replace(/\.$/, "").toLowerCase().split(".");
  const svc = labels.indexOf("svc");
  // At least `<service>.<namespace>` before `svc`, and a domain of at least one label after it.
  if (svc < 2 || svc === labels.length - 1) return undefined;
  const domain = labels.slice(svc + 1).join(".");
  return isClusterDomain(domain) ? domain : undefined;
}

/** What a kubelet's `--cluster-domain` may be: lower-case DNS labels of letters, digits and inner hyphens. */
export function isClusterDomain(text: string): boolean {
  return text.length <= 200 && /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(text);
}
