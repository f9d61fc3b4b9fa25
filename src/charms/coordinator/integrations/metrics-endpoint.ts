/**
 * `metrics-endpoint` (provider, interface `prometheus_scrape`): what Prometheus scrapes and alerts
 * on. The leader writes the application bag as Canonical's `MetricsEndpointProvider` does —
 * `scrape_metadata` (our topology), `scrape_jobs` (JSON list), `alert_rules` (`{"groups": […]}`) —
 * and every unit names itself in its unit bag (`prometheus_scrape_unit_*`), which is how the
 * consumer tells which coordinator unit an nginx-exporter target belongs to.
 */
import { canonicalJson } from "../../../interface/canonical-json.js";
import type { Model } from "../../../juju/model.js";
import { clusterDomain, ownUnitFqdn } from "../cluster-domain.js";
import { coordinatorUnits } from "../cos/coordinator-units.js";
import { topologyMetadata } from "../cos/juju-topology.js";
import { scrapeJobs } from "../cos/scrape-jobs.js";
import { tempoAlertRules } from "../cos/tempo-alert-rules.js";
import type { CoordinatorIntegration, CoordinatorOutcome } from "../integrations.js";
import { COORDINATOR_META, ENDPOINTS } from "../meta.js";

export interface MetricsEndpointOptions {
  readonly isTlsEnabled: (model: Model) => boolean;
}

/** The application bag every `metrics-endpoint` relation should hold. */
export function metricsEndpointAppBag(model: Model, outcome: CoordinatorOutcome, isTls: boolean): Record<string, string> {
  const coordinator = { model: model.name, modelUuid: model.uuid, application: model.app.name, charmName: COORDINATOR_META.name };
  const jobs = scrapeJobs({
    workers: outcome.cluster.applications,
    coordinator,
    coordinatorUnits: coordinatorUnits(model),
    clusterDomain: clusterDomain(model),
    isTls,
  });
  return {
    alert_rules: canonicalJson(tempoAlertRules(outcome.cluster.applications, coordinator)),
    scrape_jobs: canonicalJson(jobs),
    scrape_metadata: canonicalJson(topologyMetadata({ ...coordinator, unit: model.unit.name })),
  };
}

export function metricsEndpointIntegration(options: MetricsEndpointOptions): CoordinatorIntegration {
  return {
    name: ENDPOINTS.metrics,
    gather: () => ({}),
    apply(model, outcome): void {
      const relations = model.relations(ENDPOINTS.metrics);
      if (relations.length === 0) return;
      const fqdn = ownUnitFqdn(model);
      const appBag = outcome.isLeader ? metricsEndpointAppBag(model, outcome, options.isTlsEnabled(model)) : undefined;
      for (const relation of relations) {
        relation.localUnitData().update({
          prometheus_scrape_unit_address: fqdn,
          prometheus_scrape_unit_fqdn: fqdn,
          prometheus_scrape_unit_name: model.unit.name,
        });
        if (appBag) relation.localAppData().update(appBag);
      }
    },
  };
}
