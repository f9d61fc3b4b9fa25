/**
 * A cluster description file, the input of `tempo-cluster render`: the worker applications (role,
 * units and their addresses), storage, receivers, TLS and the coordinator's settings, written by
 * hand instead of read from a live model. It becomes the exact inputs the coordinator charm gathers
 * from Juju, so `render` prints what that coordinator would publish.
 */
import * as z from "zod";
import { RECEIVER_PROTOCOLS, type ReceiverProtocol } from "../interface/ports.js";
import { requirerAppDatabag, requirerUnitDatabag } from "../interface/requirer.js";
import { ROLES } from "../interface/roles.js";
import { TEMPO_VERSIONS } from "../tempo/settings.js";
import type { CoordinatorInputs } from "../charms/coordinator/desired-state.js";
import type { IntegrationInputs } from "../charms/coordinator/integrations.js";
import type { WorkerRelation } from "../interface/provider.js";

/** The worker charm's name as it appears in each unit's published topology. */
const WORKER_CHARM_NAME = "tempo-worker";

const UnitDescription = z.union([
  z.string().min(1).describe("an address; the unit is named <app>/<index>"),
  z.strictObject({ name: z.string().regex(/^[a-z][a-z0-9-]*\/\d+$/, "must look like <app>/<n>").optional(), address: z.string().min(1) }),
], { error: "a unit is its address, or {name: <app>/<n>, address: <host>}" });

const WorkerDescription = z.strictObject({
  app: z.string().regex(/^[a-z][a-z0-9-]*$/, "must be a Juju application name (lowercase letters, digits, hyphens)"),
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` }),
  /** The tempo-cluster relation id; defaults to the worker's position in the list, from 1. */
  relation_id: z.number().int().nonnegative().optional(),
  units: z.array(UnitDescription).min(1, "list at least one unit (its address)"),
});

const S3Description = z.strictObject({
  endpoint: z.string().min(1),
  bucket: z.string().min(1),
  "access-key": z.string().min(1),
  "secret-key": z.string().min(1),
  region: z.string().min(1).optional(),
  "tls-ca-chain": z.array(z.string().min(1)).optional(),
});

const TlsDescription = z.strictObject({
  ca_cert: z.string().min(1),
  server_cert: z.string().min(1),
  privkey_secret_id: z.string().min(1),
  /** The SAN internal clients verify. */
  server_name: z.string().min(1),
});

export const ClusterDescription = z.strictObject({
  /** The Juju model: Kubernetes namespace of the workers' FQDNs. */
  model: z.string().min(1).default("cos"),
  model_uuid: z.string().min(1).default("00000000-0000-4000-8000-000000000000"),
  /** The coordinator application's name. */
  coordinator: z.string().regex(/^[a-z][a-z0-9-]*$/).default("tempo"),
  /** Tempo minor version; the same as the coordinator's `tempo-version` option. */
  version: z
    .enum(TEMPO_VERSIONS, {
      error: `must be one of ${TEMPO_VERSIONS.map((version) => `"${version}"`).join(", ")} (quoted: YAML reads 2.10 as the number 2.1)`,
    })
    .optional(),
  /** Any other coordinator config options, as `juju config` takes them. */
  config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  /** `local` (only for one `all` unit) or the s3 provider's data. */
  storage: z.union([z.literal("local"), z.strictObject({ s3: S3Description })]),
  /** Receiver protocols requested over `tracing`, on top of the `always_enable_*` options. */
  receivers: z.array(z.enum(RECEIVER_PROTOCOLS as [ReceiverProtocol, ...ReceiverProtocol[]])).default([]),
  tls: TlsDescription.optional(),
  remote_write: z.array(z.strictObject({ url: z.string().url() })).default([]),
  workers: z.array(WorkerDescription).min(1, "list at least one worker application"),
});
export type ClusterDescription = z.output<typeof ClusterDescription>;

export type DescriptionResult =
  | { kind: "valid"; inputs: CoordinatorInputs; description: ClusterDescription }
  | { kind: "invalid"; reasons: string[] };

function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, segment) => (typeof segment === "number" ? `${text}[${segment}]` : text === "" ? String(segment) : `${text}.${String(segment)}`),
    "",
  );
}

/** Check a parsed YAML document and turn it into the coordinator's inputs, or list what is wrong. */
export function coordinatorInputsFromDescription(document: unknown): DescriptionResult {
  const parsed = ClusterDescription.safeParse(document);
  if (!parsed.success) {
    return { kind: "invalid", reasons: parsed.error.issues.map((issue) => `${issuePath(issue.path) || "(document)"}: ${issue.message}`) };
  }
  const description = parsed.data;
  const reasons: string[] = [];
  const workers: WorkerRelation[] = description.workers.map((worker, index) => {
    const relationId = worker.relation_id ?? index + 1;
    return {
      id: relationId,
      app: worker.app,
      appData: requirerAppDatabag(worker.role),
      units: worker.units.map((unit, unitIndex) => {
        const name = typeof unit === "string" ? `${worker.app}/${unitIndex}` : (unit.name ?? `${worker.app}/${unitIndex}`);
        const address = typeof unit === "string" ? unit : unit.address;
        const published = requirerUnitDatabag({
          topology: { model: description.model, model_uuid: description.model_uuid, application: worker.app, unit: name, charm_name: WORKER_CHARM_NAME },
          address,
        });
        if (published.kind === "invalid") {
          reasons.push(...published.reasons.map((reason) => `workers[${index}].units[${unitIndex}]: ${reason}`));
          return { name, data: {} };
        }
        return { name, data: published.data };
      }),
    };
  });
  const ids = workers.map((worker) => worker.id);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate !== undefined) reasons.push(`workers: relation_id ${duplicate} is used twice`);
  const unitNames = workers.flatMap((worker) => worker.units.map((unit) => unit.name));
  const duplicateUnit = unitNames.find((name, index) => unitNames.indexOf(name) !== index);
  if (duplicateUnit !== undefined) reasons.push(`workers: unit ${duplicateUnit} is listed twice`);
  if (reasons.length > 0) return { kind: "invalid", reasons };

  const config: Record<string, string | number | boolean> = { ...description.config };
  if (description.version !== undefined) config["tempo-version"] = description.version;

  const integrations: IntegrationInputs = {
    requestedReceivers: [...description.receivers],
    remoteWrite: description.remote_write.map((endpoint) => ({ url: endpoint.url })),
    problems: [],
    ...(description.tls
      ? {
          tls: {
            caCert: description.tls.ca_cert,
            serverCert: description.tls.server_cert,
            privkeySecretId: description.tls.privkey_secret_id,
            serverName: description.tls.server_name,
          },
        }
      : {}),
  };
  const storage = description.storage;
  const s3 =
    storage === "local"
      ? undefined
      : {
          id: Math.max(...ids) + 1,
          app: "s3-integrator",
          providerData: s3ProviderDatabag(storage.s3),
        };

  return {
    kind: "valid",
    description,
    inputs: {
      identity: { appName: description.coordinator, modelName: description.model, modelUuid: description.model_uuid },
      isLeader: true,
      config,
      workers,
      ...(s3 ? { s3 } : {}),
      integrations,
    },
  };
}

/** The s3 v0 provider databag: plain strings, lists JSON-encoded (as s3-integrator writes it). */
function s3ProviderDatabag(s3: z.output<typeof S3Description>): Record<string, string> {
  const bag: Record<string, string> = {
    endpoint: s3.endpoint,
    bucket: s3.bucket,
    "access-key": s3["access-key"],
    "secret-key": s3["secret-key"],
  };
  if (s3.region !== undefined) bag.region = s3.region;
  if (s3["tls-ca-chain"] !== undefined) bag["tls-ca-chain"] = JSON.stringify(s3["tls-ca-chain"]);
  return bag;
}
