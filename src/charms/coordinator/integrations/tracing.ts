/**
 * The `tracing` endpoint (provider, interface `tracing` v2): related charms ask for receiver
 * protocols; we enable them (with the `always_enable_*` options; desired-state takes the union)
 * and answer each relation with the URL of every enabled receiver. The workers get where to send
 * their own traces (`charm_tracing_receivers`, `workload_tracing_receivers`): this same Tempo,
 * as the Python coordinator does without a remote Tempo (python-reference §1.4, §2.9).
 */
import { decodeRequirerAppDatabag } from "../../../interface/databag-codec.js";
import type { ReceiverProtocol } from "../../../interface/ports.js";
import type { Model } from "../../../juju/model.js";
import { parseCoordinatorConfig } from "../config-options.js";
import { enabledReceivers } from "../desired-state.js";
import { type CoordinatorIntegration, type IntegrationInputs, NO_INTEGRATIONS } from "../integrations.js";
import { ENDPOINTS } from "../meta.js";
import { type NeighbourRelation, type Problem, unusableNeighbourData } from "../status.js";
import {
  CHARM_TRACING_PROTOCOLS,
  WORKLOAD_TRACING_PROTOCOLS,
  type WorkerApplication,
  ingestApplication,
  receiverUrlMap,
  tracingProviderBag,
} from "./tracing-receivers.js";
import { parseTracingRequest } from "./tracing-requests.js";
import { currentFrontDoor } from "./ingress-address.js";
import { type FrontDoor, mostExternal } from "../front-door.js";
import { remoteTracingReceivers } from "./self-tracing.js";

/** The receivers of `protocols` a remote Tempo offers, or `undefined` when it offers none of them. */
function pick(receivers: Readonly<Record<string, string>> | undefined, protocols: readonly string[]): Record<string, string> | undefined {
  if (!receivers) return undefined;
  const picked = Object.fromEntries(protocols.filter((protocol) => receivers[protocol]).map((protocol) => [protocol, receivers[protocol]!]));
  return Object.keys(picked).length > 0 ? picked : undefined;
}

export interface TracingOptions {
  /**
   * Whether internal TLS is on this hook, i.e. whether the certificates integration supplies TLS
   * material: the receivers then serve TLS and every HTTP URL must say `https`.
   */
  readonly isTlsEnabled: (model: Model) => boolean;
}

export function tracingIntegration(options: TracingOptions): CoordinatorIntegration {
  return {
    name: "tracing",
    gather(model: Model): Partial<IntegrationInputs> {
      const { requestedReceivers, problems } = gatherRequests(model);
      const door = ingestDoor(model, options);
      // A Tempo related on self-charm-tracing / self-workload-tracing takes the traces instead of
      // this cluster (python-reference §2.9).
      const remoteCharm = pick(remoteTracingReceivers(model, ENDPOINTS.selfCharmTracing), CHARM_TRACING_PROTOCOLS);
      const remoteWorkload = pick(remoteTracingReceivers(model, ENDPOINTS.selfWorkloadTracing), WORKLOAD_TRACING_PROTOCOLS);
      const config = parseCoordinatorConfig(model.config);
      // The same union desired-state computes, so workers are pointed only at receivers Tempo runs.
      const enabled = enabledReceivers(config.kind === "valid" ? config.settings : undefined, {
        ...NO_INTEGRATIONS,
        requestedReceivers,
      });
      // The workers run inside the cluster: they send their own traces to the service, not the ingress.
      const charmTracingReceivers = remoteCharm ?? (door ? receiverUrlMap(CHARM_TRACING_PROTOCOLS, enabled, door.internal) : {});
      const workloadTracingReceivers =
        remoteWorkload ?? (door ? receiverUrlMap(WORKLOAD_TRACING_PROTOCOLS, enabled, door.internal) : {});
      return {
        requestedReceivers,
        problems,
        ...(Object.keys(charmTracingReceivers).length > 0 ? { charmTracingReceivers } : {}),
        ...(Object.keys(workloadTracingReceivers).length > 0 ? { workloadTracingReceivers } : {}),
      };
    },
    apply(model, outcome): void {
      if (!outcome.isLeader) return;
      const door = ingestDoor(model, options);
      for (const relation of model.relations(ENDPOINTS.tracing)) {
        const bag = relation.localAppData();
        // No worker receives traces yet: say nothing rather than hand out a URL where nobody listens.
        if (door && outcome.enabledReceivers.length > 0) {
          bag.set("receivers", tracingProviderBag(outcome.enabledReceivers, mostExternal(door)).receivers);
        } else {
          bag.delete("receivers");
        }
      }
    },
  };
}

function gatherRequests(model: Model): { requestedReceivers: ReceiverProtocol[]; problems: Problem[] } {
  const requested = new Set<ReceiverProtocol>();
  const problems: Problem[] = [];
  for (const relation of model.relations(ENDPOINTS.tracing)) {
    const parsed = parseTracingRequest(relation.remoteAppData());
    const from = { coordinator: model.app.name, endpoint: ENDPOINTS.tracing, app: relation.app };
    if (parsed.kind === "invalid") problems.push(tracingRequestInvalid(from, parsed.reasons));
    if (parsed.kind !== "valid") continue;
    for (const protocol of parsed.data.supported) requested.add(protocol);
    if (parsed.data.unsupported.length > 0) problems.push(tracingProtocolsUnsupported(relation.app, parsed.data.unsupported));
  }
  return { requestedReceivers: [...requested].sort(), problems };
}

/** The worker applications related now, with the role they published (invalid ones left out). */
function workerApplications(model: Model): WorkerApplication[] {
  return model.relations(ENDPOINTS.cluster).flatMap((relation) => {
    const role = decodeRequirerAppDatabag(relation.remoteAppData());
    return role.kind === "valid" ? [{ app: relation.app, role: role.data.role, unitCount: relation.units.length }] : [];
  });
}

/** Whether some worker application with units runs the receivers behind the front door. */
export function canReceiveTraces(model: Model): boolean {
  return ingestApplication(workerApplications(model)) !== undefined;
}

/** The front door, once some worker receives traces behind it. */
function ingestDoor(model: Model, options: TracingOptions): FrontDoor | undefined {
  if (ingestApplication(workerApplications(model)) === undefined) return undefined;
  return currentFrontDoor(model, options.isTlsEnabled(model));
}

/** A request we cannot read at all: that charm gets URLs (if any) but asked for nothing we can honour. */
export function tracingRequestInvalid(from: NeighbourRelation, reasons: readonly string[]): Problem {
  return unusableNeighbourData(from, `${from.app} sent an unusable tracing request (${reasons.join(", ")})`, "its traces are not received");
}

/** Names no Tempo receiver speaks; the rest of that request is honoured. */
export function tracingProtocolsUnsupported(app: string, protocols: readonly string[]): Problem {
  return {
    severity: "note",
    message: `${app} asked for tracing protocols Tempo does not support: ${protocols.join(", ")} (ignored)`,
  };
}
