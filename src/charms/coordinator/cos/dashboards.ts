/**
 * Our Grafana dashboards, built from code: the cluster at a glance, the write path and the read
 * path. Every query selects on the `juju_*` variables (the same names Grafana's charm injects as
 * dropdowns), and every panel reads from `${prometheusds}`, the datasource variable the charm
 * injects and points at the related Prometheus (grafana_dashboard's DATASOURCE_TEMPLATE_DROPDOWNS).
 * We declare the topology variables ourselves so the dashboards also work imported by hand; the
 * consumer keeps variables a dashboard already has and adds only the missing ones.
 */

export const PROMETHEUS_DATASOURCE = "${prometheusds}";

const datasource = { type: "prometheus", uid: PROMETHEUS_DATASOURCE } as const;

/** The topology selector every query carries; `$juju_unit` narrows to chosen units. */
const T = 'juju_model=~"$juju_model",juju_model_uuid=~"$juju_model_uuid",juju_application=~"$juju_application",juju_unit=~"$juju_unit"';
/** Tempo's query API routes, as dskit names them from the HTTP paths (`/api/search` → `api_search`). */
const API_ROUTES = 'route=~"api_.*|querier_api_.*"';
const RATE = "[$__rate_interval]";

interface Query {
  readonly expr: string;
  readonly legend: string;
}

interface PanelSpec {
  readonly title: string;
  readonly unit: string;
  readonly queries: readonly Query[];
  readonly description?: string;
}

export interface GrafanaPanel {
  readonly id: number;
  readonly type: "timeseries";
  readonly title: string;
  readonly description?: string;
  readonly datasource: typeof datasource;
  readonly gridPos: { readonly h: number; readonly w: number; readonly x: number; readonly y: number };
  readonly fieldConfig: { readonly defaults: { readonly unit: string }; readonly overrides: readonly [] };
  readonly targets: readonly { readonly refId: string; readonly expr: string; readonly legendFormat: string; readonly datasource: typeof datasource }[];
}

export interface GrafanaDashboard {
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly version: number;
  readonly schemaVersion: number;
  readonly editable: boolean;
  readonly time: { readonly from: string; readonly to: string };
  readonly refresh: string;
  readonly templating: { readonly list: readonly object[] };
  readonly panels: readonly GrafanaPanel[];
}

const p99 = (bucket: string, by: string, extra = "") =>
  `histogram_quantile(0.99, sum by (${by}, le) (rate(${bucket}{${T}${extra}}${RATE})))`;
const p50 = (bucket: string, by: string, extra = "") =>
  `histogram_quantile(0.5, sum by (${by}, le) (rate(${bucket}{${T}${extra}}${RATE})))`;

const OVERVIEW: readonly PanelSpec[] = [
  {
    title: "Spans received",
    unit: "reqps",
    queries: [{ expr: `sum by (juju_application) (rate(tempo_distributor_spans_received_total{${T}}${RATE}))`, legend: "{{juju_application}}" }],
  },
  {
    title: "Spans discarded",
    unit: "reqps",
    description: "Spans Tempo dropped, by reason (rate limits, trace too large, live traces limit, …).",
    queries: [{ expr: `sum by (reason) (rate(tempo_discarded_spans_total{${T}}${RATE}))`, legend: "{{reason}}" }],
  },
  {
    title: "Query rate",
    unit: "reqps",
    queries: [{ expr: `sum by (route) (rate(tempo_request_duration_seconds_count{${T},${API_ROUTES}}${RATE}))`, legend: "{{route}}" }],
  },
  {
    title: "Query latency (p99)",
    unit: "s",
    queries: [{ expr: p99("tempo_request_duration_seconds_bucket", "route", `,${API_ROUTES}`), legend: "{{route}}" }],
  },
  {
    title: "Ring members per role",
    unit: "short",
    description: "Members of each Tempo ring (ingester, metrics-generator, compactor, …) by state, as the members see it.",
    queries: [{ expr: `max by (name, state) (tempo_ring_members{${T}})`, legend: "{{name}} {{state}}" }],
  },
  {
    title: "Restarts (last hour)",
    unit: "short",
    queries: [{ expr: `sum by (juju_unit) (changes(process_start_time_seconds{${T}}[1h]))`, legend: "{{juju_unit}}" }],
  },
];

const WRITES: readonly PanelSpec[] = [
  {
    title: "Spans accepted and refused by receivers",
    unit: "reqps",
    queries: [
      { expr: `sum by (receiver) (rate(tempo_receiver_accepted_spans{${T}}${RATE}))`, legend: "accepted {{receiver}}" },
      { expr: `sum by (receiver) (rate(tempo_receiver_refused_spans{${T}}${RATE}))`, legend: "refused {{receiver}}" },
    ],
  },
  {
    title: "Distributor push latency",
    unit: "s",
    queries: [
      { expr: p99("tempo_distributor_push_duration_seconds_bucket", "juju_unit"), legend: "p99 {{juju_unit}}" },
      { expr: p50("tempo_distributor_push_duration_seconds_bucket", "juju_unit"), legend: "p50 {{juju_unit}}" },
    ],
  },
  {
    title: "Appends to ingesters",
    unit: "reqps",
    queries: [
      { expr: `sum by (juju_unit) (rate(tempo_distributor_ingester_appends_total{${T}}${RATE}))`, legend: "appends {{juju_unit}}" },
      { expr: `sum by (juju_unit) (rate(tempo_distributor_ingester_append_failures_total{${T}}${RATE}))`, legend: "failures {{juju_unit}}" },
    ],
  },
  {
    title: "Ingester live traces",
    unit: "short",
    queries: [{ expr: `sum by (juju_unit) (tempo_ingester_live_traces{${T}})`, legend: "{{juju_unit}}" }],
  },
  {
    title: "Ingester flushes",
    unit: "ops",
    queries: [
      { expr: `sum by (juju_unit) (rate(tempo_ingester_blocks_flushed_total{${T}}${RATE}))`, legend: "flushed {{juju_unit}}" },
      { expr: `sum by (juju_unit) (rate(tempo_ingester_failed_flushes_total{${T}}${RATE}))`, legend: "failed {{juju_unit}}" },
    ],
  },
  {
    title: "Ingester flush duration (p99)",
    unit: "s",
    queries: [{ expr: p99("tempo_ingester_flush_duration_seconds_bucket", "juju_unit"), legend: "{{juju_unit}}" }],
  },
  {
    title: "Compactions",
    unit: "ops",
    queries: [
      { expr: `sum by (juju_unit) (rate(tempodb_compaction_blocks_total{${T}}${RATE}))`, legend: "blocks {{juju_unit}}" },
      { expr: `sum by (juju_unit) (rate(tempodb_compaction_errors_total{${T}}${RATE}))`, legend: "errors {{juju_unit}}" },
    ],
  },
  {
    title: "Blocks waiting for compaction",
    unit: "short",
    queries: [{ expr: `sum by (juju_unit) (tempodb_compaction_outstanding_blocks{${T}})`, legend: "{{juju_unit}}" }],
  },
];

const READS: readonly PanelSpec[] = [
  {
    title: "Requests by route and status",
    unit: "reqps",
    queries: [
      {
        expr: `sum by (route, status_code) (rate(tempo_request_duration_seconds_count{${T},${API_ROUTES}}${RATE}))`,
        legend: "{{route}} {{status_code}}",
      },
    ],
  },
  {
    title: "Request latency",
    unit: "s",
    queries: [
      { expr: p99("tempo_request_duration_seconds_bucket", "route", `,${API_ROUTES}`), legend: "p99 {{route}}" },
      { expr: p50("tempo_request_duration_seconds_bucket", "route", `,${API_ROUTES}`), legend: "p50 {{route}}" },
    ],
  },
  {
    title: "Query-frontend queue",
    unit: "short",
    queries: [
      { expr: `sum by (juju_unit) (tempo_query_frontend_queue_length{${T}})`, legend: "queued {{juju_unit}}" },
      { expr: `sum by (juju_unit) (tempo_query_frontend_connected_clients{${T}})`, legend: "querier workers {{juju_unit}}" },
    ],
  },
  {
    title: "Query-frontend queue time (p99)",
    unit: "s",
    queries: [{ expr: p99("tempo_query_frontend_queue_duration_seconds_bucket", "juju_unit"), legend: "{{juju_unit}}" }],
  },
  {
    title: "Object storage requests (p99)",
    unit: "s",
    queries: [{ expr: p99("tempodb_backend_request_duration_seconds_bucket", "operation"), legend: "{{operation}}" }],
  },
  {
    title: "Blocks per tenant",
    unit: "short",
    queries: [{ expr: `max by (tenant) (tempodb_blocklist_length{${T}})`, legend: "{{tenant}}" }],
  },
];

/** A query variable over the `up` series, narrowed by the variables before it (as Grafana's charm does). */
function topologyVariable(name: string, label: string, narrowedBy: readonly string[]): object {
  const selector = narrowedBy.map((previous) => `${previous}=~"$${previous}"`).join(",");
  const query = `label_values(up{${selector}},${name})`;
  return {
    name,
    label,
    type: "query",
    datasource,
    definition: query,
    query: { query, refId: "StandardVariableQuery" },
    includeAll: true,
    multi: true,
    allValue: ".*",
    refresh: 1,
    sort: 1,
    hide: 0,
  };
}

const TOPOLOGY_VARIABLES: readonly object[] = [
  topologyVariable("juju_model", "Juju model", []),
  topologyVariable("juju_model_uuid", "Juju model uuid", ["juju_model"]),
  topologyVariable("juju_application", "Juju application", ["juju_model", "juju_model_uuid"]),
  topologyVariable("juju_unit", "Juju unit", ["juju_model", "juju_model_uuid", "juju_application"]),
];

/** Two panels per row, 8 units high. */
function layout(specs: readonly PanelSpec[]): GrafanaPanel[] {
  return specs.map((spec, index) => ({
    id: index + 1,
    type: "timeseries",
    title: spec.title,
    ...(spec.description ? { description: spec.description } : {}),
    datasource,
    gridPos: { h: 8, w: 12, x: (index % 2) * 12, y: Math.floor(index / 2) * 8 },
    fieldConfig: { defaults: { unit: spec.unit }, overrides: [] },
    targets: spec.queries.map((query, q) => ({ refId: String.fromCharCode(65 + q), expr: query.expr, legendFormat: query.legend, datasource })),
  }));
}

function dashboard(uid: string, title: string, specs: readonly PanelSpec[]): GrafanaDashboard {
  return {
    uid,
    title,
    tags: ["tempo", "juju"],
    // Grafana keeps the highest version of a uid (grafana_dashboard `dashboards`): raise it when a dashboard changes.
    version: 1,
    schemaVersion: 39,
    editable: false,
    time: { from: "now-6h", to: "now" },
    refresh: "1m",
    templating: { list: TOPOLOGY_VARIABLES },
    panels: layout(specs),
  };
}

/** Every dashboard, by file name (the `file:<name>` key in the relation data). */
export function tempoDashboards(): Readonly<Record<string, GrafanaDashboard>> {
  return {
    "tempo-overview.json": dashboard("tempo-cluster-overview", "Tempo / Cluster overview", OVERVIEW),
    "tempo-reads.json": dashboard("tempo-cluster-reads", "Tempo / Reads", READS),
    "tempo-writes.json": dashboard("tempo-cluster-writes", "Tempo / Writes", WRITES),
  };
}
