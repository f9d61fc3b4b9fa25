/**
 * The coordinator's own units, for what COS reaches per unit (the nginx exporter): this unit and
 * every peer, by their stable Kubernetes names.
 */
import { compareUnitNames } from "../../../interface/provider.js";
import type { Model } from "../../../juju/model.js";
import { ENDPOINTS } from "../meta.js";

/** `<app>-<n>.<app>-endpoints.<model>.svc.cluster.local`: the pod's name in Juju's headless service. */
export function kubernetesPodFqdn(unitName: string, modelName: string): string {
  const slash = unitName.lastIndexOf("/");
  const app = unitName.slice(0, slash);
  return `${app}-${unitName.slice(slash + 1)}.${app}-endpoints.${modelName}.svc.cluster.local`;
}

/** This unit and its peers, sorted by unit number. */
export function coordinatorUnits(model: Model): string[] {
  const peers = model.relations(ENDPOINTS.peers)[0]?.units ?? [];
  return [...new Set([model.unit.name, ...peers])].sort(compareUnitNames);
}
