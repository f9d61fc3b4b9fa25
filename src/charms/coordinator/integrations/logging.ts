/**
 * `logging` (requirer, interface `loki_push_api`): every Loki unit puts `endpoint` =
 * `{"url": "http://…/loki/api/v1/push"}` (JSON) in its unit bag, as Canonical's
 * `LokiPushApiProvider` writes it. The workers get them as `loki_endpoints` (unit name → URL,
 * the Python coordinator's keys) and forward Tempo's logs to each through Pebble.
 *
 * The leader sends Loki our LogQL alert rules in the application bag, as `LokiPushApiConsumer`
 * does: `alert_rules` (`{"groups": […]}`, one group per worker application) and `metadata` (our
 * topology, which Loki falls back to for naming the rule file).
 */
import * as z from "zod";
import type { Parsed } from "../../../interface/parsed.js";
import type { Databag } from "../../../juju/backend.js";
import { canonicalJson } from "../../../interface/canonical-json.js";
import type { Model } from "../../../juju/model.js";
import { topologyMetadata } from "../cos/juju-topology.js";
import { tempoLogAlertRules } from "../cos/tempo-log-rules.js";
import type { CoordinatorIntegration, IntegrationInputs } from "../integrations.js";
import { COORDINATOR_META, ENDPOINTS } from "../meta.js";
import { parseUnitUrlField } from "./unit-url-field.js";
import { type NeighbourRelation, type Problem, unusableNeighbourData } from "../status.js";

export function parseLokiUnitData(unitData: Readonly<Databag>): Parsed<{ readonly url: string }> {
  return parseUnitUrlField(unitData, "endpoint", z.url({ protocol: /^https?$/ }));
}

/**
 * unit name → push URL, keys sorted. A URL is kept once, under the first unit (by relation id,
 * then unit name) that gave it: a scaled Loki coordinator gives the same URL from every unit, and
 * one log target per unit would send every log line that many times.
 */
export function lokiEndpointsByUnit(units: readonly { readonly unit: string; readonly url: string }[]): Record<string, string> {
  const unitByUrl = new Map<string, string>();
  for (const { unit, url } of units) if (!unitByUrl.has(url)) unitByUrl.set(url, unit);
  const endpoints: Record<string, string> = {};
  for (const [url, unit] of [...unitByUrl].sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0))) endpoints[unit] = url;
  return endpoints;
}

export const loggingIntegration: CoordinatorIntegration = {
  name: "logging",
  gather(model: Model): Partial<IntegrationInputs> {
    const found: { unit: string; url: string }[] = [];
    const problems: Problem[] = [];
    for (const relation of model.relations(ENDPOINTS.logging)) {
      for (const unit of relation.units) {
        const parsed = parseLokiUnitData(relation.remoteUnitData(unit));
        if (parsed.kind === "valid") found.push({ unit, url: parsed.data.url });
        const from = { coordinator: model.app.name, endpoint: ENDPOINTS.logging, app: relation.app };
        if (parsed.kind === "invalid") problems.push(lokiEndpointInvalid(from, unit, parsed.reasons));
      }
    }
    return { lokiEndpoints: lokiEndpointsByUnit(found), problems };
  },
  apply(model, outcome): void {
    if (!outcome.isLeader) return;
    const relations = model.relations(ENDPOINTS.logging);
    if (relations.length === 0) return;
    const identity = { model: model.name, modelUuid: model.uuid };
    const bag = {
      alert_rules: canonicalJson(tempoLogAlertRules(outcome.cluster.applications, identity)),
      metadata: canonicalJson(
        topologyMetadata({ ...identity, application: model.app.name, charmName: COORDINATOR_META.name, unit: model.unit.name }),
      ),
    };
    for (const relation of relations) relation.localAppData().update(bag);
  },
};

export function lokiEndpointInvalid(from: NeighbourRelation, unit: string, reasons: readonly string[]): Problem {
  return unusableNeighbourData(from, `${unit} sent an unusable Loki push endpoint (${reasons.join(", ")})`, "no logs are sent to it");
}
