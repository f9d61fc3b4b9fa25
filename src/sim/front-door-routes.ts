/**
 * What the coordinator's front door serves in the simulated model, read from what its nginx was
 * given: the nginx.conf in the leader's `nginx` container. Each server's port and protocol, and the
 * worker units its upstream picks from, named by unit. Read back rather than recomputed, so the
 * demo shows what the charm actually pushed.
 */
import { NGINX_CONTAINER } from "../charms/coordinator/meta.js";
import { NGINX_CONFIG_PATH } from "../charms/coordinator/nginx/paths.js";
import type { Simulator } from "./simulator.js";
import { workerUnitsByHost } from "./tempo-report.js";

export interface FrontDoorRouteLine {
  readonly port: number;
  /** `http`, `https`, `grpc` or `grpcs`: how nginx forwards (TLS on the front door goes with the s). */
  readonly scheme: string;
  readonly name: string;
  /** Worker units behind it (`host:port` when the host is no worker's), sorted; empty: nginx answers 503. */
  readonly upstream: readonly string[];
}

export interface FrontDoorRoutesReport {
  /** The coordinator unit whose nginx is read; absent when the model has none. */
  readonly unit?: string;
  readonly routes: readonly FrontDoorRouteLine[];
}

export function frontDoorRoutes(sim: Simulator, coordinatorApp: string): FrontDoorRoutesReport {
  const unit = sim.world.apps.get(coordinatorApp)?.leader;
  if (unit === undefined) return { routes: [] };
  const config = sim.world.units.get(unit)?.containers.get(NGINX_CONTAINER)?.readText(NGINX_CONFIG_PATH);
  if (config === undefined) return { unit, routes: [] };
  const unitByHost = workerUnitsByHost(sim);
  const upstreams = new Map<string, string[]>();
  for (const block of config.matchAll(/split_clients "\$\{request_id\}" \$(\w+) \{([^}]*)\}/g)) {
    const members = [...(block[2] ?? "").matchAll(/^\s*(?:\S+%|\*) (\S+):(\d+);$/gm)].map((entry) => {
      const host = entry[1] ?? "";
      return unitByHost.get(host) ?? `${host}:${entry[2]}`;
    });
    upstreams.set(block[1] ?? "", members.sort());
  }
  const routes: FrontDoorRouteLine[] = [];
  for (const server of config.matchAll(/# (\S+) → \S+\n\s*server \{\n\s*listen (\d+)([^;]*);[\s\S]*?location \/ \{\n\s*(?:set \$backend \w+:\/\/\$(\w+);|return 503)/g)) {
    const options = server[3] ?? "";
    routes.push({
      port: Number(server[2]),
      name: server[1] ?? "",
      scheme: `${options.includes("http2") ? "grpc" : "http"}${options.includes("ssl") ? "s" : ""}`,
      upstream: server[4] === undefined ? [] : (upstreams.get(server[4]) ?? []),
    });
  }
  return { unit, routes: routes.sort((a, b) => a.port - b.port) };
}
