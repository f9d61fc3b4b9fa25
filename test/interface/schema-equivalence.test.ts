/**
 * Our zod schemas and the published JSON schemas judge the same corpus of decoded databags the same
 * way, except where this project is deliberately stricter. Each such case says why in `stricter`:
 * the published schema accepts it, we reject it.
 */
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { ROLES } from "../../src/interface/roles.js";
import { ProviderAppDataOnRead, RequirerAppData, RequirerUnitData } from "../../src/interface/schemas.js";
import { publishedValidators } from "./published-schemas.js";

type Bag = "requirerApp" | "requirerUnit" | "providerApp";

interface Case {
  readonly name: string;
  readonly bag: Bag;
  readonly decoded: unknown;
  /** Our verdict. */
  readonly valid: boolean;
  /** Set when the published schema accepts what we reject, with the reason we are stricter. */
  readonly stricter?: string;
}

const STRICTER_ADDRESS =
  "the address must normalise to a bare host (spec §2.5): it is pasted into memberlist.join_members and the rendered YAML";
const STRICTER_PORT = "a worker port must be a TCP port, 1–65535; the published schema allows any integer";

const topology = { application: "tempo-worker", unit: "tempo-worker/0", charm_name: "tempo-worker-k8s" };
const fqdn = "tempo-worker-0.tempo-worker-endpoints.cos.svc.cluster.local";
const unitBag = (overrides: Record<string, unknown>) => ({ juju_topology: topology, address: fqdn, ...overrides });

const corpus: Case[] = [
  // Requirer application databag.
  ...ROLES.map((role): Case => ({ name: `role ${role}`, bag: "requirerApp", decoded: { role }, valid: true })),
  { name: "an unknown role", bag: "requirerApp", decoded: { role: "imposter" }, valid: false },
  { name: "a comma-joined role list (Python charms)", bag: "requirerApp", decoded: { role: "querier,ingester" }, valid: false },
  { name: "a role in another case", bag: "requirerApp", decoded: { role: "Querier" }, valid: false },
  { name: "a role with a leading space", bag: "requirerApp", decoded: { role: " querier" }, valid: false },
  { name: "a role that is a number", bag: "requirerApp", decoded: { role: 3 }, valid: false },
  { name: "a null role", bag: "requirerApp", decoded: { role: null }, valid: false },
  { name: "a role that is a list", bag: "requirerApp", decoded: { role: ["querier"] }, valid: false },
  { name: "no role", bag: "requirerApp", decoded: {}, valid: false },
  { name: "a role beside an unknown key", bag: "requirerApp", decoded: { role: "all", colour: 1 }, valid: true },
  { name: "an app databag that is an array", bag: "requirerApp", decoded: [], valid: false },

  // Requirer unit databag.
  { name: "a Kubernetes FQDN and full topology", bag: "requirerUnit", decoded: unitBag({}), valid: true },
  {
    name: "null unit and charm_name",
    bag: "requirerUnit",
    decoded: unitBag({ juju_topology: { application: "w", unit: null, charm_name: null } }),
    valid: true,
  },
  {
    name: "topology with model and model_uuid",
    bag: "requirerUnit",
    decoded: unitBag({ juju_topology: { ...topology, model: "cos", model_uuid: "00000000-0000-4000-8000-000000000000" } }),
    valid: true,
  },
  {
    name: "topology with an unknown key",
    bag: "requirerUnit",
    decoded: unitBag({ juju_topology: { ...topology, region: "eu" } }),
    valid: true,
  },
  {
    name: "topology without application",
    bag: "requirerUnit",
    decoded: unitBag({ juju_topology: { unit: "w/0", charm_name: "w" } }),
    valid: false,
  },
  {
    name: "topology with a numeric application",
    bag: "requirerUnit",
    decoded: unitBag({ juju_topology: { ...topology, application: 7 } }),
    valid: false,
  },
  {
    name: "topology without the unit key",
    bag: "requirerUnit",
    decoded: unitBag({ juju_topology: { application: "w", charm_name: "w" } }),
    valid: false,
  },
  {
    name: "topology without the charm_name key",
    bag: "requirerUnit",
    decoded: unitBag({ juju_topology: { application: "w", unit: "w/0" } }),
    valid: false,
  },
  { name: "topology that is a string", bag: "requirerUnit", decoded: unitBag({ juju_topology: "w/0" }), valid: false },
  {
    name: "topology with a numeric model",
    bag: "requirerUnit",
    decoded: unitBag({ juju_topology: { ...topology, model: 1 } }),
    valid: false,
    stricter: "model and model_uuid are kept in the cluster view, so when present they must be strings",
  },
  { name: "no address", bag: "requirerUnit", decoded: { juju_topology: topology }, valid: false },
  { name: "no topology", bag: "requirerUnit", decoded: { address: fqdn }, valid: false },
  { name: "a numeric address", bag: "requirerUnit", decoded: unitBag({ address: 192 }), valid: false },
  { name: "an IPv4 address", bag: "requirerUnit", decoded: unitBag({ address: "192.0.2.1" }), valid: true },
  { name: "a URL address", bag: "requirerUnit", decoded: unitBag({ address: "http://example.com" }), valid: true },
  { name: "a host:port address", bag: "requirerUnit", decoded: unitBag({ address: "w-0.w:7946" }), valid: true },
  { name: "a bracketed IPv6 address with port", bag: "requirerUnit", decoded: unitBag({ address: "[2001:db8::1]:3200" }), valid: true },
  { name: "an address with a space", bag: "requirerUnit", decoded: unitBag({ address: "w 0" }), valid: false, stricter: STRICTER_ADDRESS },
  { name: "an address with ': '", bag: "requirerUnit", decoded: unitBag({ address: "w: 0" }), valid: false, stricter: STRICTER_ADDRESS },
  { name: "an empty address", bag: "requirerUnit", decoded: unitBag({ address: "" }), valid: false, stricter: STRICTER_ADDRESS },
  { name: "an address with an empty label", bag: "requirerUnit", decoded: unitBag({ address: "w..svc" }), valid: false, stricter: STRICTER_ADDRESS },
  {
    name: "an address of 300 characters",
    bag: "requirerUnit",
    decoded: unitBag({ address: [60, 60, 60, 60, 56].map((n) => "a".repeat(n)).join(".") }),
    valid: false,
    stricter: STRICTER_ADDRESS,
  },

  // Provider application databag.
  { name: "only worker_config", bag: "providerApp", decoded: { worker_config: "foo: bar" }, valid: true },
  {
    name: "every published field",
    bag: "providerApp",
    decoded: {
      worker_config: "server:\n  http_listen_port: 3200\n",
      loki_endpoints: { "loki/0": "http://loki-0.loki-endpoints.cos.svc.cluster.local:3100/loki/api/v1/push" },
      ca_cert: "-----BEGIN CERTIFICATE-----",
      server_cert: "-----BEGIN CERTIFICATE-----",
      privkey_secret_id: "secret:cq0a4bfmp25c77ti0aeg",
      s3_tls_ca_cert: "-----BEGIN CERTIFICATE-----",
      remote_write_endpoints: [{ url: "http://prometheus-0:9090/api/v1/write" }],
      charm_tracing_receivers: { otlp_http: "http://tempo.cos.svc.cluster.local:4318" },
      workload_tracing_receivers: { otlp_grpc: "tempo-0.tempo-endpoints.cos.svc.cluster.local:4317" },
      worker_ports: [3200, 4318, 7946, 9096],
    },
    valid: true,
  },
  { name: "no worker_config", bag: "providerApp", decoded: { worker_ports: [3200] }, valid: false },
  { name: "a numeric worker_config", bag: "providerApp", decoded: { worker_config: 1 }, valid: false },
  { name: "worker_config as a mapping (README example)", bag: "providerApp", decoded: { worker_config: { foo: "bar" } }, valid: false },
  { name: "empty loki_endpoints", bag: "providerApp", decoded: { worker_config: "a: 1", loki_endpoints: {} }, valid: true },
  { name: "loki_endpoints with a numeric URL", bag: "providerApp", decoded: { worker_config: "a: 1", loki_endpoints: { "loki/0": 1 } }, valid: false },
  { name: "loki_endpoints as a list", bag: "providerApp", decoded: { worker_config: "a: 1", loki_endpoints: ["http://loki"] }, valid: false },
  { name: "empty remote_write_endpoints", bag: "providerApp", decoded: { worker_config: "a: 1", remote_write_endpoints: [] }, valid: true },
  {
    name: "remote_write_endpoints with a numeric url",
    bag: "providerApp",
    decoded: { worker_config: "a: 1", remote_write_endpoints: [{ url: 1 }] },
    valid: false,
  },
  {
    name: "remote_write_endpoints as an object",
    bag: "providerApp",
    decoded: { worker_config: "a: 1", remote_write_endpoints: { url: "http://p" } },
    valid: false,
  },
  { name: "a fractional worker port", bag: "providerApp", decoded: { worker_config: "a: 1", worker_ports: [3200.5] }, valid: false },
  { name: "a worker port as a string", bag: "providerApp", decoded: { worker_config: "a: 1", worker_ports: ["3200"] }, valid: false },
  { name: "worker_ports as a number", bag: "providerApp", decoded: { worker_config: "a: 1", worker_ports: 3200 }, valid: false },
  { name: "worker port 0", bag: "providerApp", decoded: { worker_config: "a: 1", worker_ports: [0] }, valid: false, stricter: STRICTER_PORT },
  { name: "worker port 70000", bag: "providerApp", decoded: { worker_config: "a: 1", worker_ports: [70000] }, valid: false, stricter: STRICTER_PORT },
  {
    name: "workload_tracing_receivers as a string",
    bag: "providerApp",
    decoded: { worker_config: "a: 1", workload_tracing_receivers: "http://tempo:4318" },
    valid: false,
  },
  { name: "a numeric ca_cert", bag: "providerApp", decoded: { worker_config: "a: 1", ca_cert: 1 }, valid: false },
  { name: "a null server_cert", bag: "providerApp", decoded: { worker_config: "a: 1", server_cert: null }, valid: false },
  {
    name: "worker_labels from the Python coordinator",
    bag: "providerApp",
    decoded: { worker_config: "a: 1", worker_labels: { "app.kubernetes.io/part-of": "tempo" } },
    valid: true,
  },
  { name: "s3_tls_ca_chain from the Python coordinator", bag: "providerApp", decoded: { worker_config: "a: 1", s3_tls_ca_chain: "PEM" }, valid: true },
  {
    name: "a numeric s3_tls_ca_chain",
    bag: "providerApp",
    decoded: { worker_config: "a: 1", s3_tls_ca_chain: 1 },
    valid: false,
    stricter: "we read s3_tls_ca_chain as the fallback S3 CA (spec §2.5), so it must be a string; the published schema does not know the key",
  },
  { name: "a provider databag that is a string", bag: "providerApp", decoded: "worker_config", valid: false },
];

const ourSchemas: Record<Bag, z.ZodType> = {
  requirerApp: RequirerAppData,
  requirerUnit: RequirerUnitData,
  providerApp: ProviderAppDataOnRead,
};

describe("our schemas and the published JSON schemas", () => {
  const published = publishedValidators();

  it("are compared on a corpus of at least 40 decoded databags covering all three databags", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    for (const bag of ["requirerApp", "requirerUnit", "providerApp"] as const) {
      expect(corpus.filter((entry) => entry.bag === bag && entry.valid).length).toBeGreaterThan(0);
      expect(corpus.filter((entry) => entry.bag === bag && !entry.valid).length).toBeGreaterThan(0);
    }
  });

  it.each(corpus)("judge $bag with $name the same way, or we are stricter for a stated reason", (entry) => {
    const ours = ourSchemas[entry.bag].safeParse(entry.decoded).success;
    const theirs = published[entry.bag](entry.decoded);
    expect(ours).toBe(entry.valid);
    if (entry.stricter === undefined) expect(theirs).toBe(ours);
    else expect({ theirs, ours }).toEqual({ theirs: true, ours: false });
  });
});
