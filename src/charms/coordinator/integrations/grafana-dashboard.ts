/**
 * `grafana-dashboard` (provider, interface `grafana_dashboard`): the leader puts our dashboards in
 * the application bag as Canonical's `GrafanaDashboardProvider` does — key `dashboards`, JSON
 * `{"templates": {"file:<name>": {charm, content, juju_topology, inject_dropdowns}}, "uuid": …}`,
 * `content` being base64 of xz (cos/xz-stored.ts).
 *
 * The Python library writes a fresh random `uuid` so every write fires relation-changed; ours is
 * derived from the templates, so the bag's bytes change exactly when a dashboard does.
 */
import { nodeCrypto } from "../../../juju/lazy-builtins.js";
import { canonicalJson } from "../../../interface/canonical-json.js";
import type { Model } from "../../../juju/model.js";
import { tempoDashboards } from "../cos/dashboards.js";
import { lzmaBase64 } from "../cos/xz-stored.js";
import type { CoordinatorIntegration } from "../integrations.js";
import { COORDINATOR_META, ENDPOINTS } from "../meta.js";

interface Identity {
  readonly model: string;
  readonly modelUuid: string;
  readonly application: string;
  readonly unit: string;
}

/** Compressing is the costly part and depends on nothing in the model: done once per process. */
let encodedDashboards: Record<string, string> | undefined;
function encoded(): Record<string, string> {
  encodedDashboards ??= Object.fromEntries(
    Object.entries(tempoDashboards()).map(([file, dashboard]) => [file, lzmaBase64(JSON.stringify(dashboard))]),
  );
  return encodedDashboards;
}

export function dashboardsBagValue(identity: Identity): string {
  const templates: Record<string, object> = {};
  for (const [file, content] of Object.entries(encoded())) {
    templates[`file:${file}`] = {
      charm: COORDINATOR_META.name,
      content,
      inject_dropdowns: true,
      juju_topology: { application: identity.application, model: identity.model, model_uuid: identity.modelUuid, unit: identity.unit },
    };
  }
  const digest = nodeCrypto().createHash("sha256").update(canonicalJson(templates)).digest("hex");
  const uuid = `${digest.slice(0, 8)}-${digest.slice(8, 12)}-${digest.slice(12, 16)}-${digest.slice(16, 20)}-${digest.slice(20, 32)}`;
  return canonicalJson({ templates, uuid });
}

export const grafanaDashboardIntegration: CoordinatorIntegration = {
  name: "grafana-dashboard",
  gather: () => ({}),
  apply(model: Model, outcome): void {
    if (!outcome.isLeader) return;
    const relations = model.relations(ENDPOINTS.grafanaDashboard);
    if (relations.length === 0) return;
    // The leader's unit, as the Python library records it: it only keeps keys unique per provider.
    const value = dashboardsBagValue({ model: model.name, modelUuid: model.uuid, application: model.app.name, unit: model.unit.name });
    for (const relation of relations) relation.localAppData().set("dashboards", value);
  },
};
