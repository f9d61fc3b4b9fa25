/**
 * `grafana-source` (provider, interface `grafana_datasource`) and `receive-datasource` (requirer,
 * interface `grafana_datasource_exchange`): Grafana gets Tempo as a `tempo` datasource at the front
 * door, with links to the metrics and logs of the same cluster when the datasources to link to are
 * known (grafana-datasources.ts has the shapes). Every unit writes its `grafana_source_host`; only
 * the leader writes application bags.
 */
import type { Model } from "../../../juju/model.js";
import { apiUrl, mostExternal } from "../front-door.js";
import type { CoordinatorIntegration, IntegrationInputs } from "../integrations.js";
import { ENDPOINTS } from "../meta.js";
import { type NeighbourRelation, type Problem, unusableNeighbourData } from "../status.js";
import {
  type GrafanaAnswer,
  type ReceivedDatasource,
  correlationExtraFields,
  grafanaSourceData,
  ourExchangedDatasources,
  parseExchangedDatasources,
  parseGrafanaAnswer,
} from "./grafana-datasources.js";
import { currentFrontDoor } from "./ingress-address.js";

export interface GrafanaSourceOptions {
  /** Whether the front door serves TLS this hook (the certificates integration has a certificate). */
  readonly isTlsEnabled: (model: Model) => boolean;
}

function grafanaAnswers(model: Model): { answers: GrafanaAnswer[]; problems: Problem[] } {
  const answers: GrafanaAnswer[] = [];
  const problems: Problem[] = [];
  for (const relation of model.relations(ENDPOINTS.grafanaSource)) {
    const parsed = parseGrafanaAnswer(relation.remoteAppData());
    if (parsed.kind === "valid") answers.push(parsed.data);
    if (parsed.kind === "invalid") {
      problems.push(grafanaAnswerInvalid({ coordinator: model.app.name, endpoint: ENDPOINTS.grafanaSource, app: relation.app }, parsed.reasons));
    }
  }
  return { answers, problems };
}

function receivedDatasources(model: Model): { received: ReceivedDatasource[]; problems: Problem[] } {
  const received: ReceivedDatasource[] = [];
  const problems: Problem[] = [];
  for (const relation of model.relations(ENDPOINTS.receiveDatasource)) {
    const parsed = parseExchangedDatasources(relation.remoteAppData());
    if (parsed.kind === "valid") received.push(...parsed.data.map((ds) => ({ ...ds, app: relation.app })));
    if (parsed.kind === "invalid") {
      problems.push(exchangedDatasourcesInvalid({ coordinator: model.app.name, endpoint: ENDPOINTS.receiveDatasource, app: relation.app }, parsed.reasons));
    }
  }
  return { received, problems };
}

const appsOf = (model: Model, endpoint: string) => [...new Set(model.relations(endpoint).map((relation) => relation.app))].sort();

export function grafanaSourceIntegration(options: GrafanaSourceOptions): CoordinatorIntegration {
  return {
    name: "grafana-source",
    gather(model: Model): Partial<IntegrationInputs> {
      return { problems: [...grafanaAnswers(model).problems, ...receivedDatasources(model).problems] };
    },
    apply(model: Model, outcome): void {
      const sources = model.relations(ENDPOINTS.grafanaSource);
      const exchanges = model.relations(ENDPOINTS.receiveDatasource);
      if (sources.length === 0 && exchanges.length === 0) return;
      const host = apiUrl(mostExternal(currentFrontDoor(model, options.isTlsEnabled(model))));
      for (const relation of sources) relation.localUnitData().set("grafana_source_host", host);
      if (!outcome.isLeader) return;
      const { answers } = grafanaAnswers(model);
      const extraFields = correlationExtraFields({
        grafanaUids: answers.map((answer) => answer.grafanaUid),
        received: receivedDatasources(model).received,
        metricsApps: appsOf(model, ENDPOINTS.remoteWrite),
        logsApps: appsOf(model, ENDPOINTS.logging),
      });
      const data = grafanaSourceData({ model: model.name, modelUuid: model.uuid, application: model.app.name, extraFields });
      for (const relation of sources) relation.localAppData().set("grafana_source_data", data);
      const ours = JSON.stringify(ourExchangedDatasources(answers));
      for (const relation of exchanges) relation.localAppData().set("datasources", ours);
    },
  };
}

/** A bad answer from Grafana: our datasource still goes to it, its UIDs are not passed on. */
export function grafanaAnswerInvalid(from: NeighbourRelation, reasons: readonly string[]): Problem {
  return unusableNeighbourData(
    from,
    `${from.app} sent unusable grafana-source data (${reasons.join(", ")})`,
    "Tempo's datasource UIDs from it are not shared on receive-datasource",
  );
}

export function exchangedDatasourcesInvalid(from: NeighbourRelation, reasons: readonly string[]): Problem {
  return unusableNeighbourData(from, `${from.app} sent unusable datasources over receive-datasource (${reasons.join(", ")})`, "no trace links to it");
}
