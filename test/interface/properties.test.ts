/** Laws of the interface, checked with fast-check over generated databags and clusters. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/interface/canonical-json.js";
import {
  PROVIDER_APP_KEYS,
  REQUIRER_APP_KEYS,
  REQUIRER_UNIT_KEYS,
  decodeProviderAppDatabag,
  decodeRequirerAppDatabag,
  decodeRequirerUnitDatabag,
  encodeProviderAppData,
  encodeRequirerAppData,
  encodeRequirerUnitData,
} from "../../src/interface/databag-codec.js";
import {
  PROVIDER_OWNED_KEYS,
  databagChanges,
  gossipRing,
  parseCluster,
  providerDatabag,
  type WorkerRelation,
} from "../../src/interface/provider.js";
import { readProviderDatabag } from "../../src/interface/requirer.js";
import { workerPorts } from "../../src/interface/role-rules.js";
import { ROLES, type Role } from "../../src/interface/roles.js";
import type { ProviderAppData } from "../../src/interface/schemas.js";
import { json } from "./worker-relations.js";

const label = fc.stringMatching(/^[a-z](?:[a-z0-9-]{0,8}[a-z0-9])?$/);
const host = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join("."));
const port = fc.integer({ min: 1, max: 65535 });
/** Every address shape a worker may publish that normalises to a host. */
const validAddress = fc.oneof(
  host,
  fc.tuple(host, port).map(([h, p]) => `${h}:${p}`),
  fc.tuple(fc.constantFrom("http", "https"), host, port).map(([scheme, h, p]) => `${scheme}://${h}:${p}/ready`),
  fc.ipV4(),
  fc.ipV6(),
  fc.tuple(fc.ipV6(), port).map(([ip, p]) => `[${ip}]:${p}`),
);
const nullableText = fc.option(fc.string(), { nil: null });
const topology = fc.record(
  { application: fc.string(), unit: nullableText, charm_name: nullableText, model: fc.string(), model_uuid: fc.uuid() },
  { requiredKeys: ["application", "unit", "charm_name"] },
);
/** `__proto__` is refused by design (see the bad-input catalogue), so the round trip leaves it out. */
const mapKey = fc.string().filter((key) => key !== "__proto__");
const stringMap = fc.dictionary(mapKey, fc.string(), { noNullPrototype: true });
const providerAppData: fc.Arbitrary<ProviderAppData> = fc.record(
  {
    worker_config: fc.string(),
    loki_endpoints: stringMap,
    ca_cert: fc.string(),
    server_cert: fc.string(),
    privkey_secret_id: fc.string(),
    s3_tls_ca_cert: fc.string(),
    remote_write_endpoints: fc.array(stringMap, { maxLength: 3 }),
    charm_tracing_receivers: stringMap,
    workload_tracing_receivers: stringMap,
    worker_ports: fc.array(port, { maxLength: 6 }),
  },
  { requiredKeys: ["worker_config"], noNullPrototype: true },
);

describe("the databag codec", () => {
  it("decodes what it encodes: requirer application data", () => {
    fc.assert(fc.property(fc.constantFrom(...ROLES), (role) => {
      expect(decodeRequirerAppDatabag(encodeRequirerAppData({ role }))).toEqual({ kind: "valid", data: { role } });
    }));
  });

  it("decodes what it encodes: requirer unit data", () => {
    fc.assert(fc.property(topology, validAddress, (juju_topology, address) => {
      const data = { juju_topology, address };
      expect(decodeRequirerUnitDatabag(encodeRequirerUnitData(data))).toEqual({ kind: "valid", data });
    }));
  });

  it("decodes what it encodes: provider application data, S3 CA included", () => {
    fc.assert(fc.property(providerAppData, (data) => {
      expect(decodeProviderAppDatabag(encodeProviderAppData(data))).toEqual({ kind: "valid", data });
    }));
  });

  it("never throws on an arbitrary string map, and always classifies it", () => {
    const ownedKey = fc.constantFrom(...PROVIDER_APP_KEYS, ...REQUIRER_APP_KEYS, ...REQUIRER_UNIT_KEYS);
    const value = fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.constantFrom('"all"', '"foo: bar"', "null", "[]"));
    const bag = fc.dictionary(fc.oneof(ownedKey, fc.string()), value, { maxKeys: 8 });
    fc.assert(fc.property(bag, (raw) => {
      for (const decode of [decodeRequirerAppDatabag, decodeRequirerUnitDatabag, decodeProviderAppDatabag, readProviderDatabag]) {
        expect(["absent", "invalid", "valid"]).toContain(decode(raw).kind);
      }
      const cluster = parseCluster({ relations: [{ id: 1, app: "w", appData: raw, units: [{ name: "w/0", data: raw }] }] });
      expect(cluster.applications.length + cluster.rejected.length).toBeGreaterThan(0);
    }), { numRuns: 500 });
  });
});

/** How a generated unit presents itself. */
type UnitShape = { kind: "valid"; form: number } | { kind: "shared"; pool: number } | { kind: "bad-address" } | { kind: "silent" } | { kind: "foreign" };
const unitShape: fc.Arbitrary<UnitShape> = fc.oneof(
  fc.record({ kind: fc.constant("valid" as const), form: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant("shared" as const), pool: fc.integer({ min: 0, max: 2 }) }),
  fc.constant({ kind: "bad-address" as const }),
  fc.constant({ kind: "silent" as const }),
  fc.constant({ kind: "foreign" as const }),
);
const appSpec: fc.Arbitrary<AppSpec> = fc.record({
  role: fc.constantFrom<string | undefined>(...ROLES, "imposter", "querier,ingester", undefined),
  units: fc.array(unitShape, { maxLength: 4 }),
});
const clusterSpec = fc.uniqueArray(fc.tuple(label, appSpec), { selector: ([name]) => name, maxLength: 6 });

function ownHost(app: string, n: number): string {
  return `${app}-${n}.${app}-endpoints.cos.svc.cluster.local`;
}

/** The address in one of the shapes workers are known to write; all normalise to `host`. */
function presented(hostName: string, form: number): string {
  return [hostName, `${hostName}:7946`, `http://${hostName.toUpperCase()}:3200/`, `${hostName}.`][form] ?? hostName;
}

interface AppSpec {
  readonly role: string | undefined;
  readonly units: readonly UnitShape[];
}

function buildRelations(spec: ReadonlyArray<readonly [string, AppSpec]>): WorkerRelation[] {
  return spec.map(([app, { role, units }], index): WorkerRelation => ({
    id: index + 1,
    app,
    appData: role === undefined ? {} : { role: json(role) },
    units: units.map((shape, n): WorkerRelation["units"][number] => {
      const name = `${app}/${n}`;
      const topologyOf = (application: string) => json({ application, unit: name, charm_name: "tempo-worker-k8s" });
      switch (shape.kind) {
        case "valid":
          return { name, data: { juju_topology: topologyOf(app), address: json(presented(ownHost(app, n), shape.form)) } };
        case "shared":
          return { name, data: { juju_topology: topologyOf(app), address: json(`shared-${shape.pool}.cos.svc.cluster.local`) } };
        case "bad-address":
          return { name, data: { juju_topology: topologyOf(app), address: json(`${app} ${n}`) } };
        case "foreign":
          return { name, data: { juju_topology: topologyOf(`not-${app}`), address: json(ownHost(app, n)) } };
        case "silent":
          return { name, data: { "ingress-address": "10.0.0.1" } };
      }
    }),
  }));
}

function shuffleBy<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, index) => ({ item, key: keys[index] ?? 0, index }))
    .sort((a, b) => a.key - b.key || a.index - b.index)
    .map(({ item }) => item);
}

/** Everything the provider emits for a view, as bytes. */
function providerOutput(relations: readonly WorkerRelation[]): string {
  const cluster = parseCluster({ relations });
  const ring = gossipRing(cluster);
  const bags = cluster.applications.map((application) => [
    application.relationId,
    providerDatabag({ worker_config: ring.join("\n"), worker_ports: workerPorts(application.role, [4318, 4317]) }),
  ]);
  return canonicalJson({ cluster, ring, bags });
}

describe("the provider", () => {
  it("emits the same bytes whatever the order of relations and units", () => {
    const scenario = clusterSpec.chain((spec) => {
      const relations = buildRelations(spec);
      return fc.tuple(
        fc.constant(relations),
        fc.array(fc.double({ noNaN: true }), { minLength: relations.length, maxLength: relations.length }),
        fc.array(fc.array(fc.double({ noNaN: true }), { minLength: 4, maxLength: 4 }), { minLength: relations.length, maxLength: relations.length }),
      );
    });
    fc.assert(fc.property(scenario, ([relations, relationKeys, unitKeys]) => {
      const reordered = shuffleBy(
        relations.map((relation, index) => ({ ...relation, units: shuffleBy(relation.units, unitKeys[index] ?? []) })),
        relationKeys,
      );
      expect(providerOutput(reordered)).toBe(providerOutput(relations));
    }));
  });

  it("puts exactly the valid units of applications with a valid role in the gossip ring", () => {
    const noSharing = clusterSpec.map((spec) =>
      spec.map(([app, { role, units }]) => [app, { role, units: units.filter((shape) => shape.kind !== "shared") }] as const),
    );
    fc.assert(fc.property(noSharing, (spec) => {
      const expected = new Set<string>();
      for (const [app, { role, units }] of spec) {
        if (!(ROLES as readonly (string | undefined)[]).includes(role)) continue;
        units.forEach((shape, n) => {
          if (shape.kind === "valid") expected.add(`${ownHost(app, n)}:7946`);
        });
      }
      expect(gossipRing(parseCluster({ relations: buildRelations(spec) }))).toEqual([...expected].sort());
    }));
  });

  it("has nothing to change when it publishes the same data twice, and never touches keys it does not own", () => {
    const foreign = fc.dictionary(fc.string().map((key) => `x-${key}`), fc.string(), { noNullPrototype: true });
    fc.assert(fc.property(providerAppData, foreign, fc.array(fc.double({ noNaN: true }), { maxLength: 6 }), (input, foreignKeys, portOrder) => {
      const first = databagChanges(foreignKeys, providerDatabag(input), PROVIDER_OWNED_KEYS);
      const published: Record<string, string> = { ...foreignKeys, ...first.set };
      for (const key of first.delete) delete published[key];
      for (const [key, value] of Object.entries(foreignKeys)) expect(published[key]).toBe(value);

      const sameDataReordered = { ...input, worker_ports: input.worker_ports && shuffleBy(input.worker_ports, portOrder) };
      expect(databagChanges(published, providerDatabag(sameDataReordered), PROVIDER_OWNED_KEYS)).toEqual({ set: {}, delete: [] });
    }));
  });
});

describe("roles on the wire", () => {
  it("accept exactly the seven role names", () => {
    fc.assert(fc.property(fc.string(), (candidate) => {
      const parsed = decodeRequirerAppDatabag({ role: json(candidate) });
      expect(parsed.kind === "valid").toBe((ROLES as readonly string[]).includes(candidate));
    }));
  });

  it("give every role the HTTP and memberlist ports", () => {
    fc.assert(fc.property(fc.constantFrom<Role>(...ROLES), fc.array(port), (role, receivers) => {
      expect(workerPorts(role, receivers)).toEqual(expect.arrayContaining([3200, 7946]));
    }));
  });
});
