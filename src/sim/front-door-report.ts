/**
 * The cluster's front door in a simulated model, as a user finds it: `juju run tempo/0
 * list-receivers` (the real action, run on the coordinator's leader like any hook), what Grafana
 * made of our datasource, and the routes Traefik was given. Plain data for the demo.
 */
import { LIST_RECEIVERS_ACTION } from "../charms/coordinator/list-receivers.js";
import { runUnitHook } from "../testing/run.js";
import { GRAFANA_SOURCE_ENDPOINT } from "./charms/grafana.js";
import { type TraefikRoute, parseRoutes } from "./charms/traefik.js";
import type { Simulator } from "./simulator.js";
import { COORDINATOR_APP } from "./tempo-cluster.js";

export type ListReceiversReport =
  | { readonly kind: "answered"; readonly unit: string; readonly results: Readonly<Record<string, string>> }
  | { readonly kind: "failed"; readonly unit: string; readonly message: string }
  | { readonly kind: "no-leader" };

/** Run the action on the coordinator's leader; it writes nothing, so the model is unchanged. */
export async function listReceivers(sim: Simulator): Promise<ListReceiversReport> {
  const charm = sim.charmOf(COORDINATOR_APP);
  const unit = sim.world.apps.get(COORDINATOR_APP)?.leader;
  if (!charm || !unit) return { kind: "no-leader" };
  const outcome = await runUnitHook(charm, sim.world, unit, { kind: "action", action: { name: LIST_RECEIVERS_ACTION, uuid: "1" } });
  const action = outcome.record.action;
  if (outcome.kind === "failed") return { kind: "failed", unit, message: String(outcome.error) };
  if (action?.failure !== undefined) return { kind: "failed", unit, message: action.failure };
  const results = Object.fromEntries(Object.entries(action?.results ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { kind: "answered", unit, results };
}

export interface GrafanaDatasourceReport {
  readonly grafana: string;
  readonly unit: string;
  readonly type: string;
  readonly url: string;
  readonly uid?: string;
}

/** Each Tempo unit's datasource as Grafana sees it: the URL we gave and the UID it answered. */
export function grafanaDatasources(sim: Simulator): GrafanaDatasourceReport[] {
  const found: GrafanaDatasourceReport[] = [];
  for (const relation of [...sim.world.relations.values()].sort((a, b) => a.id - b.id)) {
    const ours = relation.ends.find((end) => end.app === COORDINATOR_APP && end.endpoint === "grafana-source");
    const theirs = relation.ends.find((end) => end.app !== COORDINATOR_APP && end.endpoint === GRAFANA_SOURCE_ENDPOINT);
    if (!ours || !theirs) continue;
    const source = parseJson(relation.appData.get(COORDINATOR_APP)?.grafana_source_data) as { type?: unknown } | undefined;
    const uids = parseJson(relation.appData.get(theirs.app)?.datasource_uids) as Record<string, unknown> | undefined;
    for (const [unit, bag] of [...relation.unitData.entries()].filter(([name]) => name.startsWith(`${COORDINATOR_APP}/`)).sort()) {
      if (!bag.grafana_source_host) continue;
      const uid = uids?.[unit];
      found.push({
        grafana: theirs.app,
        unit,
        type: typeof source?.type === "string" ? source.type : "?",
        url: bag.grafana_source_host,
        ...(typeof uid === "string" ? { uid } : {}),
      });
    }
  }
  return found;
}

export interface IngressReport {
  readonly traefik: string;
  readonly listensAt?: string;
  readonly routes: readonly TraefikRoute[];
}

export function ingressRoutes(sim: Simulator): IngressReport[] {
  const found: IngressReport[] = [];
  for (const relation of [...sim.world.relations.values()].sort((a, b) => a.id - b.id)) {
    const ours = relation.ends.find((end) => end.app === COORDINATOR_APP && end.endpoint === "ingress");
    const theirs = relation.ends.find((end) => end.app !== COORDINATOR_APP);
    if (!ours || !theirs) continue;
    const traefikBag = relation.appData.get(theirs.app) ?? {};
    const routes = parseRoutes(relation.appData.get(COORDINATOR_APP) ?? {});
    found.push({
      traefik: theirs.app,
      ...(traefikBag.external_host && traefikBag.scheme ? { listensAt: `${traefikBag.scheme}://${traefikBag.external_host}` } : {}),
      routes: routes.kind === "valid" ? routes.routes : [],
    });
  }
  return found;
}

function parseJson(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}
