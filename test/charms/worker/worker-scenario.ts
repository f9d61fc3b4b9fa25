/**
 * Building blocks for the worker's scenario tests: a coordinator's databag, a Tempo config that
 * the strict validator accepts, and the tempo container as MemoryPebble state.
 */
import YAML from "yaml";
import { container, relation, type ContainerState, type RegularRelationState, type State } from "../../../src/testing/index.js";
import { MemoryPebble, MemoryPebbleState, type CheckEvent, type MemoryPebbleStateInput, type WorkloadBehaviour } from "../../../src/testing/pebble-memory.js";

export const COORDINATOR = "tempo";
export const KEY_SECRET_ID = "secret:d0coordinatorkey0001";

export interface ConfigShape {
  readonly joinMembers?: readonly string[];
  readonly retentionHours?: number;
  readonly isTlsEnabled?: boolean;
}

/** A small, complete Tempo 2.7 config for one `all` worker, as a coordinator would send it. */
export function tempoConfig(shape: ConfigShape = {}): string {
  const tlsServer = shape.isTlsEnabled
    ? {
        http_tls_config: { cert_file: "/etc/worker/server.cert", key_file: "/etc/worker/private.key", client_ca_file: "/etc/worker/ca.cert" },
      }
    : {};
  return YAML.stringify(
    {
      compactor: { compaction: { block_retention: `${shape.retentionHours ?? 720}h` } },
      distributor: { receivers: { otlp: { protocols: { http: { endpoint: "0.0.0.0:4318" } } } } },
      memberlist: { abort_if_cluster_join_fails: false, bind_port: 7946, join_members: [...(shape.joinMembers ?? ["tempo-worker-0.tempo-worker-endpoints.test-model.svc.cluster.local:7946"])] },
      server: { http_listen_port: 3200, ...tlsServer },
      storage: { trace: { backend: "local", local: { path: "/data/tempo/traces" }, wal: { path: "/data/tempo/wal" } } },
    },
    { sortMapEntries: true },
  );
}

/** The coordinator's application databag, every value JSON-encoded as on the wire. */
export function providerBag(data: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, JSON.stringify(value)]));
}

export function clusterRelation(remoteAppData: Record<string, string>, overrides: Partial<RegularRelationState> = {}): RegularRelationState {
  return relation({ endpoint: "tempo-cluster", remoteApp: COORDINATOR, remoteAppData, ...overrides, id: overrides.id ?? 7 });
}

/** What Tempo 2.7.1's `-version` prints (Prometheus' common version banner). */
export const TEMPO_VERSION_OUTPUT = [
  "tempo, version 2.7.1 (branch: HEAD, revision: 2ea28d9f0)",
  "  build user:       ",
  "  build date:       ",
  "  go version:       go1.23.4",
  "  platform:         linux/amd64",
  "  tags:             unknown",
  "",
].join("\n");

/**
 * The commands of the Tempo workload image the charm runs: the trust store update, `-version`,
 * and curl for the HTTPS ready check (canned: it passes whenever Pebble probes; the simulator's
 * image models certificate verification, see src/sim/tempo-cluster.ts tempoImage).
 */
export const TEMPO_IMAGE_EXECS = [
  { command: ["update-ca-certificates"], stdout: "Updating certificates in /etc/ssl/certs...\n1 added, 0 removed; done.\n" },
  { command: ["/bin/tempo", "-version"], stdout: TEMPO_VERSION_OUTPUT },
  { command: ["curl"], stdout: "ready\n" },
];

/** The tempo container of the Tempo image (its commands included unless `execs` says otherwise). */
export function tempoContainer(overrides: Partial<Parameters<typeof container>[0]> = {}): ContainerState {
  return container({ name: "tempo", execs: TEMPO_IMAGE_EXECS, ...overrides });
}

/** The same state with the tempo container's commands replaced (a broken image, say). */
export function withExecs(state: State, execs: MemoryPebbleStateInput["execs"]): State {
  const parsed = MemoryPebbleState.shape.execs.parse(execs);
  return { ...state, containers: state.containers.map((candidate) => (candidate.name === "tempo" ? { ...candidate, execs: parsed } : candidate)) };
}

/** The commands run in the tempo container so far, as argv strings. */
export function execsRun(state: State): string[] {
  return tempoState(state).execJournal.map((record) => record.command.join(" "));
}

/** The same state with the coordinator's databag replaced (what the next relation-changed sees). */
export function withProviderData(state: State, remoteAppData: Record<string, string>): State {
  return { ...state, relations: state.relations.map((rel) => (rel.kind === "regular" ? { ...rel, remoteAppData } : rel)) };
}

export function tempoState(state: State): ContainerState {
  const found = state.containers.find((candidate) => candidate.name === "tempo");
  if (!found) throw new Error("no tempo container in the state");
  return found;
}

export function fileOf(state: State, path: string): { content: string; permissions: number | undefined } | undefined {
  const file = tempoState(state).files.find((candidate) => candidate.path === path && candidate.type === "file");
  return file ? { content: file.content, permissions: file.permissions } : undefined;
}

/** How many times Tempo was (re)started: explicit starts and restarts in the journal. */
export function serviceActions(state: State): string[] {
  return tempoState(state).journal.map((record) => record.action);
}

/**
 * `seconds` of simulated time in the tempo container (Pebble's timers: check probes, exits,
 * backoff), and the check events Juju would dispatch because of them. No real time passes.
 */
export function afterSeconds(state: State, seconds: number): { state: State; events: CheckEvent[] } {
  const { name, ...snapshot } = tempoState(state);
  const pebble = MemoryPebble.fromState(snapshot);
  pebble.advanceTime(seconds * 1000);
  const events = pebble.takeCheckEvents();
  const containers = state.containers.map((candidate) => (candidate.name === name ? { ...pebble.toState(), name } : candidate));
  return { state: { ...state, containers }, events };
}

/** The same state with the Tempo process behaving as `behaviour` from its next start. */
export function withTempoBehaviour(state: State, behaviour: WorkloadBehaviour): State {
  const { name, ...snapshot } = tempoState(state);
  const pebble = MemoryPebble.fromState(snapshot);
  pebble.setWorkload("tempo", behaviour);
  return { ...state, containers: state.containers.map((candidate) => (candidate.name === name ? { ...pebble.toState(), name } : candidate)) };
}
