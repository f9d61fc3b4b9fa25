/**
 * `juju refresh --switch` from Canonical's Python Tempo charms keeps a relation only when the
 * endpoint has the same name and interface, and a setting only when the option has the same name
 * and type. The built YAML files are compared with data/python-charms/names.json (its README says
 * where it comes from).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { renderActionsYaml, renderConfigYaml, renderMetadataYaml } from "../../scripts/charm-metadata.js";
import { COORDINATOR_META } from "../../src/charms/coordinator/meta.js";
import { workerMeta } from "../../src/charms/worker/meta.js";
import type { CharmMeta } from "../../src/juju/charm-meta.js";

interface PythonCharmNames {
  readonly endpoints: Record<string, { role: "provides" | "requires" | "peers"; interface: string; limit?: number }>;
  readonly options: Record<string, { type: string }>;
  readonly actions: readonly string[];
  /** Container → its image resource; storage → where it is mounted. */
  readonly containers: Record<string, string>;
  readonly storage: Record<string, string>;
}
const NAMES = JSON.parse(readFileSync(path.join(import.meta.dirname, "../../data/python-charms/names.json"), "utf8")) as {
  "tempo-coordinator-k8s": PythonCharmNames;
  "tempo-worker-k8s": PythonCharmNames;
  "deliberately-absent": Record<string, string>;
};

/** What a built charm declares, read back from the YAML files the build writes. */
function built(meta: CharmMeta) {
  const metadata = YAML.parse(renderMetadataYaml(meta)) as Record<string, Record<string, { interface: string; limit?: number }>> & {
    containers?: Record<string, { resource?: string; mounts?: { storage: string; location: string }[] }>;
    storage?: Record<string, { location?: string }>;
  };
  const endpoints: Record<string, { role: string; interface: string; limit?: number }> = {};
  for (const role of ["provides", "requires", "peers"] as const) {
    for (const [name, endpoint] of Object.entries(metadata[role] ?? {})) {
      endpoints[name] = { role, interface: endpoint.interface, ...(endpoint.limit !== undefined ? { limit: endpoint.limit } : {}) };
    }
  }
  const options = (YAML.parse(renderConfigYaml(meta)) as { options: Record<string, { type: string }> }).options;
  const actions = Object.keys(YAML.parse(renderActionsYaml(meta)) ?? {});
  const containers = Object.fromEntries(Object.entries(metadata.containers ?? {}).map(([name, container]) => [name, container.resource ?? ""]));
  // A storage's mount point: its own `location`, or where a container mounts it.
  const mounts = Object.values(metadata.containers ?? {}).flatMap((container) => container.mounts ?? []);
  const storage = Object.fromEntries(
    Object.entries(metadata.storage ?? {}).map(([name, declared]) => [name, declared.location ?? mounts.find((mount) => mount.storage === name)?.location ?? ""]),
  );
  return { endpoints, options, actions, containers, storage };
}

/** Every difference from the Python charm a user would trip over, one line each. */
function differences(python: PythonCharmNames, ours: ReturnType<typeof built>): string[] {
  const found: string[] = [];
  for (const [name, want] of Object.entries(python.endpoints)) {
    const got = ours.endpoints[name];
    if (!got) found.push(`endpoint ${name} (${want.interface}) is missing`);
    else if (got.role !== want.role || got.interface !== want.interface || got.limit !== want.limit) {
      found.push(`endpoint ${name}: ${JSON.stringify(got)}, Python has ${JSON.stringify(want)}`);
    }
  }
  for (const [name, want] of Object.entries(python.options)) {
    if (name in NAMES["deliberately-absent"]) {
      if (ours.options[name]) found.push(`option ${name} is declared but meant to be replaced: ${NAMES["deliberately-absent"][name]}`);
      continue;
    }
    const got = ours.options[name];
    if (!got) found.push(`option ${name} (${want.type}) is missing`);
    else if (got.type !== want.type) found.push(`option ${name} is ${got.type}, Python has ${want.type}`);
  }
  for (const action of python.actions) if (!ours.actions.includes(action)) found.push(`action ${action} is missing`);
  for (const [name, resource] of Object.entries(python.containers)) {
    if (!(name in ours.containers)) found.push(`container ${name} is missing`);
    else if (ours.containers[name] !== resource) found.push(`container ${name} uses resource ${ours.containers[name]}, Python has ${resource}`);
  }
  for (const [name, location] of Object.entries(python.storage)) {
    if (!(name in ours.storage)) found.push(`storage ${name} is missing`);
    else if (ours.storage[name] !== location) found.push(`storage ${name} is at ${ours.storage[name]}, Python has ${location}`);
  }
  return found;
}

describe("drop-in names", () => {
  it("the coordinator declares every endpoint, option, action, container and storage of tempo-coordinator-k8s", () => {
    expect(differences(NAMES["tempo-coordinator-k8s"], built(COORDINATOR_META))).toEqual([]);
  });

  it("the worker declares every endpoint, option, container and storage of tempo-worker-k8s", () => {
    expect(differences(NAMES["tempo-worker-k8s"], built(workerMeta))).toEqual([]);
  });

  it("the comparison names a renamed option, a changed interface and a missing endpoint", () => {
    const ours = built(COORDINATOR_META);
    const { "always_enable_zipkin": zipkin, ...options } = ours.options;
    const { catalogue: _catalogue, ...endpoints } = ours.endpoints;
    const { "nginx-prometheus-exporter": _exporter, ...containers } = ours.containers;
    const broken = {
      ...ours,
      containers,
      storage: { data: "/data" },
      options: { ...options, "always-enable-zipkin": zipkin! },
      endpoints: { ...endpoints, peers: { role: "peers", interface: "tempo_coordinator_peers" } },
    };
    expect(differences(NAMES["tempo-coordinator-k8s"], broken)).toEqual([
      "endpoint catalogue (catalogue) is missing",
      'endpoint peers: {"role":"peers","interface":"tempo_coordinator_peers"}, Python has {"role":"peers","interface":"tempo_peers"}',
      "option always_enable_zipkin (boolean) is missing",
      "container nginx-prometheus-exporter is missing",
      "storage data is at /data, Python has /tempo-data",
    ]);
  });
});
