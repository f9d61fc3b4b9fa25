/**
 * A `grafana_dashboard` consumer for the simulator, standing in for Grafana: it reads each
 * related application's `dashboards` (templates whose `content` is base64 xz, as
 * `GrafanaDashboardConsumer` reads them) and shows the dashboards' titles in its status.
 */
import { readLzmaBase64 } from "../../charms/coordinator/cos/xz-stored.js";
import type { Charm } from "../../juju/charm.js";
import type { CharmMeta } from "../../juju/charm-meta.js";
import type { Model } from "../../juju/model.js";
import { jsonValue } from "./json-value.js";

export const GRAFANA_DASHBOARD_ENDPOINT = "grafana-dashboard";

export const GRAFANA_META: CharmMeta = {
  name: "grafana",
  summary: "Collects dashboards (simulator stand-in for Grafana).",
  description: "Reads grafana_dashboard application data and reports the dashboards' titles.",
  requires: { [GRAFANA_DASHBOARD_ENDPOINT]: { interface: "grafana_dashboard" } },
};

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

async function reconcile(model: Model): Promise<void> {
  const titles = model.relations(GRAFANA_DASHBOARD_ENDPOINT).filter((relation) => relation.isActive).flatMap((relation) => dashboardTitles(relation.remoteAppData()));
  model.setUnitStatus({ status: "active", message: titles.length === 0 ? "no dashboards" : `dashboards: ${titles.join("; ")}` });
}

export const grafanaCharm: Charm = { meta: GRAFANA_META, reconcile };
