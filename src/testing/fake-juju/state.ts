/**
 * What the fake Juju agent knows about one unit: the state file its hook commands answer from.
 *
 * The zod schemas here are the one definition of the files that fake-hook-tool.mjs reads and writes
 * (that script stays import-free for start-up speed, so it trusts what the driver validated here).
 * Field meanings follow juju-hook-tools.md: §3.1 for who may read which bag, §1.5 for which changes
 * are buffered until the hook exits 0.
 */
import * as z from "zod";
import { STATUS_NAMES } from "../../juju/backend.js";
import { LIFECYCLE_HOOKS, RELATION_HOOK_KINDS } from "../../juju/events.js";

const Bag = z.record(z.string(), z.string());

export const FakeRelation = z.object({
  endpoint: z.string().min(1),
  id: z.number().int().nonnegative(),
  /** For a peer relation this is the local application. */
  remoteApp: z.string().min(1),
  isPeer: z.boolean().default(false),
  localUnitData: Bag.default({}),
  localAppData: Bag.default({}),
  remoteAppData: Bag.default({}),
  /** Bags of every remote unit whose data is readable (members and departed units alike). */
  remoteUnitsData: z.record(z.string(), Bag).default({}),
  /** Units that departed: still readable with `relation-get`, no longer listed by `relation-list`. */
  departedUnits: z.array(z.string()).default([]),
});
export type FakeRelation = z.infer<typeof FakeRelation>;

/** Stored as Juju stores it, and printed as stored (jujuc/status-get.go `toDetails`). */
export const FakeStatus = z.object({
  status: z.enum(STATUS_NAMES),
  message: z.string(),
});
export type FakeStatus = z.infer<typeof FakeStatus>;

export const FakeNetwork = z.object({
  bindAddresses: z.array(
    z.object({
      interfaceName: z.string(),
      macAddress: z.string(),
      addresses: z.array(z.object({ hostname: z.string(), value: z.string(), cidr: z.string() })),
    }),
  ),
  egressSubnets: z.array(z.string()),
  ingressAddresses: z.array(z.string()),
});
export type FakeNetwork = z.infer<typeof FakeNetwork>;

export const FakeSecret = z.object({
  /** `secret:<20 base32hex characters>`. */
  id: z.string().regex(/^secret:[0-9a-v]{20}$/),
  /** Absent: another application owns it and granted it to this unit (we are a consumer). */
  owner: z.enum(["application", "unit"]).optional(),
  label: z.string().optional(),
  description: z.string().optional(),
  expiry: z.string().optional(),
  rotation: z.string().optional(),
  revisions: z.array(z.object({ revision: z.number().int().positive(), content: Bag })).min(1),
  /** Consumers only: the revision `secret-get` returns until `--refresh`. */
  trackedRevision: z.number().int().positive().optional(),
  /** Relation id (as a string) → granted application or unit names. */
  grants: z.record(z.string(), z.array(z.string())).default({}),
});
export type FakeSecret = z.infer<typeof FakeSecret>;

export const FakeJujuState = z.object({
  model: z
    .object({
      name: z.string().default("test-model"),
      uuid: z.string().default("00000000-0000-4000-8000-000000000000"),
      type: z.enum(["kubernetes", "machine"]).default("kubernetes"),
    })
    .default({ name: "test-model", uuid: "00000000-0000-4000-8000-000000000000", type: "kubernetes" }),
  unitName: z.string().regex(/^[a-z][a-z0-9-]*\/\d+$/),
  leader: z.boolean().default(false),
  config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  relations: z.array(FakeRelation).default([]),
  networks: z.record(z.string(), FakeNetwork).default({}),
  unitStatus: FakeStatus.default({ status: "unknown", message: "" }),
  /** Juju creates applications `unset` (juju/juju#11740), and status-get prints it as stored. */
  appStatus: FakeStatus.default({ status: "unset", message: "" }),
  /** Immediate effects, recorded apart from the committed ones (§6 item 8). */
  statusHistory: z
    .array(z.object({ target: z.enum(["unit", "application"]), status: z.string(), message: z.string() }))
    .default([]),
  workloadVersion: z.string().default(""),
  logs: z.array(z.object({ level: z.string(), message: z.string() })).default([]),
  /** `3200/tcp`, `8000-8100/udp`, `icmp`. */
  openedPorts: z.array(z.string()).default([]),
  secrets: z.array(FakeSecret).default([]),
  /** Server-side unit state (`state-get`/`state-set`). */
  unitState: Bag.default({}),
  /** Only while running an action: what it answered (sent when it ends, whatever the outcome, §1.5). */
  action: z
    .object({ results: Bag.default({}), failure: z.string().optional(), logs: z.array(z.string()).default([]) })
    .optional(),
});
export type FakeJujuState = z.infer<typeof FakeJujuState>;
export type FakeJujuStateInput = z.input<typeof FakeJujuState>;

const RelationPhase = z.enum(RELATION_HOOK_KINDS);

/** The event the driver dispatches; the hook name and environment are derived from it and the state. */
export const FakeEvent = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("lifecycle"),
    name: z.enum(LIFECYCLE_HOOKS),
  }),
  z.object({
    kind: z.literal("relation"),
    phase: RelationPhase,
    relationId: z.number().int().nonnegative(),
    /** Omit for created, broken and app-data `relation-changed`: Juju then sets it empty. */
    remoteUnit: z.string().optional(),
    /** departed only; defaults to remoteUnit. `""` leaves JUJU_DEPARTING_UNIT out, as Juju does when it has none. */
    departingUnit: z.string().optional(),
  }),
  z.object({
    kind: z.literal("workload"),
    container: z.string().min(1),
    phase: z.enum(["pebble-ready", "pebble-check-failed", "pebble-check-recovered"]),
    checkName: z.string().optional(),
  }),
  z.object({
    kind: z.literal("action"),
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    params: z.record(z.string(), z.unknown()).default({}),
    uuid: z.string().default("1"),
  }),
  z.object({
    kind: z.literal("secret"),
    phase: z.enum(["changed", "rotate", "remove", "expired"]),
    secretId: z.string(),
    label: z.string().optional(),
    revision: z.number().int().positive().optional(),
  }),
]);
export type FakeEvent = z.infer<typeof FakeEvent>;
export type FakeEventInput = z.input<typeof FakeEvent>;

/** The running hook as the fake hook commands see it (Juju keeps this in the hook context). */
export const FakeHookContext = z.object({
  name: z.string(),
  relationId: z.number().int().optional(),
  remoteUnit: z.string().optional(),
  remoteApp: z.string().optional(),
  departingUnit: z.string().optional(),
  /** Set for an action: `action-get` answers its params (Juju keeps them in the context). */
  action: z.object({ name: z.string(), uuid: z.string(), params: z.record(z.string(), z.unknown()) }).optional(),
});
export type FakeHookContext = z.infer<typeof FakeHookContext>;

/** The state file: `FAKE_JUJU_STATE` points at it. */
export const FakeAgentFile = z.object({
  contextId: z.string(),
  hook: FakeHookContext,
  state: FakeJujuState,
});
export type FakeAgentFile = z.infer<typeof FakeAgentFile>;

/** One secret-grant or secret-revoke: the secret, the relation id (or application) and the grantee. */
export const FakeSecretAccessChange = z.object({ id: z.string(), key: z.string(), grantee: z.string() });
export type FakeSecretAccessChange = z.infer<typeof FakeSecretAccessChange>;

/** The buffered parts as this hook sees them (`<state>.pending`), committed only on exit 0. */
export const FakePendingFile = z.object({
  relations: z.record(z.string(), z.object({ localUnitData: Bag, localAppData: Bag })),
  openedPorts: z.array(z.string()),
  secrets: z.array(FakeSecret),
  /** This hook's secret-grant and secret-revoke calls, committed grants first (driver.ts). */
  secretGrants: z.array(FakeSecretAccessChange).default([]),
  secretRevokes: z.array(FakeSecretAccessChange).default([]),
  unitState: Bag,
});
export type FakePendingFile = z.infer<typeof FakePendingFile>;

// ---------------------------------------------------------------- builders

/** The keys Juju writes into a unit bag when the unit enters scope (§3.6). */
export function jujuUnitBag(address: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    "egress-subnets": `${address}/32`,
    "ingress-address": address,
    "private-address": address,
    ...extra,
  };
}

/** A network-get answer for a unit with one address. */
export function singleAddressNetwork(address: string, cidr = "10.1.0.0/16"): FakeNetwork {
  return {
    bindAddresses: [{ interfaceName: "eth0", macAddress: "", addresses: [{ hostname: "", value: address, cidr }] }],
    egressSubnets: [`${address}/32`],
    ingressAddresses: [address],
  };
}

/** Validate and fill defaults; throws on a state Juju could never produce. */
export function fakeJujuState(input: FakeJujuStateInput): FakeJujuState {
  const state = FakeJujuState.parse(input);
  const problems = inconsistencies(state);
  if (problems.length > 0) throw new Error(`inconsistent fake Juju state:\n- ${problems.join("\n- ")}`);
  return state;
}

function inconsistencies(state: FakeJujuState): string[] {
  const problems: string[] = [];
  const localApp = state.unitName.split("/")[0];
  const ids = state.relations.map((relation) => relation.id);
  for (const id of ids.filter((id, index) => ids.indexOf(id) !== index)) problems.push(`relation id ${id} is used twice`);
  for (const relation of state.relations) {
    if (relation.isPeer && relation.remoteApp !== localApp) {
      problems.push(`peer relation ${relation.endpoint}:${relation.id} must name the local app "${localApp}" as remote app`);
    }
    for (const unit of Object.keys(relation.remoteUnitsData)) {
      if (unit.split("/")[0] !== relation.remoteApp) {
        problems.push(`relation ${relation.endpoint}:${relation.id}: unit "${unit}" is not a unit of "${relation.remoteApp}"`);
      }
      if (unit === state.unitName) {
        problems.push(`relation ${relation.endpoint}:${relation.id}: the local unit cannot be its own remote unit`);
      }
    }
  }
  return problems;
}

/** The hook name Juju runs for an event (`JUJU_HOOK_NAME`), given the state it runs in. */
export function hookContextFor(state: FakeJujuState, event: FakeEvent): FakeHookContext {
  switch (event.kind) {
    case "lifecycle":
      return { name: event.name };
    case "workload":
      return { name: `${event.container}-${event.phase}` };
    case "secret":
      return { name: `secret-${event.phase}` };
    case "action":
      // JUJU_HOOK_NAME is empty for actions; the context keeps the action instead.
      return { name: "", action: { name: event.name, uuid: event.uuid, params: event.params } };
    case "relation": {
      const relation = state.relations.find((candidate) => candidate.id === event.relationId);
      if (relation === undefined) throw new Error(`relation event for unknown relation id ${event.relationId}`);
      const needsUnit = event.phase === "joined" || event.phase === "departed";
      if (needsUnit && event.remoteUnit === undefined) {
        throw new Error(`relation-${event.phase} needs a remote unit`);
      }
      if ((event.phase === "created" || event.phase === "broken") && event.remoteUnit !== undefined) {
        throw new Error(`relation-${event.phase} has no remote unit (Juju leaves JUJU_REMOTE_UNIT empty)`);
      }
      return {
        name: `${relation.endpoint}-relation-${event.phase}`,
        relationId: relation.id,
        remoteApp: relation.remoteApp,
        ...(event.remoteUnit === undefined ? {} : { remoteUnit: event.remoteUnit }),
        ...(event.phase === "departed" ? { departingUnit: event.departingUnit ?? event.remoteUnit } : {}),
      };
    }
  }
}
