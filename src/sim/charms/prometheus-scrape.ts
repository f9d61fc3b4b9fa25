/**
 * A `prometheus_scrape` consumer for the simulator, standing in for Prometheus's
 * `metrics-endpoint`: it reads what each related application offers — `scrape_jobs`,
 * `alert_rules`, `scrape_metadata`, as `MetricsEndpointConsumer` reads them — and shows it in its
 * status (jobs, targets, alert rules by group). It scrapes nothing.
 */
import type { Charm } from "../../juju/charm.js";
import type { CharmMeta } from "../../juju/charm-meta.js";
import type { Model } from "../../juju/model.js";
import { jsonValue } from "./json-value.js";

export const PROMETHEUS_SCRAPE_ENDPOINT = "metrics-endpoint";

export const PROMETHEUS_SCRAPE_META: CharmMeta = {
  name: "prometheus-scrape",
  summary: "Collects scrape jobs and alert rules (simulator stand-in for Prometheus).",
  description: "Reads prometheus_scrape application data and reports what it would scrape.",
  requires: { [PROMETHEUS_SCRAPE_ENDPOINT]: { interface: "prometheus_scrape" } },
};

export interface ScrapeOffer {
  readonly jobs: number;
  readonly targets: number;
  readonly alertGroups: readonly string[];
  readonly alertRules: number;
}

export function readScrapeOffer(appData: Readonly<Record<string, string>>): ScrapeOffer {
  const jobs = jsonValue(appData.scrape_jobs);
  const rules = jsonValue(appData.alert_rules) as { groups?: { name?: unknown; rules?: unknown[] }[] } | undefined;
  const jobList = Array.isArray(jobs) ? (jobs as { static_configs?: { targets?: unknown[] }[] }[]) : [];
  const groups = Array.isArray(rules?.groups) ? rules.groups : [];
  return {
    jobs: jobList.length,
    targets: jobList.reduce((sum, job) => sum + (job.static_configs ?? []).reduce((n, config) => n + (config.targets ?? []).length, 0), 0),
    alertGroups: groups.map((group) => String(group.name)),
    alertRules: groups.reduce((sum, group) => sum + (Array.isArray(group.rules) ? group.rules.length : 0), 0),
  };
}

async function reconcile(model: Model): Promise<void> {
  const offers = model.relations(PROMETHEUS_SCRAPE_ENDPOINT).filter((relation) => relation.isActive).map((relation) => readScrapeOffer(relation.remoteAppData()));
  const jobs = offers.reduce((sum, offer) => sum + offer.jobs, 0);
  const groups = offers.reduce((sum, offer) => sum + offer.alertGroups.length, 0);
  const rules = offers.reduce((sum, offer) => sum + offer.alertRules, 0);
  model.setUnitStatus({ status: "active", message: `${jobs} scrape jobs, ${rules} alert rules in ${groups} groups` });
}

export const prometheusScrapeCharm: Charm = { meta: PROMETHEUS_SCRAPE_META, reconcile };
