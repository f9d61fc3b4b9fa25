/**
 * The names Juju gives a unit on Kubernetes. Each unit is a pod of the application's StatefulSet,
 * and Juju names the headless service `<app>-endpoints` in the model's namespace (juju/juju
 * `caas/kubernetes/provider/application`), so a unit's stable FQDN is the pod's name in that
 * service. `cluster.local` is Kubernetes' default cluster domain; a pod on another domain reads its
 * own name instead (src/charms/worker/pod-fqdn.ts), and this form is the fallback.
 */

/** `<app>-<n>.<app>-endpoints.<model>.svc.cluster.local` for unit `<app>/<n>`. */
export function kubernetesUnitFqdn(unitName: string, modelName: string): string {
  const slash = unitName.lastIndexOf("/");
  const app = unitName.slice(0, slash);
  const number = unitName.slice(slash + 1);
  return `${app}-${number}.${app}-endpoints.${modelName}.svc.cluster.local`;
}
