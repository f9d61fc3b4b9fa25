import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ClusterView, WorkerApplication } from "../../src/interface/cluster-view.js";
import { ROLES, type Role } from "../../src/interface/roles.js";
import { buildTempoConfig, ingesterUnitCount } from "../../src/tempo/builder.js";
import { renderTempoConfig } from "../../src/tempo/render.js";
import { TEMPO_VERSIONS, TempoSettings } from "../../src/tempo/settings.js";
import { validateTempoConfig, validateTempoConfigText } from "../../src/tempo/validate.js";
import { MODEL, clusterOf, podFqdn, workerUnit } from "./cluster-fixtures.js";

type AddressKind = "pod" | "ipv4" | "ipv6" | "hostname";

const addressFor = (kind: AddressKind, application: string, appIndex: number, unitIndex: number): string => {
  switch (kind) {
    case "pod":
      return podFqdn(application, unitIndex);
    case "ipv4":
      return `10.${appIndex}.${Math.floor(unitIndex / 250)}.${(unitIndex % 250) + 1}`;
    case "ipv6":
      return `fd00::${appIndex.toString(16)}:${(unitIndex + 1).toString(16)}`;
    case "hostname":
      return `juju-${appIndex}-${unitIndex}.lxd`;
  }
};

const appSpec = fc.record({
  role: fc.constantFrom<Role>(...ROLES),
  units: fc.integer({ min: 1, max: 5 }),
  addressKind: fc.constantFrom<AddressKind>("pod", "ipv4", "ipv6", "hostname"),
});

/** Clusters that can be served: at least one query-frontend or `all` unit. */
const clusterArbitrary: fc.Arbitrary<ClusterView> = fc
  .array(appSpec, { minLength: 1, maxLength: 8 })
  .filter((specs) => specs.some((spec) => spec.role === "query-frontend" || spec.role === "all"))
  .map((specs) =>
    clusterOf(
      ...specs.map((spec, appIndex): WorkerApplication => {
        const application = `tempo-${spec.role}-${appIndex}`;
        return {
          relationId: appIndex + 1,
          application,
          role: spec.role,
          units: Array.from({ length: spec.units }, (_, unitIndex) =>
            workerUnit(application, unitIndex, addressFor(spec.addressKind, application, appIndex, unitIndex)),
          ),
        };
      }),
    ),
  );

const s3Arbitrary = fc.record({
  kind: fc.constant("s3" as const),
  endpoint: fc.constantFrom("http://minio:9000", "https://s3.example.com", "s3.example.com:443", "HTTPS://s3.EXAMPLE.com/"),
  bucket: fc.constantFrom("tempo", "traces"),
  accessKey: fc.constant("AK"),
  secretKey: fc.constantFrom("SK", "yes", "on: no"),
  region: fc.option(fc.constant("us-east-1"), { nil: undefined }),
  caCert: fc.option(fc.constant("PEM"), { nil: undefined }),
});

const settingsArbitrary = (cluster: ClusterView) => {
  const ingesters = ingesterUnitCount(cluster);
  const unitCount = cluster.applications.reduce((sum, app) => sum + app.units.length, 0);
  const isSingleAll = unitCount === 1 && cluster.applications.some((app) => app.role === "all");
  return fc
    .record({
      storage: isSingleAll ? fc.oneof(s3Arbitrary, fc.constant({ kind: "local" as const })) : s3Arbitrary,
      receivers: fc.uniqueArray(fc.constantFrom("jaeger_grpc", "jaeger_thrift_http", "otlp_grpc", "otlp_http", "zipkin" as const), {
        minLength: 1,
      }),
      tls: fc.oneof(
        fc.constant({ enabled: false as const }),
        fc.record({ enabled: fc.constant(true as const), serverName: fc.constantFrom("tempo.cos.svc.cluster.local", "tempo") }),
      ),
      remoteWrite: fc.uniqueArray(
        fc.record({ url: fc.constantFrom("http://prom-a:9090/api/v1/write", "https://prom-b/api/v1/write", "http://[fd00::1]:9090/w") }),
        { maxLength: 3, selector: (endpoint) => endpoint.url },
      ),
      retentionHours: fc.integer({ min: 1, max: 10_000 }),
      replicationFactor: fc.integer({ min: 0, max: Math.max(ingesters, 0) }).filter((rf) => rf === 0 || rf <= ingesters),
      tempoVersion: fc.constantFrom(...TEMPO_VERSIONS),
      maxAttributeBytes: fc.option(fc.integer({ min: 0, max: 1 << 20 }), { nil: undefined }),
    })
    .map((input) => TempoSettings.parse({ ...input, clusterLabel: "model-uuid-tempo", modelName: MODEL }));
};

const scenario = clusterArbitrary.chain((cluster) => settingsArbitrary(cluster).map((settings) => ({ cluster, settings })));

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed >>> 0 || 1;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** The same value with every mapping's keys inserted in a different order. */
function withShuffledKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((item, index) => withShuffledKeys(item, seed + index));
  if (value === null || typeof value !== "object") return value;
  const entries = shuffled(Object.entries(value), seed);
  return Object.fromEntries(entries.map(([key, item], index) => [key, withShuffledKeys(item, seed * 31 + index)]));
}

/** Every path of a mapping node that is not under a free-form map, as key lists. */
function mappingPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [];
  if (prefix.join(".") === "distributor.receivers") return [];
  return [prefix, ...Object.entries(value).flatMap(([key, item]) => mappingPaths(item, [...prefix, key]))];
}

describe("builder laws over generated clusters", () => {
  it("renders a config that validates against its Tempo version, for any servable cluster", () => {
    fc.assert(
      fc.property(scenario, ({ cluster, settings }) => {
        const result = buildTempoConfig(cluster, settings);
        expect(result.kind).toBe("ok");
        if (result.kind !== "ok") return;
        expect(validateTempoConfig(result.config, settings.tempoVersion)).toEqual([]);
        expect(validateTempoConfigText(renderTempoConfig(result.config), settings.tempoVersion)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("renders identical bytes whatever the order of applications, units, receivers and remote-write endpoints", () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 1_000_000 }), ({ cluster, settings }, seed) => {
        const shuffledCluster: ClusterView = {
          applications: shuffled(cluster.applications, seed).map((app, index) => ({ ...app, units: shuffled(app.units, seed + index) })),
          rejected: cluster.rejected,
        };
        const shuffledSettings = { ...settings, receivers: shuffled(settings.receivers, seed), remoteWrite: shuffled(settings.remoteWrite, seed) };
        const original = buildTempoConfig(cluster, settings);
        const reordered = buildTempoConfig(shuffledCluster, shuffledSettings);
        if (original.kind !== "ok" || reordered.kind !== "ok") throw new Error("expected configs");
        expect(renderTempoConfig(reordered.config)).toBe(renderTempoConfig(original.config));
      }),
      { numRuns: 200 },
    );
  });

  it("renders the same bytes for a value whose keys were inserted in another order", () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 1_000_000 }), ({ cluster, settings }, seed) => {
        const result = buildTempoConfig(cluster, settings);
        if (result.kind !== "ok") throw new Error("expected a config");
        expect(renderTempoConfig(withShuffledKeys(result.config, seed))).toBe(renderTempoConfig(result.config));
      }),
      { numRuns: 100 },
    );
  });

  it("reports a replication factor above the ingester count, naming both numbers", () => {
    fc.assert(
      fc.property(clusterArbitrary, fc.integer({ min: 1, max: 5 }), (cluster, excess) => {
        const ingesters = ingesterUnitCount(cluster);
        const requested = ingesters + excess;
        const result = buildTempoConfig(
          cluster,
          TempoSettings.parse({ storage: { kind: "s3", endpoint: "minio:9000", bucket: "b", accessKey: "a", secretKey: "s" }, replicationFactor: requested, clusterLabel: "l", modelName: MODEL }),
        );
        expect(result.kind).toBe("error");
        if (result.kind === "error") expect(result.problems.join("\n")).toContain(`replication factor ${requested} is larger than the ${ingesters} ingester`);
      }),
      { numRuns: 100 },
    );
  });
});

describe("validator laws", () => {
  it("catches an unknown key added anywhere in a built config, at exactly that path", () => {
    fc.assert(
      fc.property(scenario, fc.nat(), fc.stringMatching(/^[a-z][a-z_]{0,12}$/), ({ cluster, settings }, pick, suffix) => {
        const result = buildTempoConfig(cluster, settings);
        if (result.kind !== "ok") throw new Error("expected a config");
        const config = structuredClone(result.config) as unknown as Record<string, unknown>;
        const candidates = mappingPaths(config);
        const target = candidates[pick % candidates.length] ?? [];
        const unknownKey = `zz_unknown_${suffix}`;
        let node: Record<string, unknown> = config;
        for (const key of target) node = node[key] as Record<string, unknown>;
        node[unknownKey] = 1;
        const problems = validateTempoConfig(config, settings.tempoVersion);
        expect(problems.map((problem) => problem.path)).toEqual([[...target, unknownKey].join(".")]);
      }),
      { numRuns: 200 },
    );
  });
});

describe("Python coordinator regressions", () => {
  it("uses any IPv4 query-frontend address whole as the frontend address (python-reference §6.4)", () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const frontend: WorkerApplication = { relationId: 1, application: "tempo-qf", role: "query-frontend", units: [workerUnit("tempo-qf", 0, ip)] };
        const rest: WorkerApplication = { relationId: 2, application: "tempo-rest", role: "all", units: [workerUnit("tempo-rest", 0, "10.9.9.9")] };
        const result = buildTempoConfig(
          clusterOf(frontend, rest),
          TempoSettings.parse({ storage: { kind: "s3", endpoint: "minio:9000", bucket: "b", accessKey: "a", secretKey: "s" }, clusterLabel: "l", modelName: MODEL }),
        );
        if (result.kind !== "ok") throw new Error(result.problems.join("; "));
        expect(result.config.querier.frontend_worker.frontend_address).toBe(`${ip}:9096`);
      }),
      { numRuns: 200 },
    );
  });
});
