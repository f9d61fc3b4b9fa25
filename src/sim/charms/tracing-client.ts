/**
 * A minimal `tracing` v2 requirer for the simulator: any charmed application that sends its traces
 * to Tempo. Its leader asks for the receiver protocols in its `protocols` option
 * (`receivers` = JSON list of names in its app bag); every unit reads the provider's answer
 * (`receivers` = JSON list of `{protocol: {name, type}, url}`, neighbour-interfaces/tracing-v2) and
 * is Active once each protocol it asked for has a URL. It sends no traces: the simulator has no
 * network, so having the URLs is the whole proof.
 */
import * as z from "zod";
import type { Charm } from "../../juju/charm.js";
import type { CharmMeta } from "../../juju/charm-meta.js";
import type { Model } from "../../juju/model.js";

export const TRACING_CLIENT_ENDPOINT = "tracing";
export const DEFAULT_TRACING_PROTOCOLS = "otlp_grpc,zipkin";

export const TRACING_CLIENT_META: CharmMeta = {
  name: "tracing-client",
  summary: "An application that sends traces over the tracing interface (simulator stand-in).",
  description: "Asks a tracing provider for receivers and waits until it has a URL for each protocol it asked for.",
  requires: { [TRACING_CLIENT_ENDPOINT]: { interface: "tracing", limit: 1 } },
  config: {
    options: {
      protocols: { type: "string", default: DEFAULT_TRACING_PROTOCOLS, description: "Receiver protocols to ask for, comma-separated (e.g. otlp_grpc,otlp_http,zipkin)." },
    },
  },
};

const Receiver = z.object({ protocol: z.object({ name: z.string().min(1), type: z.enum(["http", "grpc"]) }), url: z.string().min(1) });
const ProviderReceivers = z.array(Receiver);
export type TracingReceiver = z.infer<typeof Receiver>;

/** The protocols named in the option, trimmed, unique and sorted. */
export function requestedProtocols(option: string): string[] {
  return [...new Set(option.split(",").map((name) => name.trim()).filter((name) => name !== ""))].sort();
}

/** What the provider offers; untrusted, so never throws. */
export function parseProviderReceivers(appData: Readonly<Record<string, string>>): { kind: "absent" } | { kind: "invalid"; reason: string } | { kind: "valid"; receivers: TracingReceiver[] } {
  const raw = appData.receivers;
  if (raw === undefined || raw === "") return { kind: "absent" };
  let decoded: unknown;
  try {
    decoded = JSON.parse(raw);
  } catch {
    return { kind: "invalid", reason: "receivers is not JSON" };
  }
  const parsed = ProviderReceivers.safeParse(decoded);
  if (!parsed.success) return { kind: "invalid", reason: "receivers is not a list of {protocol: {name, type}, url}" };
  return { kind: "valid", receivers: parsed.data };
}

/** protocol → URL of the receivers offered for what we asked, keys sorted. */
export function receiverUrlsFor(protocols: readonly string[], receivers: readonly TracingReceiver[]): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const protocol of [...protocols].sort()) {
    const offered = receivers.find((receiver) => receiver.protocol.name === protocol);
    if (offered !== undefined) urls[protocol] = offered.url;
  }
  return urls;
}

async function reconcile(model: Model): Promise<void> {
  const protocols = requestedProtocols(String(model.config.protocols ?? ""));
  if (protocols.length === 0) {
    model.setUnitStatus({ status: "blocked", message: `set the receiver protocols to ask for: juju config ${model.app.name} protocols=otlp_grpc` });
    return;
  }
  const relation = model.relations(TRACING_CLIENT_ENDPOINT).find((candidate) => candidate.isActive);
  if (relation === undefined) {
    model.setUnitStatus({ status: "blocked", message: `relate a tracing provider: juju integrate ${model.app.name}:${TRACING_CLIENT_ENDPOINT} tempo:tracing` });
    return;
  }
  if (model.isLeader()) relation.localAppData().update({ receivers: JSON.stringify(protocols) });
  const offered = parseProviderReceivers(relation.remoteAppData());
  if (offered.kind === "absent") {
    model.setUnitStatus({ status: "waiting", message: `waiting for ${relation.app} to publish receiver URLs` });
    return;
  }
  if (offered.kind === "invalid") {
    model.setUnitStatus({ status: "blocked", message: `${relation.app} sent unusable receivers (${offered.reason})` });
    return;
  }
  const urls = receiverUrlsFor(protocols, offered.receivers);
  const missing = protocols.filter((protocol) => urls[protocol] === undefined);
  model.setUnitStatus(
    missing.length === 0
      ? { status: "active", message: "" }
      : { status: "waiting", message: `waiting for ${relation.app} to offer ${missing.join(", ")}` },
  );
}

export const tracingClientCharm: Charm = { meta: TRACING_CLIENT_META, reconcile };
