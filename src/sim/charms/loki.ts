/**
 * A minimal `loki_push_api` provider for the simulator, standing in for Loki so a simulated
 * cluster's workers have somewhere to forward their logs. Every unit puts
 * `endpoint = {"url": "http://<its address>:3100/loki/api/v1/push"}` (JSON) in its own unit bag on
 * each relation, as Canonical's LokiPushApiProvider does — the shape the coordinator's `logging`
 * integration reads. Of what the requirer sends it only counts the LogQL alert rule groups
 * (`alert_rules`), to show in its status; evaluating them is a real Loki's business.
 */
import type { Charm } from "../../juju/charm.js";
import type { CharmMeta } from "../../juju/charm-meta.js";
import type { Model } from "../../juju/model.js";
import { jsonValue } from "./json-value.js";

export const LOKI_ENDPOINT = "logging";
export const LOKI_PORT = 3100;

export const LOKI_META: CharmMeta = {
  name: "loki",
  summary: "Accepts log pushes (simulator stand-in for Loki).",
  description: "Publishes a push URL per unit over loki_push_api.",
  provides: { [LOKI_ENDPOINT]: { interface: "loki_push_api" } },
};

/** The unit bag value for a unit reachable at `address`. */
export function lokiUnitData(address: string): { endpoint: string } {
  return { endpoint: JSON.stringify({ url: `http://${address}:${LOKI_PORT}/loki/api/v1/push` }) };
}

async function reconcile(model: Model): Promise<void> {
  let ruleGroups = 0;
  for (const relation of model.relations(LOKI_ENDPOINT)) {
    if (!relation.isActive) continue;
    const address = model.network(LOKI_ENDPOINT, relation.ref).ingressAddresses[0];
    if (address !== undefined) relation.localUnitData().update(lokiUnitData(address));
    const rules = jsonValue(relation.remoteAppData().alert_rules) as { groups?: unknown[] } | undefined;
    ruleGroups += Array.isArray(rules?.groups) ? rules.groups.length : 0;
  }
  model.setUnitStatus({ status: "active", message: ruleGroups === 0 ? "" : `${ruleGroups} log alert rule groups` });
}

export const lokiCharm: Charm = { meta: LOKI_META, reconcile };
