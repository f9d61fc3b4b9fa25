/**
 * `catalogue` (requirer, interface `catalogue`): one entry for the cluster in the COS catalogue.
 * The leader writes `name`, `icon`, `url` and `description` (catalogue_k8s lib v1,
 * `CatalogueConsumer`); the URL is Tempo's API at the front door, its `/memberlist` page as the
 * Python coordinator links it (anchor §2.7).
 */
import type { Model } from "../../../juju/model.js";
import { apiUrl, mostExternal } from "../front-door.js";
import type { CoordinatorIntegration } from "../integrations.js";
import { ENDPOINTS } from "../meta.js";
import { currentFrontDoor } from "./ingress-address.js";

export const CATALOGUE_DESCRIPTION =
  "Tempo is a distributed tracing backend by Grafana, supporting Jaeger, Zipkin, and OpenTelemetry protocols.";

export function catalogueEntry(appName: string, apiBaseUrl: string): Record<string, string> {
  return {
    name: appName,
    icon: "transit-connection-variant",
    url: `${apiBaseUrl}/memberlist`,
    description: CATALOGUE_DESCRIPTION,
  };
}

export function catalogueIntegration(options: { readonly isTlsEnabled: (model: Model) => boolean }): CoordinatorIntegration {
  return {
    name: "catalogue",
    gather: () => ({}),
    apply(model, outcome): void {
      const relations = model.relations(ENDPOINTS.catalogue);
      if (!outcome.isLeader || relations.length === 0) return;
      const url = apiUrl(mostExternal(currentFrontDoor(model, options.isTlsEnabled(model))));
      for (const relation of relations) relation.localAppData().update(catalogueEntry(model.app.name, url));
    },
  };
}
