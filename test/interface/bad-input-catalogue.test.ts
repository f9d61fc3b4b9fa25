/**
 * The catalogue of bad worker and coordinator data: one test per case, with the classification the
 * codec gives it and the message an operator will read. Messages are asserted in full where they are
 * short, so that a change of wording is a deliberate, reviewed change.
 */
import { describe, expect, it } from "vitest";
import {
  decodeProviderAppDatabag,
  decodeRequirerAppDatabag,
  decodeRequirerUnitDatabag,
} from "../../src/interface/databag-codec.js";
import { parseCluster } from "../../src/interface/provider.js";
import { readProviderDatabag } from "../../src/interface/requirer.js";
import { json, podFqdn, unitData, workerRelation } from "./worker-relations.js";

const ROLE_LIST = "expected exactly one of all, querier, query-frontend, ingester, distributor, compactor, metrics-generator";

function unitWithAddress(address: string) {
  return decodeRequirerUnitDatabag(unitData("w", 0, { address }));
}

describe("bad input catalogue", () => {
  it("a value that is not JSON makes the databag invalid", () => {
    expect(decodeRequirerAppDatabag({ role: "querier" })).toEqual({
      kind: "invalid",
      reasons: ['role: "querier" is not JSON (every tempo_cluster value is JSON-encoded)'],
    });
  });

  it("JSON of the wrong type makes the databag invalid", () => {
    expect(decodeRequirerAppDatabag({ role: json(["querier"]) })).toEqual({
      kind: "invalid",
      reasons: ["role: expected a role name (a string), got an array"],
    });
    expect(decodeProviderAppDatabag({ worker_config: json("a: 1"), worker_ports: json("3200,7946") })).toEqual({
      kind: "invalid",
      reasons: ["worker_ports: expected an array of ports, got a string"],
    });
  });

  it("an unknown role is invalid and the application is left out of the cluster", () => {
    expect(decodeRequirerAppDatabag({ role: json("imposter") })).toEqual({
      kind: "invalid",
      reasons: [`role: "imposter" is not a Tempo role; ${ROLE_LIST}`],
    });
    const cluster = parseCluster({ relations: [workerRelation(1, "w", "imposter", 1)] });
    expect(cluster.applications).toEqual([]);
    expect(cluster.rejected).toEqual([{ relationId: 1, application: "w", reasons: [`role: "imposter" is not a Tempo role; ${ROLE_LIST}`] }]);
  });

  it("a comma-joined role, as the Python charms write for several roles, is invalid", () => {
    expect(decodeRequirerAppDatabag({ role: json("querier,ingester") })).toEqual({
      kind: "invalid",
      reasons: [`role: "querier,ingester" joins several roles with commas; ${ROLE_LIST}`],
    });
  });

  it("a role with spaces is invalid", () => {
    expect(decodeRequirerAppDatabag({ role: json(" querier ") })).toEqual({
      kind: "invalid",
      reasons: [`role: " querier " is not spelled as a role (roles are lower-case, without spaces); ${ROLE_LIST}`],
    });
  });

  it("a role in a different case is invalid", () => {
    expect(decodeRequirerAppDatabag({ role: json("Query-Frontend") })).toEqual({
      kind: "invalid",
      reasons: [`role: "Query-Frontend" is not spelled as a role (roles are lower-case, without spaces); ${ROLE_LIST}`],
    });
  });

  it("an address with a newline is invalid", () => {
    expect(unitWithAddress("w-0.local\nmemberlist: {}")).toEqual({
      kind: "invalid",
      reasons: ['address: "w-0.local\\nmemberlist: {}" contains ": ", which YAML reads as a key/value separator'],
    });
    expect(unitWithAddress("w-0.local\n")).toEqual({
      kind: "invalid",
      reasons: ['address: "w-0.local\\n" contains whitespace or a control character'],
    });
  });

  it("an address with ': ' is invalid", () => {
    expect(unitWithAddress("w: 0")).toEqual({
      kind: "invalid",
      reasons: ['address: "w: 0" contains ": ", which YAML reads as a key/value separator'],
    });
  });

  it("an address with '{' is invalid", () => {
    expect(unitWithAddress("{w-0}")).toEqual({
      kind: "invalid",
      reasons: ['address: "{w-0}" contains "{", which YAML or URLs treat specially'],
    });
  });

  it("an address with '#' is invalid", () => {
    expect(unitWithAddress("w-0#x")).toEqual({
      kind: "invalid",
      reasons: ['address: "w-0#x" contains "#", which YAML or URLs treat specially'],
    });
  });

  it("an address with a space is invalid", () => {
    expect(unitWithAddress("w 0.local")).toEqual({
      kind: "invalid",
      reasons: ['address: "w 0.local" contains whitespace or a control character'],
    });
  });

  it("an address with an empty label is invalid", () => {
    expect(unitWithAddress("w-0..local")).toEqual({
      kind: "invalid",
      reasons: ['address: "w-0..local" has an empty label (two dots in a row, or a leading dot)'],
    });
  });

  it("an address of 300 characters is invalid and the message quotes only its start", () => {
    const address = [60, 60, 60, 60, 56].map((n) => "a".repeat(n)).join(".");
    expect(address).toHaveLength(300);
    expect(unitWithAddress(address)).toEqual({
      kind: "invalid",
      reasons: [`address: "${address.slice(0, 64)}"… (300 characters) is 300 characters long; a host name has at most 253`],
    });
  });

  it("a topology missing application is invalid", () => {
    expect(decodeRequirerUnitDatabag(unitData("w", 0, { juju_topology: { unit: "w/0", charm_name: "w" } }))).toEqual({
      kind: "invalid",
      reasons: ["juju_topology.application: is missing"],
    });
  });

  it("a null unit in the topology is valid, as the published schema allows, and the unit takes part", () => {
    const data = unitData("w", 0, { juju_topology: { application: "w", unit: null, charm_name: "w" } });
    expect(decodeRequirerUnitDatabag(data).kind).toBe("valid");
    const cluster = parseCluster({ relations: [workerRelation(1, "w", "all", 0, [{ name: "w/0", data }])] });
    expect(cluster.applications[0]?.units[0]?.topology.unit).toBeNull();
  });

  it("the same address in two applications keeps the first by application and unit, and names both", () => {
    const cluster = parseCluster({
      relations: [
        workerRelation(1, "querier", "querier", 1),
        workerRelation(2, "ingester", "ingester", 0, [{ name: "ingester/0", data: unitData("ingester", 0, { address: podFqdn("querier", 0) }) }]),
        workerRelation(3, "ingester-b", "ingester", 1),
      ],
    });
    expect(cluster.applications.map((a) => a.application)).toEqual(["ingester", "ingester-b"]);
    expect(cluster.rejected).toContainEqual({
      relationId: 1,
      application: "querier",
      unit: "querier/0",
      reasons: [
        `address: "${podFqdn("querier", 0)}" is also claimed by ingester/0 of application ingester; keeping ingester/0 (first by application and unit name) and leaving querier/0 out`,
      ],
    });
  });

  it("a 64 KiB worker_config is valid: a large configuration is still a configuration", () => {
    // Few, long entries: the YAML library checks duplicate keys pairwise, so size comes from content here.
    const text = `overrides:\n${Array.from({ length: 512 }, (_, i) => `  tenant-${String(i).padStart(4, "0")}: ${"x".repeat(120)}\n`).join("")}`;
    expect(text.length).toBeGreaterThanOrEqual(64 * 1024);
    const parsed = readProviderDatabag({ worker_config: json(text) });
    expect(parsed.kind).toBe("valid");
    if (parsed.kind === "valid") expect(parsed.data.workerConfig.text).toBe(text);
  });

  it("a 64 KiB role is invalid and the message quotes only its first 64 characters", () => {
    const role = "q".repeat(64 * 1024);
    expect(decodeRequirerAppDatabag({ role: json(role) })).toEqual({
      kind: "invalid",
      reasons: [`role: "${"q".repeat(64)}"… (65536 characters) is not a Tempo role; ${ROLE_LIST}`],
    });
  });

  it("a 64 KiB value that is not JSON is invalid and the message stays short", () => {
    const parsed = decodeRequirerUnitDatabag({ juju_topology: "{".repeat(64 * 1024), address: json("w-0.local") });
    expect(parsed.kind).toBe("invalid");
    if (parsed.kind === "invalid") {
      expect(parsed.reasons).toEqual([`juju_topology: "${"{".repeat(64)}"… (65536 characters) is not JSON (every tempo_cluster value is JSON-encoded)`]);
    }
  });

  it("a map keyed \"__proto__\" is invalid rather than silently losing the entry", () => {
    const bag = { worker_config: json("a: 1"), charm_tracing_receivers: '{"__proto__":"http://192.0.2.1:4318"}' };
    expect(decodeProviderAppDatabag(bag)).toEqual({
      kind: "invalid",
      reasons: ['charm_tracing_receivers: the key "__proto__" is not allowed'],
    });
  });

  it("an empty databag is absent, and the provider says what has not been published", () => {
    expect(decodeRequirerAppDatabag({})).toEqual({ kind: "absent" });
    expect(decodeRequirerUnitDatabag({})).toEqual({ kind: "absent" });
    expect(decodeProviderAppDatabag({})).toEqual({ kind: "absent" });
    const cluster = parseCluster({ relations: [workerRelation(1, "w", "all", 0, [{ name: "w/0", data: {} }])] });
    expect(cluster.rejected).toEqual([
      { relationId: 1, application: "w", reasons: ["role all is valid, but no unit has published a valid juju_topology and address yet"] },
      { relationId: 1, application: "w", unit: "w/0", reasons: ["juju_topology and address: not published yet"] },
    ]);
  });
});
