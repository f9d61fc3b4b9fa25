/**
 * Rolling restarts within one worker application, coordinated over the worker's peer relation.
 *
 * A config change reaches every unit of an application in the same round of hooks; restarting
 * them all at once takes a whole Tempo role down (python-reference §6). Each unit therefore
 * publishes, in its peer unit bag, the rollout generation it runs (a hash of the coordinator's
 * shared data it last (re)started Tempo with) and whether its Tempo is ready. A unit that needs a
 * restart takes it only when
 *   - every other unit of its application is ready (so none is down or restarting), and
 *   - no other unit with a lower unit number still runs an older generation (that one goes first).
 * Every unit computes the same target generation from the same coordinator data, so two units
 * never both decide to go in the same round, whatever order their hooks run in. Nothing here waits:
 * a unit that must wait keeps Tempo as it is and is woken by peer relation-changed when a peer
 * publishes that it is ready again. A unit that dies leaves the peer relation (relation-departed),
 * so it stops counting; a unit whose Tempo never becomes ready halts the rollout, which is the point.
 *
 * Pure: the charm reads and writes the peer bags.
 */
import { nodeCrypto } from "../../juju/lazy-builtins.js";

/** The worker's peer endpoint. */
export const PEERS_ENDPOINT = "peers";
export const GENERATION_KEY = "rollout-generation";
export const READY_KEY = "ready";

export interface PeerRolloutState {
  readonly unit: string;
  /** The generation the unit runs; undefined when it has not said. */
  readonly generation: string | undefined;
  readonly isReady: boolean;
}

export type RolloutGate =
  | { readonly kind: "go" }
  | { readonly kind: "wait"; readonly message: string };

/** The generation of `coordinatorData` for `role`: the same bytes give the same hash on every unit. */
export function rolloutGeneration(coordinatorData: Readonly<Record<string, string>>, role: string): string {
  const entries = Object.keys(coordinatorData)
    .sort()
    .map((key) => [key, coordinatorData[key]]);
  return nodeCrypto().createHash("sha256").update(JSON.stringify({ role, data: entries })).digest("hex").slice(0, 16);
}

/**
 * What a peer published. A unit publishes only once it first restarts in a rollout (publishing
 * from the first start would cost every other unit a relation-changed hook per unit while the
 * application deploys), so a peer with an empty bag runs Tempo as it started it: an older
 * generation than any rollout's, and ready as far as we can tell.
 */
export function readPeerState(unit: string, bag: Readonly<Record<string, string>>): PeerRolloutState {
  const generation = bag[GENERATION_KEY];
  return { unit, generation: generation === undefined || generation === "" ? undefined : generation, isReady: bag[READY_KEY] !== "false" };
}

/**
 * Whether this unit writes its peer bag this hook: once it has published (so its peers always see
 * its readiness), or when it restarts in a rollout with peers to tell.
 */
export function publishesRolloutState(hasPublished: boolean, isRolloutRestart: boolean): boolean {
  return hasPublished || isRolloutRestart;
}

/** May `self` restart Tempo now to move to generation `target`? `peers` are the other units of its application. */
export function rolloutGate(self: string, target: string, peers: readonly PeerRolloutState[]): RolloutGate {
  const others = peers.filter((peer) => peer.unit !== self).sort((a, b) => unitNumber(a.unit) - unitNumber(b.unit));
  const notReady = others.find((peer) => !peer.isReady);
  if (notReady !== undefined) return { kind: "wait", message: `rollout: waiting for ${notReady.unit} to be ready` };
  const earlier = others.find((peer) => unitNumber(peer.unit) < unitNumber(self) && peer.generation !== target);
  if (earlier !== undefined) return { kind: "wait", message: `rollout: waiting for ${earlier.unit} to restart first` };
  return { kind: "go" };
}

function unitNumber(unit: string): number {
  return Number(unit.slice(unit.lastIndexOf("/") + 1));
}
