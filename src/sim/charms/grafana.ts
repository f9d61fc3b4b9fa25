/**
 * A minimal Grafana for the simulator: the requirer of `grafana-source` (interface
 * `grafana_datasource`), as the grafana-k8s charm is. For each unit of a related source that has
 * written `grafana_source_host` it makes one datasource, of the type `grafana_source_data` names,
 * and answers in its application bag with `grafana_uid` (this Grafana) and `datasource_uids`
 * (JSON `{source unit: datasource uid}`), the keys Canonical's `GrafanaSourceConsumer` writes.
 * UIDs are derived from names, not random, so the demo prints the same bytes every run.
 */
import { z } from "zod";
import type { Charm } from "../../juju/charm.js";
import type { CharmMeta } from "../../juju/charm-meta.js";
import type { Model } from "../../juju/model.js";

export const GRAFANA_SOURCE_ENDPOINT = "grafana-source";

export const GRAFANA_META: CharmMeta = {
  name: "grafana",
  summary: "Shows datasources (simulator stand-in for Grafana).",
  description: "Makes a datasource per source unit over grafana_datasource and answers with their UIDs.",
  requires: { [GRAFANA_SOURCE_ENDPOINT]: { interface: "grafana_datasource" } },
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

async function reconcile(model: Model): Promise<void> {
  const problems: string[] = [];
  let count = 0;
  for (const relation of model.relations(GRAFANA_SOURCE_ENDPOINT)) {
    if (!relation.isActive) continue;
    const raw = relation.remoteAppData().grafana_source_data;
    let source: z.infer<typeof SourceData> | undefined;
    try {
      const parsed = SourceData.safeParse(raw === undefined ? undefined : JSON.parse(raw));
      if (parsed.success) source = parsed.data;
    } catch {
      source = undefined;
    }
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
  model.setUnitStatus(
    problems.length > 0
      ? { status: "blocked", message: problems.join("; ") }
      : { status: "active", message: count === 0 ? "" : `${count} datasource${count === 1 ? "" : "s"}` },
  );
}

export const grafanaCharm: Charm = { meta: GRAFANA_META, reconcile };
