/**
 * Real parsers for the query languages our COS artefacts carry: PromQL (the Prometheus project's
 * own lezer grammar, the one its UI uses) and LogQL (Grafana's lezer grammar for Loki). Both are
 * configured strict, so a syntax error throws instead of becoming an error node.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parser as logqlParser } from "@grafana/lezer-logql";
import { parser as promqlParser } from "@prometheus-io/lezer-promql";

const strictPromql = promqlParser.configure({ strict: true });
const strictLogql = logqlParser.configure({ strict: true });

/** Parses `query` as PromQL (throws on a syntax error) and returns the metric names it selects. */
export function promqlMetricNames(query: string): string[] {
  const tree = strictPromql.parse(query);
  const names = new Set<string>();
  tree.iterate({
    enter(node) {
      if (node.name === "Identifier" && node.node.parent?.name === "VectorSelector") names.add(query.slice(node.from, node.to));
    },
  });
  return [...names].sort();
}

/** Parses `query` as LogQL; throws on a syntax error. */
export function parseLogql(query: string): void {
  strictLogql.parse(query);
}

/**
 * Every series name Tempo 2.7.1 exports, from `data/tempo-metrics/v2.7.1.txt`: each listed name,
 * plus `_bucket`, `_sum` and `_count` for histograms and `_sum`, `_count` for summaries.
 */
export function tempoSeriesNames(): Set<string> {
  const path = fileURLToPath(new URL("../../data/tempo-metrics/v2.7.1.txt", import.meta.url));
  const names = new Set<string>();
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const [name, type] = line.split("\t");
    if (!name || !type) throw new Error(`malformed metric line: ${line}`);
    names.add(name);
    if (type === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(name + suffix);
    if (type === "summary") for (const suffix of ["_sum", "_count"]) names.add(name + suffix);
  }
  return names;
}

/** Grafana's built-in interval variables, replaced as Grafana does before a query reaches Prometheus. */
export function substituteGrafanaIntervals(query: string): string {
  return query.replaceAll("$__rate_interval", "5m").replaceAll("$__interval", "1m").replaceAll("$__range", "1h");
}
