/**
 * What the front door routes where: one nginx server per port, each forwarding to the workers whose
 * role serves that port. Receivers go to the distributors, Tempo's HTTP API and gRPC to the
 * query-frontends, and `all` workers serve both (the Python coordinator's table, anchor charm
 * `tempo-coordinator-k8s` src/nginx_config.py; the ports are the ones its workers listen on).
 *
 * Pure: the cluster view and the enabled receivers → the routes, each with the worker units behind
 * it. The renderer turns them into nginx.conf and the demo prints them.
 */
import type { ClusterView } from "../../../interface/cluster-view.js";
import { GRPC_PORT, HTTP_PORT, RECEIVER_PORTS, type ReceiverProtocol } from "../../../interface/ports.js";
import { expandRole, type ComponentRole } from "../../../interface/role-rules.js";

/** HTTP/1.1 or HTTP/2 (gRPC, which nginx forwards with `grpc_pass`). */
export type Transport = "http" | "grpc";

/** The upstreams' names, as the Python coordinator spells them. */
export type RouteName = "tempo-http" | "tempo-grpc" | "otlp-grpc" | "otlp-http" | "zipkin" | "jaeger-grpc" | "jaeger-thrift-http";

export interface RouteDefinition {
  readonly name: RouteName;
  /** The port nginx listens on and the workers serve on (the same number, as in the Python charm). */
  readonly port: number;
  readonly transport: Transport;
  /** The component that serves it; `all` workers run every component and are included too. */
  readonly role: ComponentRole;
  /** Set on the trace receivers: routed only while that receiver is enabled. */
  readonly receiver?: ReceiverProtocol;
}

/** Every route the front door can serve, sorted by port. */
export const ROUTE_DEFINITIONS: readonly RouteDefinition[] = [
  { name: "tempo-http", port: HTTP_PORT, transport: "http", role: "query-frontend" },
  { name: "otlp-grpc", port: RECEIVER_PORTS.otlp_grpc, transport: "grpc", role: "distributor", receiver: "otlp_grpc" },
  { name: "otlp-http", port: RECEIVER_PORTS.otlp_http, transport: "http", role: "distributor", receiver: "otlp_http" },
  { name: "tempo-grpc", port: GRPC_PORT, transport: "grpc", role: "query-frontend" },
  { name: "zipkin", port: RECEIVER_PORTS.zipkin, transport: "http", role: "distributor", receiver: "zipkin" },
  { name: "jaeger-grpc", port: RECEIVER_PORTS.jaeger_grpc, transport: "grpc", role: "distributor", receiver: "jaeger_grpc" },
  {
    name: "jaeger-thrift-http",
    port: RECEIVER_PORTS.jaeger_thrift_http,
    transport: "http",
    role: "distributor",
    receiver: "jaeger_thrift_http",
  },
];

/** One worker unit behind a route. */
export interface RouteBackend {
  readonly application: string;
  readonly unit: string;
  /** Normalised host (DNS name, IPv4 or IPv6 without brackets). */
  readonly host: string;
}

export interface Route extends RouteDefinition {
  /** The units serving it, sorted by unit name; empty when no worker has the role. */
  readonly backends: readonly RouteBackend[];
}

/**
 * The routes the front door serves now: Tempo's API always, and each receiver only while it is
 * enabled (a port for a receiver Tempo does not run would only answer errors). Sorted by port.
 */
export function frontDoorRoutes(cluster: ClusterView, enabledReceivers: readonly ReceiverProtocol[]): Route[] {
  const enabled = new Set(enabledReceivers);
  return ROUTE_DEFINITIONS.filter((definition) => definition.receiver === undefined || enabled.has(definition.receiver))
    .map((definition) => ({ ...definition, backends: backendsFor(cluster, definition.role) }))
    .sort((a, b) => a.port - b.port);
}

/** The units of every application running `role` (or `all`): by application, then unit number (`app/2` before `app/10`). */
function backendsFor(cluster: ClusterView, role: ComponentRole): RouteBackend[] {
  // Each unit's number is parsed once, not inside the comparator.
  return cluster.applications
    .filter((application) => expandRole(application.role).includes(role))
    .flatMap((application) =>
      application.units.map((unit) => ({
        backend: { application: application.application, unit: unit.name, host: unit.address },
        number: Number(unit.name.slice(unit.name.lastIndexOf("/") + 1)),
      })),
    )
    .sort((a, b) => compareText(a.backend.application, b.backend.application) || a.number - b.number)
    .map(({ backend }) => backend);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
