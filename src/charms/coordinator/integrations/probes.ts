/**
 * `probes` (provider, interface `blackbox_exporter_probes`): one HTTP probe of the cluster's
 * `/ready` through its front door, so an operator learns that the cluster stopped answering even
 * when every process still exports metrics. The leader writes the application bag as Canonical's
 * `BlackboxProbesProvider` does: `scrape_metadata` (our topology), `scrape_probes` (jobs with
 * `params.module` and `static_configs`, the job name prefixed `juju_<identifier>`), and
 * `scrape_modules` (`{}`: the exporter's stock `http_2xx` module does the job).
 */
import { canonicalJson } from "../../../interface/canonical-json.js";
import type { Model } from "../../../juju/model.js";
import { type CosTopology, applicationLabels, topologyIdentifier, topologyMetadata } from "../cos/juju-topology.js";
import { apiUrl, mostExternal } from "../front-door.js";
import type { CoordinatorIntegration } from "../integrations.js";
import { currentFrontDoor } from "./ingress-address.js";
import { COORDINATOR_META, ENDPOINTS } from "../meta.js";

export interface ProbesOptions {
  readonly isTlsEnabled: (model: Model) => boolean;
}

/**
 * The front door's `/ready` on Tempo's HTTP port, through the most external address as the Python
 * coordinator probes it: the ingress when there is one, else the coordinator's service.
 */
export function frontDoorReadyUrl(model: Model, isTls: boolean): string {
  return `${apiUrl(mostExternal(currentFrontDoor(model, isTls)))}/ready`;
}

export function probesAppBag(model: Model, isTls: boolean): Record<string, string> {
  const topology: CosTopology = { model: model.name, modelUuid: model.uuid, application: model.app.name, charmName: COORDINATOR_META.name };
  const probe = {
    job_name: `juju_${topologyIdentifier(topology)}_tempo_ready`,
    params: { module: ["http_2xx"] },
    static_configs: [{ targets: [frontDoorReadyUrl(model, isTls)], labels: applicationLabels(topology) }],
  };
  return {
    scrape_metadata: canonicalJson(topologyMetadata({ ...topology, unit: model.unit.name })),
    scrape_modules: canonicalJson({}),
    scrape_probes: canonicalJson([probe]),
  };
}

export function probesIntegration(options: ProbesOptions): CoordinatorIntegration {
  return {
    name: "probes",
    gather: () => ({}),
    apply(model, outcome): void {
      if (!outcome.isLeader) return;
      const relations = model.relations(ENDPOINTS.probes);
      if (relations.length === 0) return;
      const bag = probesAppBag(model, options.isTlsEnabled(model));
      for (const relation of relations) relation.localAppData().update(bag);
    },
  };
}
