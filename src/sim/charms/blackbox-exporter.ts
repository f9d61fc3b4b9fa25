/**
 * A `blackbox_exporter_probes` consumer for the simulator, standing in for the blackbox exporter:
 * it reads each related application's `scrape_probes` (as `BlackboxProbesRequirer` does) and shows
 * the probed targets with their modules in its status. It probes nothing.
 */
import type { Charm } from "../../juju/charm.js";
import type { CharmMeta } from "../../juju/charm-meta.js";
import type { Model } from "../../juju/model.js";
import { jsonValue } from "./json-value.js";

export const PROBES_ENDPOINT = "probes";

export const BLACKBOX_META: CharmMeta = {
  name: "blackbox-exporter",
  summary: "Collects probe targets (simulator stand-in for the blackbox exporter).",
  description: "Reads blackbox_exporter_probes application data and reports the targets.",
  requires: { [PROBES_ENDPOINT]: { interface: "blackbox_exporter_probes" } },
};

/** `module target` for every probe target an application asks for. */
export function probeTargets(appData: Readonly<Record<string, string>>): string[] {
  const probes = jsonValue(appData.scrape_probes);
  if (!Array.isArray(probes)) return [];
  return (probes as { params?: { module?: unknown[] }; static_configs?: { targets?: unknown[] }[] }[]).flatMap((probe) =>
    (probe.static_configs ?? []).flatMap((config) => (config.targets ?? []).map((target) => `${String(probe.params?.module?.[0] ?? "?")} ${String(target)}`)),
  );
}

async function reconcile(model: Model): Promise<void> {
  const targets = model.relations(PROBES_ENDPOINT).filter((relation) => relation.isActive).flatMap((relation) => probeTargets(relation.remoteAppData()));
  model.setUnitStatus({ status: "active", message: targets.length === 0 ? "no probes" : `probing ${targets.join(", ")}` });
}

export const blackboxExporterCharm: Charm = { meta: BLACKBOX_META, reconcile };
