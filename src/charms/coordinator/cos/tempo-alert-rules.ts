/**
 * Prometheus alert rules for Tempo, written for this charm from the metrics Tempo 2.7 exports
 * (`data/tempo-metrics/v2.7.1.txt`; a test holds every expression to that list and to the PromQL
 * grammar). One group per worker application, carrying that application's topology: the labels
 * name the worker (not the coordinator, as the Python charm's did), and every selector is already
 * narrowed to it, so a rule never fires on another application's series.
 *
 * A rule is sent only to applications whose role runs the component that exports its metric: a
 * compactor-only application gets no ingester rules that could never fire.
 */
import type { WorkerApplication } from "../../../interface/cluster-view.js";
import { type ComponentRole, expandRole } from "../../../interface/role-rules.js";
import { type CoordinatorIdentity, applicationLabels, applicationMatchers, topologyIdentifier, workerApplicationTopology } from "./juju-topology.js";

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: { readonly summary: string; readonly description: string };
}

export interface AlertGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

interface RuleTemplate {
  readonly alert: string;
  /** Components whose process exports the metric; `undefined`: every Tempo process. */
  readonly components?: readonly ComponentRole[];
  /** `S` stands for the application's selector labels (`juju_model="…",…`). */
  readonly expr: (S: string) => string;
  readonly for: string;
  readonly severity: "critical" | "warning";
  readonly summary: string;
  readonly description: string;
}

/** Routes whose requests are long-lived by design (streams, the frontend's worker loop). */
const LONG_LIVED_ROUTES = "/frontend.Frontend/Process|/tempopb.Querier/.*Stream.*|metrics|debug_pprof|ready";

const RULES: readonly RuleTemplate[] = [
  {
    alert: "TempoTargetDown",
    expr: (S) => `up{${S}} == 0`,
    for: "5m",
    severity: "critical",
    summary: "A Tempo worker cannot be scraped",
    description: "{{ $labels.juju_unit }} has not answered on /metrics for 5 minutes: the process is down or unreachable.",
  },
  {
    alert: "TempoDistributorPushFailures",
    components: ["distributor"],
    expr: (S) => `sum by (juju_unit) (rate(tempo_distributor_ingester_append_failures_total{${S}}[5m])) > 0`,
    for: "15m",
    severity: "critical",
    summary: "The distributor fails to push spans to ingesters",
    description: "{{ $labels.juju_unit }} has failed batch appends to ingesters for 15 minutes: spans are being lost.",
  },
  {
    alert: "TempoReceiverRefusingSpans",
    components: ["distributor"],
    expr: (S) => `sum by (juju_unit, receiver) (rate(tempo_receiver_refused_spans{${S}}[5m])) > 0`,
    for: "15m",
    severity: "warning",
    summary: "A trace receiver refuses spans",
    description: "The {{ $labels.receiver }} receiver of {{ $labels.juju_unit }} has refused spans for 15 minutes.",
  },
  {
    alert: "TempoDistributorPushLatency",
    components: ["distributor"],
    expr: (S) =>
      `histogram_quantile(0.99, sum by (juju_unit, le) (rate(tempo_distributor_push_duration_seconds_bucket{${S}}[5m]))) > 3`,
    for: "15m",
    severity: "warning",
    summary: "Pushing spans to ingesters is slow",
    description: "The 99th percentile push from {{ $labels.juju_unit }} to ingesters is {{ $value | humanizeDuration }}.",
  },
  {
    alert: "TempoDiscardedSpans",
    components: ["distributor", "ingester"],
    expr: (S) => `sum by (juju_unit, reason) (rate(tempo_discarded_spans_total{${S}}[5m])) > 0`,
    for: "15m",
    severity: "warning",
    summary: "Tempo discards spans",
    description: "{{ $labels.juju_unit }} has discarded spans for 15 minutes (reason: {{ $labels.reason }}): a limit is too low or clients send malformed traces.",
  },
  {
    alert: "TempoIngesterFlushesFailing",
    components: ["ingester"],
    expr: (S) => `sum by (juju_unit) (increase(tempo_ingester_failed_flushes_total{${S}}[1h])) > 2`,
    for: "5m",
    severity: "warning",
    summary: "Ingester flushes to object storage fail",
    description: "{{ $labels.juju_unit }} failed {{ $value }} block flushes in the last hour; check the s3 relation and the bucket.",
  },
  {
    alert: "TempoIngesterFlushesGivenUp",
    components: ["ingester"],
    expr: (S) => `sum by (juju_unit) (increase(tempo_ingester_flush_failed_retries_total{${S}}[1h])) > 0`,
    for: "5m",
    severity: "critical",
    summary: "An ingester gave up flushing a block",
    description: "{{ $labels.juju_unit }} exhausted its flush retries: the block's traces are lost.",
  },
  {
    alert: "TempoCompactionsFailing",
    components: ["compactor"],
    expr: (S) => `sum by (juju_unit) (increase(tempodb_compaction_errors_total{${S}}[1h])) > 2`,
    for: "5m",
    severity: "critical",
    summary: "Compactions fail",
    description: "{{ $labels.juju_unit }} failed {{ $value }} compactions in the last hour: blocks pile up and queries slow down.",
  },
  {
    alert: "TempoRetentionFailing",
    components: ["compactor"],
    expr: (S) => `sum by (juju_unit) (increase(tempodb_retention_errors_total{${S}}[1h])) > 0`,
    for: "5m",
    severity: "critical",
    summary: "Retention fails",
    description: "{{ $labels.juju_unit }} could not apply retention: old blocks are not deleted and the bucket keeps growing.",
  },
  {
    alert: "TempoBlocklistPollFailing",
    expr: (S) => `sum by (juju_unit) (increase(tempodb_blocklist_poll_errors_total{${S}}[1h])) > 0`,
    for: "15m",
    severity: "warning",
    summary: "Polling the block list fails",
    description: "{{ $labels.juju_unit }} cannot list blocks in object storage: queries miss recent blocks.",
  },
  {
    alert: "TempoQueryFrontendQueueLatency",
    components: ["query-frontend"],
    expr: (S) =>
      `histogram_quantile(0.99, sum by (juju_unit, le) (rate(tempo_query_frontend_queue_duration_seconds_bucket{${S}}[5m]))) > 2`,
    for: "15m",
    severity: "warning",
    summary: "Queries wait long in the query-frontend queue",
    description: "The 99th percentile queue time on {{ $labels.juju_unit }} is {{ $value | humanizeDuration }}: add querier units.",
  },
  {
    alert: "TempoRequestErrors",
    expr: (S) =>
      `100 * sum by (juju_unit, route) (rate(tempo_request_duration_seconds_count{${S},status_code=~"5.."}[5m]))` +
      ` / sum by (juju_unit, route) (rate(tempo_request_duration_seconds_count{${S}}[5m])) > 10`,
    for: "15m",
    severity: "critical",
    summary: "Tempo answers requests with server errors",
    description: "{{ printf \"%.1f\" $value }}% of {{ $labels.route }} requests on {{ $labels.juju_unit }} fail.",
  },
  {
    alert: "TempoRequestLatency",
    expr: (S) =>
      `histogram_quantile(0.99, sum by (juju_unit, route, le) (rate(tempo_request_duration_seconds_bucket{${S},route!~"${LONG_LIVED_ROUTES}"}[5m]))) > 5`,
    for: "15m",
    severity: "warning",
    summary: "Tempo requests are slow",
    description: "The 99th percentile of {{ $labels.route }} on {{ $labels.juju_unit }} is {{ $value | humanizeDuration }}.",
  },
  {
    alert: "TempoRingMembersUnhealthy",
    expr: (S) => `max by (juju_unit, name) (tempo_ring_members{${S},state="Unhealthy"}) > 0`,
    for: "15m",
    severity: "critical",
    summary: "A Tempo ring has unhealthy members",
    description: "{{ $labels.juju_unit }} sees {{ $value }} unhealthy members in the {{ $labels.name }} ring: writes or reads may fail.",
  },
  {
    alert: "TempoRuntimeConfigReloadFailing",
    expr: (S) => `min by (juju_unit) (tempo_runtime_config_last_reload_successful{${S}}) == 0`,
    for: "15m",
    severity: "warning",
    summary: "Tempo cannot reload its overrides",
    description: "{{ $labels.juju_unit }} failed to reload its runtime overrides file.",
  },
];

/** The alert rules for one worker application, or `undefined` when none applies to its role. */
export function tempoAlertGroup(app: WorkerApplication, coordinator: CoordinatorIdentity): AlertGroup | undefined {
  const topology = workerApplicationTopology(app, coordinator);
  const components = new Set(expandRole(app.role));
  const selector = applicationMatchers(topology);
  const labels = applicationLabels(topology);
  const rules = RULES.filter((rule) => rule.components === undefined || rule.components.some((c) => components.has(c))).map(
    (rule): AlertRule => ({
      alert: rule.alert,
      expr: rule.expr(selector),
      for: rule.for,
      labels: { ...labels, severity: rule.severity },
      annotations: { summary: rule.summary, description: rule.description },
    }),
  );
  return rules.length === 0 ? undefined : { name: `${topologyIdentifier(topology)}_tempo_alerts`, rules };
}

/** `{"groups": […]}` for every worker application, sorted by application (the cluster's order). */
export function tempoAlertRules(apps: readonly WorkerApplication[], coordinator: CoordinatorIdentity): { groups: AlertGroup[] } {
  return { groups: apps.flatMap((app) => tempoAlertGroup(app, coordinator) ?? []) };
}
