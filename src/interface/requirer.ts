/**
 * The worker's side of tempo_cluster/v1, pure: what the worker publishes (the leader its role, every
 * unit its topology and address) and how it reads what the coordinator published.
 */
import YAML from "yaml";
import * as z from "zod";
import { normaliseAddress } from "./address.js";
import { type Databag, decodeDatabag, encodeRequirerAppData, encodeRequirerUnitData, PROVIDER_APP_KEYS } from "./databag-codec.js";
import type { Built, Parsed } from "./parsed.js";
import { memoiseRecent } from "./recent-memo.js";
import type { Role } from "./roles.js";
import { ProviderAppDataOnRead } from "./schemas.js";

export { REQUIRER_APP_KEYS, REQUIRER_UNIT_KEYS } from "./databag-codec.js";

/** The worker leader's application databag: its one role. */
export function requirerAppDatabag(role: Role): Record<string, string> {
  return encodeRequirerAppData({ role });
}

/** Who a worker unit is. All five fields are written, non-null (spec §2.5). */
export const WorkerIdentity = z.object({
  topology: z.object({
    model: z.string().min(1),
    model_uuid: z.string().min(1),
    application: z.string().min(1),
    unit: z.string().min(1),
    charm_name: z.string().min(1),
  }),
  /** The unit's bare FQDN, e.g. `tempo-worker-0.tempo-worker-endpoints.cos.svc.cluster.local`. */
  address: z.string(),
});
export type WorkerIdentity = z.infer<typeof WorkerIdentity>;

/**
 * A worker unit's databag. The address must already be a bare host (what `socket.getfqdn()` gives):
 * writing `host:port` or a URL would make coordinators other than ours put it verbatim into the ring.
 */
export function requirerUnitDatabag(identity: WorkerIdentity): Built<Record<string, string>> {
  const checked = WorkerIdentity.safeParse(identity);
  if (!checked.success) {
    return { kind: "invalid", reasons: checked.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) };
  }
  const { topology, address } = checked.data;
  const normalised = normaliseAddress(address);
  if (normalised.kind === "invalid") return { kind: "invalid", reasons: [`address: ${JSON.stringify(address)} ${normalised.reason}`] };
  if (normalised.host !== address) {
    return { kind: "invalid", reasons: [`address: ${JSON.stringify(address)} is not a bare host; publish ${JSON.stringify(normalised.host)}`] };
  }
  return { kind: "valid", data: encodeRequirerUnitData({ juju_topology: topology, address }) };
}

/**
 * `worker_config` parsed: the YAML text (written to the workload byte for byte) and its top-level
 * mapping (for checks). A document that is not a mapping (`foo`, a list, empty) is not a config.
 */
function parseWorkerConfig(text: string, context: z.RefinementCtx): { text: string; mapping: Record<string, unknown> } {
  let value: unknown;
  try {
    const document = parsedWorkerConfigDocument(text);
    if ("error" in document) throw document.error;
    if (document.errors.length > 0) {
      context.addIssue({ code: "custom", path: ["worker_config"], message: `is not valid YAML: ${firstLine(document.errors[0]?.message)}` });
      return { text, mapping: {} };
    }
    value = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    context.addIssue({ code: "custom", path: ["worker_config"], message: `is not usable YAML: ${firstLine((error as Error).message)}` });
    return { text, mapping: {} };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    context.addIssue({ code: "custom", path: ["worker_config"], message: "is not a YAML mapping (a Tempo configuration is a mapping of sections)" });
    return { text, mapping: {} };
  }
  return { text, mapping: value as Record<string, unknown> };
}

/**
 * Every worker parses the same `worker_config`; in one process (the simulator) the parsed document
 * for the exact text is reused. Each caller still converts it with `toJS`, which reads the document
 * without changing it and returns new objects, so no caller sees another's values.
 */
const parsedWorkerConfigDocument = memoiseRecent(4, (text): YAML.Document.Parsed | { error: unknown } => {
  try {
    return YAML.parseDocument(text, { uniqueKeys: true });
  } catch (error) {
    return { error };
  }
});

function firstLine(message: string | undefined): string {
  return ((message ?? "unknown error").split("\n")[0] ?? "").replace(/:$/, "");
}

/** What a worker takes from the coordinator's databag, typed and grouped by use. */
export const ProviderConfig = ProviderAppDataOnRead.transform((data, context) => ({
  workerConfig: parseWorkerConfig(data.worker_config, context),
  tls: {
    caCert: data.ca_cert,
    serverCert: data.server_cert,
    privkeySecretId: data.privkey_secret_id,
  },
  /** Already falls back to the Python charms' `s3_tls_ca_chain`. */
  s3TlsCaCert: data.s3_tls_ca_cert,
  workerPorts: data.worker_ports,
  charmTracingReceivers: data.charm_tracing_receivers,
  workloadTracingReceivers: data.workload_tracing_receivers,
  remoteWriteEndpoints: data.remote_write_endpoints,
  lokiEndpoints: data.loki_endpoints,
}));
export type ProviderConfig = z.output<typeof ProviderConfig>;

/** Read the coordinator's application databag. Never throws. */
export function readProviderDatabag(bag: Databag): Parsed<ProviderConfig> {
  return decodeDatabag(bag, PROVIDER_APP_KEYS, ProviderConfig);
}
