/**
 * `tempo-api` (provider, interface `tempo_api`): where Tempo's HTTP and gRPC APIs are. The leader
 * writes `http` and `grpc`, each JSON `{"direct_url": …, "ingress_url": …}` (tempo_api lib v0,
 * `TempoApiAppData`; `ingress_url` left out without an ingress, as pydantic's `exclude_defaults`
 * leaves it). Both name the front door: the coordinator's service directly, the ingress otherwise.
 */
import { GRPC_PORT, HTTP_PORT } from "../../../interface/ports.js";
import type { Model } from "../../../juju/model.js";
import { type FrontDoor, httpUrl } from "../front-door.js";
import type { CoordinatorIntegration } from "../integrations.js";
import { ENDPOINTS } from "../meta.js";
import { currentFrontDoor } from "./ingress-address.js";

export function tempoApiData(door: FrontDoor): { readonly http: string; readonly grpc: string } {
  const urls = (port: number) =>
    JSON.stringify({ direct_url: httpUrl(door.internal, port), ...(door.ingress ? { ingress_url: httpUrl(door.ingress, port) } : {}) });
  return { http: urls(HTTP_PORT), grpc: urls(GRPC_PORT) };
}

export function tempoApiIntegration(options: { readonly isTlsEnabled: (model: Model) => boolean }): CoordinatorIntegration {
  return {
    name: "tempo-api",
    gather: () => ({}),
    apply(model, outcome): void {
      const relations = model.relations(ENDPOINTS.tempoApi);
      if (!outcome.isLeader || relations.length === 0) return;
      const data = tempoApiData(currentFrontDoor(model, options.isTlsEnabled(model)));
      for (const relation of relations) relation.localAppData().update(data);
    },
  };
}
