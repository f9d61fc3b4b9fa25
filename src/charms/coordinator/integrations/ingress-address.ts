/**
 * Where Traefik listens, as it says over `ingress` (traefik_route): its leader writes `external_host`
 * and `scheme` into its application bag (traefik_k8s lib `traefik_route` v0,
 * `TraefikRouteProvider.update_traefik_address`). Until both are there the ingress is not ready and
 * every URL stays on the coordinator's service. Anything else there is a bad neighbour: named in
 * the status, and ignored, so one bad write never sends users to a wrong address.
 */
import * as z from "zod";
import type { Parsed } from "../../../interface/parsed.js";
import type { Databag } from "../../../juju/backend.js";
import type { Model } from "../../../juju/model.js";
import { clusterDomain } from "../cluster-domain.js";
import { type FrontDoor, type IngressAddress, frontDoor } from "../front-door.js";
import { ENDPOINTS } from "../meta.js";
import { type NeighbourRelation, type Problem, unusableNeighbourData } from "../status.js";

/** A DNS name or an IPv4 address: what goes between `scheme://` and `:port`. */
const HOST = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/** A DNS name or IPv4 address, nothing that could smuggle a scheme, port or path into a URL. */
export function isHostName(text: string): boolean {
  return HOST.test(text);
}

const TraefikAddress = z.object({
  external_host: z.string().regex(HOST, { error: "external_host is not a host name or IPv4 address" }),
  scheme: z.enum(["http", "https"], { error: "scheme is neither http nor https" }),
});

export function parseIngressAddress(appData: Readonly<Databag>): Parsed<IngressAddress> {
  if (!appData.external_host && !appData.scheme) return { kind: "absent" };
  const parsed = TraefikAddress.safeParse(appData);
  if (!parsed.success) return { kind: "invalid", reasons: [...new Set(parsed.error.issues.map((issue) => issue.message))] };
  return { kind: "valid", data: { externalHost: parsed.data.external_host, scheme: parsed.data.scheme } };
}

export function ingressAddressInvalid(from: NeighbourRelation, reasons: readonly string[]): Problem {
  return unusableNeighbourData(from, `${from.app} sent an unusable ingress address (${reasons.join(", ")})`, "URLs stay on the cluster's service");
}

/** The ingress address, if an `ingress` relation gave a usable one, and what was wrong otherwise. */
export function readIngressAddress(model: Model): { address?: IngressAddress; problems: Problem[] } {
  const relation = model.relations(ENDPOINTS.ingress)[0];
  if (!relation) return { problems: [] };
  const parsed = parseIngressAddress(relation.remoteAppData());
  const from = { coordinator: model.app.name, endpoint: ENDPOINTS.ingress, app: relation.app };
  if (parsed.kind === "invalid") return { problems: [ingressAddressInvalid(from, parsed.reasons)] };
  return parsed.kind === "valid" ? { address: parsed.data, problems: [] } : { problems: [] };
}

/** The front door this hook: the coordinator's service, scheme by TLS, and the ingress if ready. */
export function currentFrontDoor(model: Model, isTls: boolean): FrontDoor {
  const { address } = readIngressAddress(model);
  return frontDoor({
    appName: model.app.name,
    modelName: model.name,
    clusterDomain: clusterDomain(model),
    isTls,
    ...(address ? { ingress: address } : {}),
  });
}
