/**
 * The cluster's front door: the one address users, related charms and Grafana reach Tempo by.
 *
 * The coordinator's pod runs nginx in front of the workers, so the address is the coordinator's
 * Kubernetes service (`<app>.<model>.svc.<cluster domain>`, the ClusterIP service Juju creates for
 * every application; the domain from cluster-domain.ts), `https` once the cluster has a certificate. With an ingress whose address is
 * known, the ingress is the "most external URL", as the Python coordinator calls it: receiver URLs,
 * the Grafana datasource, tempo-api's `ingress_url` and the catalogue entry use it (anchor §2.1,
 * §2.5–2.8). Traefik listens on the same port numbers as nginx (one entry point per port, see
 * integrations/ingress-route.ts), so only the scheme and host change.
 *
 * Pure: the integrations read TLS and the ingress relation and pass them in.
 */
import { GRPC_PORT, HTTP_PORT } from "../../interface/ports.js";
import { serviceFqdn } from "../../juju/kubernetes-names.js";

export type UrlScheme = "http" | "https";

/** Where one door is: a scheme and a host without port. */
export interface Door {
  readonly scheme: UrlScheme;
  readonly host: string;
}

/** What Traefik told us over `ingress` (its app bag's `external_host` and `scheme`). */
export interface IngressAddress {
  readonly externalHost: string;
  readonly scheme: UrlScheme;
}

export interface FrontDoor {
  /** The coordinator's service inside the cluster. */
  readonly internal: Door;
  /** The ingress, once Traefik has said where it listens. */
  readonly ingress?: Door;
}

/** The Kubernetes service Juju creates for an application. */
export function applicationServiceHost(app: string, modelName: string, clusterDomain?: string): string {
  return serviceFqdn(app, modelName, clusterDomain);
}

export function frontDoor(options: {
  readonly appName: string;
  readonly modelName: string;
  /** `cluster.local` when absent. */
  readonly clusterDomain?: string;
  readonly isTls: boolean;
  readonly ingress?: IngressAddress;
}): FrontDoor {
  const host = applicationServiceHost(options.appName, options.modelName, options.clusterDomain);
  const internal: Door = { scheme: options.isTls ? "https" : "http", host };
  return {
    internal,
    ...(options.ingress ? { ingress: { scheme: options.ingress.scheme, host: options.ingress.externalHost } } : {}),
  };
}

/** The ingress when there is one, else the service. */
export function mostExternal(door: FrontDoor): Door {
  return door.ingress ?? door.internal;
}

/** `scheme://host:port`. */
export function httpUrl(door: Door, port: number): string {
  return `${door.scheme}://${door.host}:${port}`;
}

/** gRPC targets are `host:port`, without a scheme (what gRPC clients and the tracing interface take). */
export function grpcAddress(door: Door, port: number): string {
  return `${door.host}:${port}`;
}

/** Tempo's HTTP API (query, search, `/ready`) through this door. */
export function apiUrl(door: Door): string {
  return httpUrl(door, HTTP_PORT);
}

/** Tempo's gRPC API (streaming search) through this door, as a URL (tempo_api publishes the scheme). */
export function grpcApiUrl(door: Door): string {
  return httpUrl(door, GRPC_PORT);
}
