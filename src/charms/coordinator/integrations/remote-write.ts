/**
 * `send-remote-write` (requirer, interface `prometheus_remote_write` v0): every provider unit able
 * to take remote writes puts `remote_write` = `{"url": "http://…/api/v1/write"}` (JSON) in its
 * unit bag (neighbour-interfaces/prometheus_remote_write-v0, provider.json). The endpoints turn on
 * Tempo's metrics-generator and travel to the workers as `remote_write_endpoints`; desired-state
 * does both. We send no alert rules: Tempo's metrics-generator has none of its own.
 */
import type { Parsed } from "../../../interface/parsed.js";
import type { Databag } from "../../../juju/backend.js";
import type { Model } from "../../../juju/model.js";
import { RemoteWriteEndpoint } from "../../../tempo/settings.js";
import type { CoordinatorIntegration, IntegrationInputs } from "../integrations.js";
import { ENDPOINTS } from "../meta.js";
import { parseUnitUrlField } from "./unit-url-field.js";
import { type NeighbourRelation, type Problem, unusableNeighbourData } from "../status.js";

/** The same URL rule the Tempo settings apply, so an accepted endpoint never fails the builder. */
export function parseRemoteWriteUnitData(unitData: Readonly<Databag>): Parsed<{ readonly url: string }> {
  return parseUnitUrlField(unitData, "remote_write", RemoteWriteEndpoint.shape.url);
}

export const remoteWriteIntegration: CoordinatorIntegration = {
  name: "send-remote-write",
  gather(model: Model): Partial<IntegrationInputs> {
    const urls = new Set<string>();
    const problems: Problem[] = [];
    for (const relation of model.relations(ENDPOINTS.remoteWrite)) {
      for (const unit of relation.units) {
        const parsed = parseRemoteWriteUnitData(relation.remoteUnitData(unit));
        if (parsed.kind === "valid") urls.add(parsed.data.url);
        const from = { coordinator: model.app.name, endpoint: ENDPOINTS.remoteWrite, app: relation.app };
        if (parsed.kind === "invalid") problems.push(remoteWriteInvalid(from, unit, parsed.reasons));
      }
    }
    return { remoteWrite: [...urls].sort().map((url) => ({ url })), problems };
  },
};

export function remoteWriteInvalid(from: NeighbourRelation, unit: string, reasons: readonly string[]): Problem {
  return unusableNeighbourData(from, `${unit} sent an unusable remote-write endpoint (${reasons.join(", ")})`, "metrics are not written to it");
}
