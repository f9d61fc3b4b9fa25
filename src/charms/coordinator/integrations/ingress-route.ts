/**
 * `ingress` (requirer, interface `traefik_route`): Traefik in front of every coordinator unit.
 *
 * The leader writes, as the Python coordinator does (anchor §2.6; traefik_k8s lib `traefik_route`
 * v0, `submit_to_traefik`, which YAML-encodes both):
 * - `static`: one entry point per Tempo port, requested or not, because changing Traefik's static
 *   config restarts it;
 * - `config`: per port a router (any client, `ClientIP(0.0.0.0/0)`) and a service load-balanced
 *   over every coordinator unit, each unit's FQDN taken from the peer relation where it wrote it.
 *   gRPC ports go to `h2c://` while the cluster is plain (Traefik then speaks HTTP/2 without TLS
 *   to nginx), `https://` with TLS; when Traefik itself is https, a permanent redirect to https.
 * The URLs users are given once Traefik answers are in ingress-address.ts.
 */
import YAML from "yaml";
import { GRPC_PORT, HTTP_PORT, RECEIVER_PORTS } from "../../../interface/ports.js";
import { ownUnitFqdn } from "../cluster-domain.js";
import type { Model } from "../../../juju/model.js";
import type { CoordinatorIntegration } from "../integrations.js";
import { ENDPOINTS } from "../meta.js";
import type { UrlScheme } from "../front-door.js";
import { isHostName, readIngressAddress } from "./ingress-address.js";
import { RECEIVER_TRANSPORT } from "./tracing-receivers.js";

/** Every port the front door serves, by the entry point name the Python charm gives it. */
export const FRONT_DOOR_PORTS: readonly { readonly name: string; readonly port: number; readonly transport: "http" | "grpc" }[] = [
  { name: "tempo-http", port: HTTP_PORT, transport: "http" },
  { name: "tempo-grpc", port: GRPC_PORT, transport: "grpc" },
  ...(Object.keys(RECEIVER_PORTS) as (keyof typeof RECEIVER_PORTS)[]).map((protocol) => ({
    name: protocol.replaceAll("_", "-"),
    port: RECEIVER_PORTS[protocol],
    transport: RECEIVER_TRANSPORT[protocol],
  })),
];

/** The peer unit-bag key where each coordinator unit says its FQDN (the Python charm's `PeerData`). */
export const PEER_FQDN_KEY = "fqdn";

export interface IngressRouteInputs {
  readonly appName: string;
  readonly modelName: string;
  /** FQDNs of every coordinator unit, this one included. */
  readonly unitFqdns: readonly string[];
  /** The cluster's own TLS: nginx serves https and grpcs. */
  readonly isTls: boolean;
  /** Traefik's scheme, once it said it: `https` adds a redirect. */
  readonly traefikScheme?: UrlScheme;
}

/** The `traefik_route` requirer app bag: `config` and `static` as YAML (sorted, so stable bytes). */
export function ingressRouteBag(inputs: IngressRouteInputs): Record<string, string> {
  const prefix = `juju-${inputs.modelName}-${inputs.appName}`;
  const routers: Record<string, unknown> = {};
  const services: Record<string, unknown> = {};
  const middlewares: Record<string, unknown> = {};
  const entryPoints: Record<string, unknown> = {};
  const fqdns = [...new Set(inputs.unitFqdns)].sort();
  for (const { name, port, transport } of FRONT_DOOR_PORTS) {
    entryPoints[name] = { address: `:${port}` };
    const scheme = transport === "grpc" && !inputs.isTls ? "h2c" : inputs.isTls ? "https" : "http";
    const redirect = inputs.traefikScheme === "https";
    routers[`${prefix}-${name}`] = {
      entryPoints: [name],
      service: `${prefix}-service-${name}`,
      rule: "ClientIP(`0.0.0.0/0`)",
      ...(redirect ? { middlewares: [`${prefix}-middleware-${name}`] } : {}),
    };
    if (redirect) middlewares[`${prefix}-middleware-${name}`] = { redirectScheme: { permanent: true, port, scheme: "https" } };
    services[`${prefix}-service-${name}`] = { loadBalancer: { servers: fqdns.map((fqdn) => ({ url: `${scheme}://${fqdn}:${port}` })) } };
  }
  const http = { routers, services, ...(Object.keys(middlewares).length > 0 ? { middlewares } : {}) };
  const yaml = (document: unknown) => YAML.stringify(document, { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false });
  return { raw: "False", config: yaml({ http }), static: yaml({ entryPoints }) };
}


export function ingressRouteIntegration(options: { readonly isTlsEnabled: (model: Model) => boolean }): CoordinatorIntegration {
  return {
    name: "ingress",
    // A bad address from Traefik is named in the status; ingress-address.ts keeps URLs on the service.
    gather: (model) => ({ problems: readIngressAddress(model).problems }),
    apply(model, outcome): void {
      const ownFqdn = ownUnitFqdn(model);
      const peers = model.relations(ENDPOINTS.peers)[0];
      peers?.localUnitData().set(PEER_FQDN_KEY, ownFqdn);
      const relations = model.relations(ENDPOINTS.ingress);
      if (!outcome.isLeader || relations.length === 0) return;
      const peerFqdns = (peers?.units ?? []).flatMap((unit) => {
        const fqdn = peers?.remoteUnitData(unit)[PEER_FQDN_KEY];
        // Another unit of ours wrote it, but a bag is still text from elsewhere: only host names go to Traefik.
        return fqdn && isHostName(fqdn) ? [fqdn] : [];
      });
      const { address } = readIngressAddress(model);
      const bag = ingressRouteBag({
        appName: model.app.name,
        modelName: model.name,
        unitFqdns: [ownFqdn, ...peerFqdns],
        isTls: options.isTlsEnabled(model),
        ...(address ? { traefikScheme: address.scheme } : {}),
      });
      for (const relation of relations) relation.localAppData().update(bag);
    },
  };
}
