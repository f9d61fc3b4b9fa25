/**
 * A minimal Traefik for the simulator: the provider of `traefik-route` (interface `traefik_route`),
 * as traefik-k8s is. Its leader says where it listens (`external_host`, `scheme` in its application
 * bag, as `TraefikRouteProvider.update_traefik_address` writes them) and reads each requirer's
 * `config` and `static` (YAML: Traefik's dynamic and static configuration). A requirer whose data is
 * not YAML, or not Traefik's shape, is named in its status and routed nowhere, as Traefik would refuse
 * to load it. The demo reads the routes from the requirer's bag.
 */
import YAML from "yaml";
import * as z from "zod";
import type { Charm } from "../../juju/charm.js";
import type { CharmMeta } from "../../juju/charm-meta.js";
import type { Model } from "../../juju/model.js";

export const TRAEFIK_ROUTE_ENDPOINT = "traefik-route";
/** A stable address: the simulated model has no load balancer to ask. */
export const TRAEFIK_EXTERNAL_HOST = "traefik.example.internal";

export const TRAEFIK_META: CharmMeta = {
  name: "traefik",
  summary: "Routes traffic into the model (simulator stand-in for Traefik).",
  description: "Accepts raw Traefik routes over traefik_route and says where it listens.",
  provides: { [TRAEFIK_ROUTE_ENDPOINT]: { interface: "traefik_route" } },
};

const DynamicConfig = z.object({
  http: z.object({
    routers: z.record(z.string(), z.object({ entryPoints: z.array(z.string()), service: z.string(), rule: z.string() })),
    services: z.record(z.string(), z.object({ loadBalancer: z.object({ servers: z.array(z.object({ url: z.string() })) }) })),
  }),
});
const StaticConfig = z.object({ entryPoints: z.record(z.string(), z.object({ address: z.string() })) });

export interface TraefikRoute {
  readonly entryPoint: string;
  readonly address: string;
  readonly servers: readonly string[];
}

/** The routes a requirer's bag asks for, or why Traefik would refuse them. */
export function parseRoutes(appData: Readonly<Record<string, string>>): { kind: "absent" } | { kind: "invalid"; reason: string } | { kind: "valid"; routes: TraefikRoute[] } {
  if (appData.config === undefined) return { kind: "absent" };
  let dynamic: unknown;
  let statics: unknown;
  try {
    dynamic = YAML.parse(appData.config);
    statics = appData.static === undefined ? { entryPoints: {} } : YAML.parse(appData.static);
  } catch {
    return { kind: "invalid", reason: "config or static is not YAML" };
  }
  const config = DynamicConfig.safeParse(dynamic);
  const entry = StaticConfig.safeParse(statics);
  if (!config.success || !entry.success) return { kind: "invalid", reason: "config or static is not Traefik configuration" };
  const routes = Object.values(config.data.http.routers).flatMap((router) =>
    router.entryPoints.map((name) => ({
      entryPoint: name,
      address: entry.data.entryPoints[name]?.address ?? "(no entry point)",
      servers: (config.data.http.services[router.service]?.loadBalancer.servers ?? []).map((server) => server.url),
    })),
  );
  return { kind: "valid", routes: routes.sort((a, b) => (a.entryPoint < b.entryPoint ? -1 : a.entryPoint > b.entryPoint ? 1 : 0)) };
}

async function reconcile(model: Model): Promise<void> {
  const problems: string[] = [];
  let routes = 0;
  for (const relation of model.relations(TRAEFIK_ROUTE_ENDPOINT)) {
    if (!relation.isActive) continue;
    if (model.isLeader()) relation.localAppData().update({ external_host: TRAEFIK_EXTERNAL_HOST, scheme: "http" });
    const parsed = parseRoutes(relation.remoteAppData());
    if (parsed.kind === "invalid") problems.push(`${relation.app} sent unusable routes (${parsed.reason}); nothing routed to it`);
    if (parsed.kind === "valid") routes += parsed.routes.length;
  }
  model.setUnitStatus(
    problems.length > 0
      ? { status: "blocked", message: problems.join("; ") }
      : { status: "active", message: routes === 0 ? "" : `${routes} route${routes === 1 ? "" : "s"}` },
  );
}

export const traefikCharm: Charm = { meta: TRAEFIK_META, reconcile };
