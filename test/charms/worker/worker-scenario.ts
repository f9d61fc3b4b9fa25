/**
 * Building blocks for the worker's scenario tests: a coordinator's databag, a Tempo config that
 * the strict validator accepts, and the tempo container as MemoryPebble state.
 */
import YAML from "yaml";
import { container, relation, type ContainerState, type RegularRelationState, type State } from "../../../src/testing/index.js";

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

export function tempoContainer(overrides: Partial<Parameters<typeof container>[0]> = {}): ContainerState {
  return container({ name: "tempo", ...overrides });
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
