/**
 * Loki alert rules (LogQL) for Tempo's own logs, one group per worker application. The workers
 * forward Tempo's output to Loki through Pebble with the unit's `juju_*` labels
 * (src/charms/worker/layer.ts), and Tempo logs in logfmt (`level=error …`), so a line filter on
 * `level=error` finds its errors without parsing every line.
 */
import type { WorkerApplication } from "../../../interface/cluster-view.js";
import type { AlertGroup, AlertRule } from "./tempo-alert-rules.js";
import { type CoordinatorIdentity, applicationLabels, applicationMatchers, topologyIdentifier, workerApplicationTopology } from "./juju-topology.js";

/** Error lines per unit in 5 minutes above which a burst is worth a look. */
const ERROR_BURST_LINES = 20;
/** Share of error lines above which something is persistently wrong. */
const ERROR_SHARE_PERCENT = 5;

export function tempoLogAlertGroup(app: WorkerApplication, coordinator: CoordinatorIdentity): AlertGroup {
  const topology = workerApplicationTopology(app, coordinator);
  const stream = `{${applicationMatchers(topology)}}`;
  const labels = applicationLabels(topology);
  const rules: AlertRule[] = [
    {
      alert: "TempoErrorLogBurst",
      expr: `sum by (juju_unit) (count_over_time(${stream} |= "level=error" [5m])) > ${ERROR_BURST_LINES}`,
      for: "0m",
      labels: { ...labels, severity: "warning" },
      annotations: {
        summary: "Tempo logs a burst of errors",
        description: `{{ $labels.juju_unit }} logged more than ${ERROR_BURST_LINES} error lines in 5 minutes.`,
      },
    },
    {
      alert: "TempoErrorLogShareHigh",
      expr:
        `100 * sum by (juju_unit) (rate(${stream} |= "level=error" [15m]))` +
        ` / sum by (juju_unit) (rate(${stream} [15m])) > ${ERROR_SHARE_PERCENT}`,
      for: "15m",
      labels: { ...labels, severity: "warning" },
      annotations: {
        summary: "A high share of Tempo's log lines are errors",
        description: `More than ${ERROR_SHARE_PERCENT}% of {{ $labels.juju_unit }}'s log lines have been errors for 15 minutes.`,
      },
    },
  ];
  return { name: `${topologyIdentifier(topology)}_tempo_log_alerts`, rules };
}

export function tempoLogAlertRules(apps: readonly WorkerApplication[], coordinator: CoordinatorIdentity): { groups: AlertGroup[] } {
  return { groups: apps.map((app) => tempoLogAlertGroup(app, coordinator)) };
}
