/**
 * Render + validate time and YAML size of the Tempo config for 10 … 10,000 worker units, beside a
 * plain `JSON.stringify` of the same object as the baseline measured in the same run.
 *
 *   npx tsx bench/tempo-config.bench.ts
 *
 * Target: linear growth, 10,000 units under 100 ms (render + validate).
 *
 * Render is timed on the emitter itself (`emitTempoConfigYaml`), not on `renderTempoConfig`, whose
 * reuse of the last identical text would make every repeat free and the figure meaningless.
 */
import { pathToFileURL } from "node:url";
import type { Role } from "../src/interface/roles.js";
import { clusterWithUnits, medianMs } from "./measure.js";
import { buildTempoConfig } from "../src/tempo/builder.js";
import { emitTempoConfigYaml } from "../src/tempo/render.js";
import { TempoSettings } from "../src/tempo/settings.js";
import { validateTempoConfig } from "../src/tempo/validate.js";

const UNIT_COUNTS = [10, 100, 1_000, 10_000] as const;
const ROLES_IN_BENCH: readonly Role[] = ["compactor", "distributor", "ingester", "metrics-generator", "querier", "query-frontend"];

const settings = TempoSettings.parse({
  storage: { kind: "s3", endpoint: "https://s3.example.com", bucket: "tempo", accessKey: "AK", secretKey: "SK", caCert: "PEM" },
  receivers: ["jaeger_grpc", "jaeger_thrift_http", "otlp_grpc", "otlp_http", "zipkin"],
  tls: { enabled: true, serverName: "tempo.cos.svc.cluster.local" },
  remoteWrite: [{ url: "http://prometheus:9090/api/v1/write" }],
  clusterLabel: "bench-uuid-tempo",
  modelName: "cos",
});

/** Median of `runs` timings in milliseconds (the median resists a stray GC pause). */

export async function benchTempoConfig(): Promise<void> {
  // Warm the JIT on a mid-sized config first, so the smallest row does not pay for compilation.
  const warmUp = buildTempoConfig(clusterWithUnits(1_000, ROLES_IN_BENCH), settings);
  if (warmUp.kind === "ok") {
    for (let run = 0; run < 20; run++) {
      emitTempoConfigYaml(warmUp.config);
      validateTempoConfig(warmUp.config, settings.tempoVersion);
    }
  }
  console.log("tempo config: render + validate vs JSON.stringify baseline (median ms)");
  console.log(["units", "render", "validate", "render+validate", "yaml bytes", "JSON.stringify", "json bytes"].map((h) => h.padStart(17)).join(""));
  for (const unitCount of UNIT_COUNTS) {
    const cluster = clusterWithUnits(unitCount, ROLES_IN_BENCH);
    const result = buildTempoConfig(cluster, settings);
    if (result.kind !== "ok") throw new Error(`bench cluster is not servable: ${result.problems.join("; ")}`);
    const config = result.config;
    const runs = unitCount >= 10_000 ? 15 : 30;
    // Warm up: the key index is built on first use, and the JIT needs a few runs.
    for (let warm = 0; warm < 10; warm++) {
      emitTempoConfigYaml(config);
      validateTempoConfig(config, settings.tempoVersion);
    }
    const renderMs = medianMs(runs, () => emitTempoConfigYaml(config));
    const validateMs = medianMs(runs, () => validateTempoConfig(config, settings.tempoVersion));
    const jsonMs = medianMs(runs, () => JSON.stringify(config));
    const yamlBytes = Buffer.byteLength(emitTempoConfigYaml(config));
    const jsonBytes = Buffer.byteLength(JSON.stringify(config));
    console.log(
      [unitCount, renderMs.toFixed(2), validateMs.toFixed(2), (renderMs + validateMs).toFixed(2), yamlBytes, jsonMs.toFixed(3), jsonBytes]
        .map((cell) => String(cell).padStart(17))
        .join(""),
    );
  }
}

const isRunDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isRunDirectly) await benchTempoConfig();
