/**
 * A minimal Grafana for the simulator, speaking the two relations a Tempo coordinator offers it:
 *
 * - `grafana-source` (interface `grafana_datasource`), as the grafana-k8s charm requires it: for each
 *   unit of a related source that has written `grafana_source_host` it makes one datasource, of the
 *   type `grafana_source_data` names, and answers in its application bag with `grafana_uid` (this
 *   Grafana) and `datasource_uids` (JSON `{source unit: datasource uid}`), the keys Canonical's
 *   `GrafanaSourceConsumer` writes. UIDs are derived from names, not random, so the demo prints the
 *   same bytes every run.
 * - `grafana-dashboard` (interface `grafana_dashboard`): it reads each related application's
 *   `dashboards` (templates whose `content` is base64 xz, as `GrafanaDashboardConsumer` reads them)
 *   and shows the dashboards' titles in its status.
 */
import * as z from "zod";
import { readLzmaBase64 } from "../../charms/coordinator/cos/xz-stored.js";
import type { Charm } from "../../juju/charm.js";
import type { CharmMeta } from "../../juju/charm-meta.js";
import type { Model } from "../../juju/model.js";
import { jsonValue } from "./json-value.js";

export const GRAFANA_SOURCE_ENDPOINT = "grafana-source";
export const GRAFANA_DASHBOARD_ENDPOINT = "grafana-dashboard";

export const GRAFANA_META: CharmMeta = {
  name: "grafana",
  summary: "Shows datasources and dashboards (simulator stand-in for Grafana).",
  description:
    "Makes a datasource per source unit over grafana_datasource and answers with their UIDs; reads " +
    "grafana_dashboard application data and reports the dashboards' titles.",
  requires: {
    [GRAFANA_SOURCE_ENDPOINT]: { interface: "grafana_datasource" },
    [GRAFANA_DASHBOARD_ENDPOINT]: { interface: "grafana_dashboard" },
  },
};

const SourceData = z.object({ type: z.string().min(1), application: z.string().min(1), model: z.string().min(1) });

/** One datasource this Grafana made, for the demo to show. */
export interface GrafanaDatasource {
  readonly unit: string;
  readonly uid: string;
  readonly type: string;
  readonly url: string;
}

export function grafanaUid(model: Model): string {
  return `${model.app.name}-${model.name}`;
}

export function datasourceUid(model: string, unit: string): string {
  return `juju_${model}_${unit.replace("/", "_")}`;
}

/** The titles of the dashboards an application offers, sorted; unreadable ones are named so. */
export function dashboardTitles(appData: Readonly<Record<string, string>>): string[] {
  const offered = jsonValue(appData.dashboards) as { templates?: Record<string, { content?: unknown }> } | undefined;
  const titles = Object.entries(offered?.templates ?? {}).map(([file, template]) => {
    const content = typeof template.content === "string" ? readLzmaBase64(template.content) : undefined;
    const title = (jsonValue(content) as { title?: unknown } | undefined)?.title;
    return typeof title === "string" ? title : `${file} (unreadable)`;
  });
  return titles.sort();
}

/** Make the datasources; returns how many, and what was unusable. */
function reconcileDatasources(model: Model): { count: number; problems: string[] } {
  const problems: string[] = [];
  let count = 0;
  for (const relation of model.relations(GRAFANA_SOURCE_ENDPOINT)) {
    if (!relation.isActive) continue;
    const raw = relation.remoteAppData().grafana_source_data;
    const parsed = SourceData.safeParse(jsonValue(raw));
    const source = parsed.success ? parsed.data : undefined;
    if (raw !== undefined && source === undefined) problems.push(`${relation.app} sent grafana_source_data that is not a datasource`);
    if (source === undefined) continue;
    const uids: Record<string, string> = {};
    for (const unit of relation.units) {
      const url = relation.remoteUnitData(unit).grafana_source_host;
      if (url) uids[unit] = datasourceUid(source.model, unit);
    }
    count += Object.keys(uids).length;
    if (model.isLeader()) relation.localAppData().update({ grafana_uid: grafanaUid(model), datasource_uids: JSON.stringify(uids) });
  }
  return { count, problems };
}

async function reconcile(model: Model): Promise<void> {
  const { count, problems } = reconcileDatasources(model);
  const titles = model
    .relations(GRAFANA_DASHBOARD_ENDPOINT)
    .filter((relation) => relation.isActive)
    .flatMap((relation) => dashboardTitles(relation.remoteAppData()));
  if (problems.length > 0) {
    model.setUnitStatus({ status: "blocked", message: problems.join("; ") });
    return;
  }
  const parts = [
    ...(count === 0 ? [] : [`${count} datasource${count === 1 ? "" : "s"}`]),
    ...(titles.length === 0 ? [] : [`dashboards: ${titles.join("; ")}`]),
  ];
  model.setUnitStatus({ status: "active", message: parts.join("; ") });
}

export const grafanaCharm: Charm = { meta: GRAFANA_META, reconcile };
