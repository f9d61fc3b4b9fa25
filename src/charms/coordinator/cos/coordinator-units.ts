/**
 * The coordinator's own units, for what COS reaches per unit (the nginx exporter): this unit and
 * every peer, by their stable Kubernetes names.
 */
import { compareUnitNames } from "../../../interface/provider.js";
import type { Model } from "../../../juju/model.js";
import { ENDPOINTS } from "../meta.js";

/** This unit and its peers, sorted by unit number. */
export function coordinatorUnits(model: Model): string[] {
  const peers = model.relations(ENDPOINTS.peers)[0]?.units ?? [];
  return [...new Set([model.unit.name, ...peers])].sort(compareUnitNames);
}
