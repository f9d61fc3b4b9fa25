/**
 * The Grafana side of the coordinator, pure: what `grafana-source` publishes, what Grafana answers,
 * and the correlation links Grafana draws from a trace to its metrics and logs.
 *
 * Shapes are those of Canonical's libraries, as the Python coordinator ships them (anchor §2.1):
 * - grafana_datasource (grafana_k8s `grafana_source` v0): our unit bags carry `grafana_source_host`
 *   (the URL Grafana queries), the leader's app bag `grafana_source_data`, JSON
 *   `{model, model_uuid, application, type, extra_fields, secure_extra_fields}`; Grafana's app bag
 *   answers `grafana_uid` (which Grafana) and `datasource_uids`, JSON `{<our unit>: <datasource uid>}`.
 * - grafana_datasource_exchange (cos-lib `DatasourceExchange`): each side's app bag holds
 *   `datasources`, a JSON list `[{type, uid, grafana_uid}]` sorted by `uid`.
 * A Prometheus (or Loki) datasource links to our traces only when the same Grafana holds both and
 * that application is where Tempo sends its metrics (`send-remote-write`) or its logs (`logging`).
 */
import * as z from "zod";
import type { Parsed } from "../../../interface/parsed.js";
import type { Databag } from "../../../juju/backend.js";

/** A Grafana instance's UID: the grafana charm generates it (a UUID); anything else is refused. */
const GRAFANA_UID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** Grafana datasource UIDs: letters, digits, `-`, `_`, `.` (Grafana's own rule allows up to 40). */
const DATASOURCE_UID = /^[A-Za-z0-9._-]{1,128}$/;

export interface GrafanaAnswer {
  readonly grafanaUid: string;
  /** Our unit → the datasource Grafana made for it. */
  readonly datasourceUids: Readonly<Record<string, string>>;
}

const DatasourceUids = z.record(z.string(), z.string().regex(DATASOURCE_UID, { error: "a datasource uid is malformed" }), {
  error: "datasource_uids must be a JSON object of unit → uid",
});

/** What Grafana wrote back over `grafana-source`; absent until it has made our datasources. */
export function parseGrafanaAnswer(appData: Readonly<Databag>): Parsed<GrafanaAnswer> {
  const grafanaUid = appData.grafana_uid;
  if (grafanaUid === undefined || grafanaUid === "") return { kind: "absent" };
  if (!GRAFANA_UID.test(grafanaUid)) return { kind: "invalid", reasons: [`grafana_uid ${JSON.stringify(grafanaUid.slice(0, 40))} is malformed`] };
  let decoded: unknown = {};
  if (appData.datasource_uids !== undefined && appData.datasource_uids !== "") {
    try {
      decoded = JSON.parse(appData.datasource_uids);
    } catch {
      return { kind: "invalid", reasons: ["datasource_uids is not JSON"] };
    }
  }
  const parsed = DatasourceUids.safeParse(decoded);
  if (!parsed.success) return { kind: "invalid", reasons: [...new Set(parsed.error.issues.map((issue) => issue.message))] };
  return { kind: "valid", data: { grafanaUid, datasourceUids: parsed.data } };
}

export interface ExchangedDatasource {
  readonly type: string;
  readonly uid: string;
  readonly grafana_uid: string;
}

const ExchangedDatasources = z.array(
  z.object({
    type: z.string().min(1, { error: "a datasource has no type" }),
    uid: z.string().regex(DATASOURCE_UID, { error: "a datasource uid is malformed" }),
    grafana_uid: z.string().regex(GRAFANA_UID, { error: "a grafana_uid is malformed" }),
  }),
  { error: "datasources must be a JSON list of {type, uid, grafana_uid}" },
);

/** Another application's datasources over `receive-datasource`. */
export function parseExchangedDatasources(appData: Readonly<Databag>): Parsed<readonly ExchangedDatasource[]> {
  const raw = appData.datasources;
  if (raw === undefined || raw === "") return { kind: "absent" };
  let decoded: unknown;
  try {
    decoded = JSON.parse(raw);
  } catch {
    return { kind: "invalid", reasons: ["datasources is not JSON"] };
  }
  const parsed = ExchangedDatasources.safeParse(decoded);
  if (!parsed.success) return { kind: "invalid", reasons: [...new Set(parsed.error.issues.map((issue) => issue.message))] };
  return { kind: "valid", data: parsed.data.map(({ type, uid, grafana_uid }) => ({ type, uid, grafana_uid })) };
}

/** Our datasources as we publish them on `receive-datasource`: one per Grafana datasource, sorted by uid. */
export function ourExchangedDatasources(answers: readonly GrafanaAnswer[]): ExchangedDatasource[] {
  const byUid = new Map<string, ExchangedDatasource>();
  for (const answer of answers) {
    for (const uid of Object.values(answer.datasourceUids)) byUid.set(uid, { type: "tempo", uid, grafana_uid: answer.grafanaUid });
  }
  return [...byUid.values()].sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
}

/** A datasource another application shared, with the application it came from. */
export interface ReceivedDatasource extends ExchangedDatasource {
  readonly app: string;
}

export interface CorrelationInputs {
  /** The Grafanas our datasource lives in. */
  readonly grafanaUids: readonly string[];
  readonly received: readonly ReceivedDatasource[];
  /** Applications Tempo's metrics-generator writes to (`send-remote-write`). */
  readonly metricsApps: readonly string[];
  /** Applications Tempo's logs go to (`logging`). */
  readonly logsApps: readonly string[];
}

const TOPOLOGY_TAGS = ["juju_application", "juju_model", "juju_model_uuid"] as const;

function firstMatch(inputs: CorrelationInputs, type: string, apps: readonly string[]): string | undefined {
  const uids = inputs.received
    .filter((ds) => ds.type === type && apps.includes(ds.app) && inputs.grafanaUids.includes(ds.grafana_uid))
    .map((ds) => ds.uid)
    .sort();
  return uids[0];
}

/**
 * `extra_fields` of our datasource: the service map and traces-to-metrics from the Prometheus that
 * receives our span metrics, traces-to-logs from the Loki that receives our logs; null when none
 * applies (the Python coordinator's `_build_service_graph_config` and cw `TelemetryCorrelation`).
 * The `$$` are Grafana's escape for a literal `$` in provisioned fields.
 */
export function correlationExtraFields(inputs: CorrelationInputs): Record<string, unknown> | null {
  const prometheus = firstMatch(inputs, "prometheus", inputs.metricsApps);
  const loki = firstMatch(inputs, "loki", inputs.logsApps);
  if (!prometheus && !loki) return null;
  const tags = TOPOLOGY_TAGS.map((key) => ({ key, value: "" }));
  return {
    httpMethod: "GET",
    ...(prometheus ? { serviceMap: { datasourceUid: prometheus } } : {}),
    ...(loki
      ? {
          tracesToLogsV2: {
            datasourceUid: loki,
            tags,
            filterByTraceID: false,
            filterBySpanID: false,
            customQuery: true,
            query: '{ $$__tags } |= "$${__span.traceId}"',
          },
        }
      : {}),
    ...(prometheus
      ? {
          tracesToMetrics: {
            datasourceUid: prometheus,
            tags: [...tags, { key: "juju_unit", value: "" }],
            queries: [{ name: "All metrics", query: "{$$__tags}" }],
          },
        }
      : {}),
  };
}

/** `grafana_source_data`, keys in the order the Python library writes them. */
export function grafanaSourceData(options: {
  readonly model: string;
  readonly modelUuid: string;
  readonly application: string;
  readonly extraFields: Record<string, unknown> | null;
}): string {
  return JSON.stringify({
    model: options.model,
    model_uuid: options.modelUuid,
    application: options.application,
    type: "tempo",
    extra_fields: options.extraFields,
    secure_extra_fields: null,
  });
}
