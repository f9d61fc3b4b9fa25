/**
 * The harness's input and output: everything one unit can observe about its model, as plain data.
 *
 * Shaped after Scenario's `State` (juju-hook-tools.md §5) so tests read like Juju scenarios:
 * build a State, run one event, assert on the State that comes out. Defaults follow Scenario —
 * each unit bag is seeded with the three keys Juju writes on entering scope (§3.6) — except that
 * `egress-subnets` is a real CIDR here.
 */
import * as z from "zod";
import { STATUS_NAMES } from "../juju/backend.js";
import { MemoryPebbleState } from "./pebble-memory.js";

export const DEFAULT_ADDRESS = "192.0.2.0";
export const DEFAULT_UNIT_BAG: Readonly<Record<string, string>> = Object.freeze({
  "egress-subnets": `${DEFAULT_ADDRESS}/32`,
  "ingress-address": DEFAULT_ADDRESS,
  "private-address": DEFAULT_ADDRESS,
});
/** The keys Juju writes into every unit bag itself; "the charm wrote nothing" ignores them. */
export const JUJU_UNIT_KEYS = Object.keys(DEFAULT_UNIT_BAG).sort();

export const Databag = z.record(z.string(), z.string({ error: "databag values must be strings" }));
export type Databag = z.infer<typeof Databag>;
const unitBag = () => Databag.default(() => ({ ...DEFAULT_UNIT_BAG }));
const UnitNumber = z.string().regex(/^\d+$/, { error: "unit keys are unit numbers, e.g. 0" });
const UnitBags = z.record(UnitNumber, Databag);

export const RegularRelationState = z.object({
  kind: z.literal("regular"),
  endpoint: z.string().min(1),
  id: z.number().int().nonnegative(),
  interface: z.string().optional(),
  remoteApp: z.string().min(1).default("remote"),
  localAppData: Databag.default({}),
  localUnitData: unitBag(),
  remoteAppData: Databag.default({}),
  /** Remote units in the relation, by unit number, with their bags. */
  remoteUnitsData: UnitBags.default(() => ({ "0": { ...DEFAULT_UNIT_BAG } })),
});
export type RegularRelationState = z.infer<typeof RegularRelationState>;

export const PeerRelationState = z.object({
  kind: z.literal("peer"),
  endpoint: z.string().min(1),
  id: z.number().int().nonnegative(),
  interface: z.string().optional(),
  localAppData: Databag.default({}),
  localUnitData: unitBag(),
  /** The other peers by unit number; never this unit. */
  peersData: UnitBags.default({}),
});
export type PeerRelationState = z.infer<typeof PeerRelationState>;

export const RelationState = z.discriminatedUnion("kind", [RegularRelationState, PeerRelationState]);
export type RelationState = z.infer<typeof RelationState>;
export type RelationStateInput = z.input<typeof RelationState>;

/** Every name `status-get` can print, `unset` and `terminated` included (backend.ts `StatusName`). */
export const StatusState = z.object({
  status: z.enum(STATUS_NAMES),
  message: z.string().default(""),
});
export type StatusState = z.infer<typeof StatusState>;

export const PortState = z.discriminatedUnion("protocol", [
  z.object({ protocol: z.enum(["tcp", "udp"]), port: z.number().int().min(1).max(65535) }),
  z.object({ protocol: z.literal("icmp") }),
]);

export const ContainerState = MemoryPebbleState.extend({ name: z.string().min(1) });
export type ContainerState = z.infer<typeof ContainerState>;

export const SecretState = z.object({
  id: z.string(),
  /** Who owns it: this application, this unit, or (null) another application that granted it. */
  owner: z.enum(["application", "unit"]).nullable().default(null),
  /** Content of the revision this unit tracks (for an owner: the latest). */
  trackedContent: z.record(z.string(), z.string()),
  /** Content of the newest revision, when newer than the tracked one. */
  latestContent: z.record(z.string(), z.string()).optional(),
  label: z.string().optional(),
  description: z.string().optional(),
  /** Owned secrets only: the latest revision's expire time (RFC 3339). */
  expire: z.string().optional(),
  /** Owned secrets only: relation id → apps or units it is granted to. */
  grants: z.record(z.string().regex(/^\d+$/), z.array(z.string())).default({}),
});
export type SecretState = z.infer<typeof SecretState>;

export const NetworkState = z.object({
  bindAddresses: z
    .array(
      z.object({
        interfaceName: z.string().default(""),
        macAddress: z.string().default(""),
        addresses: z.array(z.object({ hostname: z.string().default(""), value: z.string(), cidr: z.string() })),
      }),
    )
    .default([]),
  egressSubnets: z.array(z.string()).default([]),
  ingressAddresses: z.array(z.string()).default([]),
});
export type NetworkState = z.infer<typeof NetworkState>;

/** What `network-get` answers for a binding the State does not list (Scenario's default). */
export const DEFAULT_NETWORK: NetworkState = {
  bindAddresses: [
    { interfaceName: "", macAddress: "", addresses: [{ hostname: "", value: DEFAULT_ADDRESS, cidr: `${DEFAULT_ADDRESS}/24` }] },
  ],
  egressSubnets: [`${DEFAULT_ADDRESS}/24`],
  ingressAddresses: [DEFAULT_ADDRESS],
};

export const State = z.object({
  leader: z.boolean().default(false),
  config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  relations: z.array(RelationState).default([]),
  containers: z.array(ContainerState).default([]),
  secrets: z.array(SecretState).default([]),
  networks: z.record(z.string(), NetworkState).default({}),
  openedPorts: z.array(PortState).default([]),
  unitStatus: StatusState.default({ status: "unknown", message: "" }),
  /** Juju creates applications `unset` (juju/juju#11740) and prints that until the leader sets one. */
  appStatus: StatusState.default({ status: "unset", message: "" }),
  workloadVersion: z.string().default(""),
  /** Server-side unit state (`state-get`/`state-set`). */
  unitState: z.record(z.string(), z.string()).default({}),
  model: z
    .object({ name: z.string().default("test-model"), uuid: z.string().default("00000000-0000-4000-8000-000000000000") })
    .default({ name: "test-model", uuid: "00000000-0000-4000-8000-000000000000" }),
  /** Defaults to the charm's name. */
  appName: z.string().regex(/^[a-z][a-z0-9-]*$/).optional(),
  unitId: z.number().int().nonnegative().default(0),
  /** The time `Model.now()` reads during the hook (RFC 3339); the real time when unset. */
  now: z.iso.datetime().optional(),
});
export type State = z.infer<typeof State>;
export type StateInput = z.input<typeof State>;

/** Parse a state input, filling Scenario's defaults; throws with every problem zod found. */
export function state(input: StateInput = {}): State {
  const parsed = State.safeParse(input);
  if (!parsed.success) {
    throw new TypeError(`invalid State: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

let nextRelationId = 1;

/** A provides/requires relation; `id` is allocated when not given, like Scenario. */
export function relation(
  input: Omit<z.input<typeof RegularRelationState>, "kind" | "id"> & { id?: number },
): RegularRelationState {
  return RegularRelationState.parse({ ...input, kind: "regular", id: input.id ?? nextRelationId++ });
}

export function peerRelation(
  input: Omit<z.input<typeof PeerRelationState>, "kind" | "id"> & { id?: number },
): PeerRelationState {
  return PeerRelationState.parse({ ...input, kind: "peer", id: input.id ?? nextRelationId++ });
}

export function container(input: z.input<typeof ContainerState>): ContainerState {
  return ContainerState.parse(input);
}

export function secret(input: z.input<typeof SecretState>): SecretState {
  return SecretState.parse(input);
}
