/**
 * A coordinator in the harness with the integrations of issue 8 plugged in, and the cluster shapes
 * their tests start from (relation ids 1–5 for workers, 90 for s3, 99 for peers).
 */
import YAML from "yaml";
import type { Role } from "../../../src/interface/roles.js";
import { requirerAppDatabag } from "../../../src/interface/requirer.js";
import {
  DEFAULT_UNIT_BAG,
  type RegularRelationState,
  type RunResult,
  type State,
  type StateInput,
  peerRelation,
  relation,
} from "../../../src/testing/index.js";
import { MODEL, MODEL_UUID, S3_FIXTURE, workerUnitData } from "./fixtures.js";

export function workers(id: number, app: string, role: Role, unitNumbers: readonly number[]): RegularRelationState {
  return relation({
    id,
    endpoint: "tempo-cluster",
    interface: "tempo_cluster",
    remoteApp: app,
    remoteAppData: requirerAppDatabag(role),
    remoteUnitsData: Object.fromEntries(unitNumbers.map((n) => [String(n), { ...DEFAULT_UNIT_BAG, ...workerUnitData(app, n) }])),
  });
}

export const s3 = (): RegularRelationState =>
  relation({ id: 90, endpoint: "s3", interface: "s3", remoteApp: "s3-integrator", remoteAppData: { ...S3_FIXTURE } });

/** One application per required role (ingester units as given): relation 2 is the distributor, 4 the querier. */
export function distributed(ingesterUnits: readonly number[] = [0, 1, 2]): RegularRelationState[] {
  return [
    workers(1, "tempo-compactor", "compactor", [0]),
    workers(2, "tempo-distributor", "distributor", [0]),
    workers(3, "tempo-ingester", "ingester", ingesterUnits),
    workers(4, "tempo-querier", "querier", [0]),
    workers(5, "tempo-query-frontend", "query-frontend", [0]),
  ];
}

export function coordinatorState(relations: readonly RegularRelationState[], overrides: Partial<StateInput> = {}): StateInput {
  return {
    leader: true,
    appName: "tempo",
    model: { name: MODEL, uuid: MODEL_UUID },
    relations: [...relations, peerRelation({ id: 99, endpoint: "peers" })],
    ...overrides,
  };
}

export function bagOf(state: State, id: number): Record<string, string> {
  const found = state.relations.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`relation ${id} is not in the state`);
  return found.localAppData;
}

/** A JSON-encoded key of a bag, decoded; undefined when the key is absent. */
export function jsonKey(state: State, id: number, key: string): unknown {
  const raw = bagOf(state, id)[key];
  return raw === undefined ? undefined : JSON.parse(raw);
}

export function workerConfigText(state: State, id: number): string {
  const raw = bagOf(state, id).worker_config;
  if (raw === undefined) throw new Error(`relation ${id} holds no worker_config`);
  return JSON.parse(raw) as string;
}

export function workerConfig(state: State, id: number): Record<string, any> {
  return YAML.parse(workerConfigText(state, id));
}

export const relationSets = (result: RunResult): string[] =>
  result.hookCalls.filter((call) => call.startsWith("relation-set"));
