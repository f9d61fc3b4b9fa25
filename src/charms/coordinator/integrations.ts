/**
 * What the coordinator's other integrations contribute to the cluster (issue 8: certificates,
 * tracing, send-remote-write, logging). Each integration is its own module implementing
 * `CoordinatorIntegration`: it reads its relation into a part of `IntegrationInputs`, and may write
 * what it alone owns once the decision is made (receiver URLs on tracing relations, secret grants
 * on worker relations). `desiredState` only consumes the combined record; without those relations
 * it is `NO_INTEGRATIONS`, and everything they would add is simply absent from the databags.
 */
import type { ClusterView } from "../../interface/cluster-view.js";
import type { ReceiverProtocol } from "../../interface/ports.js";
import type { Model } from "../../juju/model.js";
import type { RemoteWriteEndpoint } from "../../tempo/settings.js";
import type { Problem } from "./status.js";

/** Internal TLS, once a certificate for the workers has been issued. */
export interface TlsMaterial {
  readonly caCert: string;
  readonly serverCert: string;
  /** The application-owned Juju secret holding `private-key`, granted to each worker relation. */
  readonly privkeySecretId: string;
  /** The SAN every internal client verifies (see TlsSettings.serverName in src/tempo/settings.ts). */
  readonly serverName: string;
}

/**
 * A certificates relation whose first certificate has not come: worker relations never given a
 * config wait for it rather than start Tempo plain and restart into TLS minutes later.
 */
export interface FirstCertificateWait {
  readonly provider: string;
  /** Worker relations already holding a (plain) config: they keep getting it, nothing is retracted. */
  readonly publishedRelationIds: readonly number[];
  /** What the provider's answer so far means (waiting, or blocked on unusable data). */
  readonly answer: Problem;
}

export interface IntegrationInputs {
  /** Receiver protocols that related charms asked for over `tracing`. */
  readonly requestedReceivers: readonly ReceiverProtocol[];
  readonly tls?: TlsMaterial;
  /** Set only while no certificate was ever usable (no worker databag carries TLS yet). */
  readonly firstCertificate?: FirstCertificateWait;
  /** From `send-remote-write`: turns on the metrics-generator. */
  readonly remoteWrite: readonly RemoteWriteEndpoint[];
  /** From `logging`: name → Loki push URL. */
  readonly lokiEndpoints?: Readonly<Record<string, string>>;
  /** protocol → URL, where worker charms and Tempo itself send their own traces. */
  readonly charmTracingReceivers?: Readonly<Record<string, string>>;
  readonly workloadTracingReceivers?: Readonly<Record<string, string>>;
  /** What the integrations found wrong (invalid remote data, a pending certificate). */
  readonly problems: readonly Problem[];
}

export const NO_INTEGRATIONS: IntegrationInputs = Object.freeze({
  requestedReceivers: [],
  remoteWrite: [],
  problems: [],
});

/** What the coordinator decided, as far as an integration's own writes need to know. */
export interface CoordinatorOutcome {
  readonly isLeader: boolean;
  /** Receivers Tempo runs now (operator options ∪ tracing requests), sorted. */
  readonly enabledReceivers: readonly ReceiverProtocol[];
  /** Worker relations that were published to (their applications take part). */
  readonly publishedRelationIds: readonly number[];
  /**
   * The keys this hook changed in our worker databags, sorted by relation id; a relation missing
   * here was not written to. Secret grants go out with the same commit as these writes.
   */
  readonly workerBagChanges: readonly WorkerBagChange[];
  /** The workers taking part, as the decision saw them (the front door routes to them). */
  readonly cluster: ClusterView;
  /** The TLS material this hook ran with, when internal TLS is on. */
  readonly tls?: TlsMaterial;
}

/** A databag key's encoded value before and after this hook's write (absent: unset or deleted). */
export interface KeyChange {
  readonly before?: string;
  readonly after?: string;
}

export interface WorkerBagChange {
  readonly relationId: number;
  readonly changed: Readonly<Record<string, KeyChange>>;
}

export interface CoordinatorIntegration {
  readonly name: string;
  /** Read this integration's relations; never throw on remote data (report it as a problem). */
  gather(model: Model): Partial<IntegrationInputs>;
  /**
   * Write what this integration owns, after the decision; optional. May be asynchronous (a
   * workload over Pebble) and may return problems found while applying, which join the status.
   */
  apply?(model: Model, outcome: CoordinatorOutcome): void | readonly Problem[] | Promise<void | readonly Problem[]>;
  /** Bring a workload container this integration owns to its desired state (Pebble is asynchronous); optional. */
  applyWorkload?(model: Model, outcome: CoordinatorOutcome): Promise<void>;
}

/**
 * Merge the parts the integrations returned. Lists are unioned and sorted so the result does not
 * depend on the order integrations run in; two integrations offering TLS is a wiring bug.
 */
export function combineIntegrationInputs(parts: readonly Partial<IntegrationInputs>[]): IntegrationInputs {
  const tlsParts = parts.flatMap((part) => (part.tls ? [part.tls] : []));
  if (tlsParts.length > 1) throw new Error("more than one integration supplies TLS material");
  const waits = parts.flatMap((part) => (part.firstCertificate ? [part.firstCertificate] : []));
  if (waits.length > 1) throw new Error("more than one integration waits for a first certificate");
  const requestedReceivers = [...new Set(parts.flatMap((part) => part.requestedReceivers ?? []))].sort();
  const remoteWrite = [...new Map(parts.flatMap((part) => part.remoteWrite ?? []).map((e) => [e.url, e])).values()].sort(
    (a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0),
  );
  const merged = (key: "lokiEndpoints" | "charmTracingReceivers" | "workloadTracingReceivers") => {
    const present = parts.flatMap((part) => (part[key] ? [part[key]] : []));
    return present.length === 0 ? undefined : Object.assign({}, ...present);
  };
  const lokiEndpoints = merged("lokiEndpoints");
  const charmTracingReceivers = merged("charmTracingReceivers");
  const workloadTracingReceivers = merged("workloadTracingReceivers");
  return {
    requestedReceivers,
    remoteWrite,
    problems: parts.flatMap((part) => part.problems ?? []),
    ...(tlsParts[0] ? { tls: tlsParts[0] } : {}),
    ...(waits[0] ? { firstCertificate: waits[0] } : {}),
    ...(lokiEndpoints ? { lokiEndpoints } : {}),
    ...(charmTracingReceivers ? { charmTracingReceivers } : {}),
    ...(workloadTracingReceivers ? { workloadTracingReceivers } : {}),
  };
}
