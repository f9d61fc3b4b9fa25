import { readFileSync, writeFileSync } from "node:fs";
const rows = readFileSync(process.argv[3] ?? "raw.tsv", "utf8").trim().split("\n").map((l) => l.split("\t"));
const out = new Map();
const add = (name, kind, src) => { if (!out.has(name)) out.set(name, [kind.toLowerCase(), src]); };
for (const [kind, ns, sub, name, src] of rows) {
  const file = src.replace(/^dskit\//, "vendor/github.com/grafana/dskit/");
  const join = (...p) => p.filter(Boolean).join("_");
  if (/^(modules|tempodb|pkg)\//.test(src)) {
    if ([ns, sub, name].some((p) => p.startsWith("?"))) continue;
    add(join(ns, sub, name), kind, file);
  } else if (/^dskit\/ring\/(ring|lifecycler_metrics|basic_lifecycler_metrics)\.go/.test(src) || /^dskit\/(runtimeconfig|kv\/metrics)/.test(src)) {
    add("tempo_" + name, kind, file); // registered through WrapRegistererWithPrefix("tempo_", …)
  } else if (/^dskit\/server\/metrics\.go/.test(src)) {
    add(join("tempo", name), kind, file); // Server.MetricsNamespace = "tempo"
  } else if (/^dskit\/kv\/memberlist\//.test(src)) {
    const subsystem = src.includes("tcp_transport") ? "memberlist_tcp_transport" : "memberlist_client";
    const n = name === "?queueMetricName" ? null : name;
    if (n) add(join("tempo", subsystem, n), kind, file); // MemberlistKV.MetricsNamespace = "tempo"
  }
}
add("tempo_memberlist_client_messages_in_broadcast_queue", "gauge", "vendor/github.com/grafana/dskit/kv/memberlist/metrics.go");
add("tempo_build_info", "gauge", "cmd/tempo/main.go (version collector)");
for (const [n, k] of [["process_start_time_seconds","gauge"],["process_cpu_seconds_total","counter"],["process_resident_memory_bytes","gauge"],["process_open_fds","gauge"],["go_goroutines","gauge"],["go_memstats_heap_inuse_bytes","gauge"]])
  add(n, k, "vendor/github.com/prometheus/client_golang/prometheus (default registry's process and Go collectors)");
add("up", "gauge", "(synthesised by Prometheus for every scrape target)");
const lines = [...out].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, [k, s]]) => `${n}\t${k}\t${s}`);
writeFileSync(process.argv[2], lines.join("\n") + "\n");
console.log(lines.length);
