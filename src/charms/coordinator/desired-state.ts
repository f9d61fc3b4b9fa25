/**
 * The coordinator's whole decision as one pure function: what it can see (worker relations, the
 * s3 relation, config, what other integrations contribute) → what every databag it owns should
 * hold and what status to show. `charm.ts` gathers the inputs and applies the result; nothing here
 * reads or writes Juju.
 */
import type { ClusterView, Rejection } from "../../interface/cluster-view.js";
import { type Databag, decodeRequirerAppDatabag, decodeRequirerUnitDatabag } from "../../interface/databag-codec.js";
import { RECEIVER_PORTS, type ReceiverProtocol } from "../../interface/ports.js";
import {
  type WorkerRelation,
  clusterMissingRoles,
  parseCluster,
  providerDatabag,
} from "../../interface/provider.js";
import { expandRole, workerPorts } from "../../interface/role-rules.js";
import { buildTempoConfig, ingesterUnitCount } from "../../tempo/builder.js";
import { renderTempoConfig } from "../../tempo/render.js";
import { validateTempoConfig } from "../../tempo/validate.js";
import { DEFAULT_TLS_PATHS, type StorageSettings, type TempoSettings } from "../../tempo/settings.js";
import { type CoordinatorSettings, parseCoordinatorConfig } from "./config-options.js";
import { holdUntilFirstCertificate } from "./first-certificate-wait.js";
import type { IntegrationInputs } from "./integrations.js";
import { s3BucketRequest } from "./s3.js";
import { ingestApplication } from "./integrations/tracing-receivers.js";
import {
  type ClusterSummary,
  type Problem,
  decideStatus,
  invalidConfig,
  metricsGeneratorIdleNote,
  missingRoles,
  noReceivers,
  noWorkerRelations,
  invalidRole,
  rejectedWorker,
  replicationFactorTooHigh,
  scaledToZero,
  tempoConfigRejected,
} from "./status.js";
import { type S3RelationSnapshot, decideStorage } from "./storage.js";
import type { SettableStatus } from "../../juju/backend.js";

export interface CoordinatorIdentity {
  readonly appName: string;
  readonly modelName: string;
  readonly modelUuid: string;
}

export interface CoordinatorInputs {
  readonly identity: CoordinatorIdentity;
  readonly isLeader: boolean;
  /** `config-get` as Juju returns it; parsed here. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Every active `tempo-cluster` relation (a broken one is not listed, so nothing is written to it). */
  readonly workers: readonly WorkerRelation[];
  readonly s3?: S3RelationSnapshot;
  readonly integrations: IntegrationInputs;
}

export interface Publication {
  readonly relationId: number;
  readonly app: string;
  /** The complete provider application databag this relation should hold (encoded). */
  readonly databag: Databag;
}

export interface DesiredState {
  readonly status: { readonly status: SettableStatus; readonly message: string };
  /** Every problem found, for the log; the status shows the most severe. */
  readonly problems: readonly Problem[];
  readonly cluster: ClusterView;
  /**
   * Leader only, one per relation whose application takes part, sorted by relation id. A relation
   * not listed keeps whatever it holds: an incomplete cluster leaves the last config running.
   */
  readonly publications: readonly Publication[];
  /** Leader only: the bucket request in our `s3` application databag. */
  readonly s3Request?: { readonly relationId: number; readonly databag: Databag };
  /** The config every worker gets, when one could be built now. */
  readonly workerConfig?: string;
  /** Receivers Tempo runs (operator options ∪ tracing requests), sorted. */
  readonly enabledReceivers: readonly ReceiverProtocol[];
  /** What the Active message says, for a status decided again with problems found while applying. */
  readonly statusSummary: ClusterSummary;
}

/**
 * The application tracing clients send to (tracing-receivers.ts `ingestApplication`, over the
 * units that published an address), for the active status; only when a tracing client asked.
 */
function ingestSummary(cluster: ClusterView, hasTracingClients: boolean): Pick<ClusterSummary, "ingest"> {
  if (!hasTracingClients) return {};
  const workers = cluster.applications.map((application) => ({ app: application.application, role: application.role, unitCount: application.units.length }));
  const app = ingestApplication(workers);
  const units = workers.filter((worker) => worker.app === app).reduce((count, worker) => count + worker.unitCount, 0);
  return app === undefined ? {} : { ingest: { application: app, units } };
}

export function desiredState(inputs: CoordinatorInputs): DesiredState {
  const problems: Problem[] = [];
  const config = parseCoordinatorConfig(inputs.config);
  if (config.kind === "invalid") problems.push(...config.problems.map((problem) => invalidConfig(inputs.identity.appName, problem)));

  const cluster = parseCluster({ relations: inputs.workers });
  const coordinator = inputs.identity.appName;
  problems.push(...cluster.rejected.map((rejection) => rejectionProblem(rejection, inputs.workers, coordinator)));

  const missing = clusterMissingRoles(cluster);
  if (inputs.workers.length === 0) problems.push(noWorkerRelations(coordinator));
  else if (missing.length > 0) problems.push(missingRoles(missing, coordinator, scaledToZeroByRole(inputs.workers)));

  // Storage only matters once some worker takes part; before that "relate s3" would be premature
  // advice for someone about to deploy a single `all` node.
  const storage = cluster.applications.length > 0 ? decideStorage(inputs.s3, cluster, coordinator) : undefined;
  if (storage?.kind === "not-ready") problems.push(storage.problem);

  // Checked here rather than left to the builder so the message names the option and both counts.
  const ingesters = ingesterUnitCount(cluster);
  const wantedReplication = config.kind === "valid" ? config.settings.replicationFactor : "auto";
  const hasEnoughIngesters = wantedReplication === "auto" || wantedReplication <= ingesters;
  if (!hasEnoughIngesters && missing.length === 0) {
    problems.push(replicationFactorTooHigh(wantedReplication, ingesters, coordinator, firstIngesterApplication(cluster)));
  }
  problems.push(...inputs.integrations.problems);

  const receivers = enabledReceivers(config.kind === "valid" ? config.settings : undefined, inputs.integrations);
  // Tempo given an empty receivers map starts its own defaults on localhost: nothing could reach it.
  if (config.kind === "valid" && receivers.length === 0) problems.push(noReceivers(inputs.identity.appName));
  const canBuild =
    config.kind === "valid" &&
    cluster.applications.length > 0 &&
    missing.length === 0 &&
    storage?.kind === "ready" &&
    hasEnoughIngesters &&
    receivers.length > 0;
  let workerConfig: string | undefined;
  if (canBuild) {
    const built = buildWorkerConfig(cluster, tempoSettings(inputs, config.settings, storage.storage, receivers));
    if (built.kind === "refused") problems.push(built.problem);
    else workerConfig = built.text;
  }

  const ready =
    inputs.isLeader && workerConfig !== undefined && storage?.kind === "ready"
      ? publicationsFor(cluster, { workerConfig, storage: storage.storage, receivers, integrations: inputs.integrations })
      : [];
  const { publications, problems: waitProblems } = holdUntilFirstCertificate(
    ready,
    inputs.integrations.firstCertificate,
    inputs.identity.appName,
  );
  problems.push(...waitProblems);

  const s3Request =
    inputs.isLeader && inputs.s3
      ? { relationId: inputs.s3.id, databag: s3BucketRequest(inputs.identity.appName) }
      : undefined;

  const hasIdleMetricsGenerator =
    inputs.integrations.remoteWrite.length === 0 &&
    cluster.applications.some((application) => application.role === "metrics-generator");
  const statusSummary: ClusterSummary = {
    workerUnits: cluster.applications.reduce((count, application) => count + application.units.length, 0),
    applications: cluster.applications.length,
    storage: storage?.kind === "ready" ? storage.storage.kind : "s3",
    notes: hasIdleMetricsGenerator ? [metricsGeneratorIdleNote(coordinator)] : [],
    ...ingestSummary(cluster, inputs.integrations.requestedReceivers.length > 0),
  };
  const status = decideStatus(problems, statusSummary);

  return {
    status,
    problems,
    cluster,
    publications,
    enabledReceivers: receivers,
    statusSummary,
    ...(s3Request ? { s3Request } : {}),
    ...(workerConfig !== undefined ? { workerConfig } : {}),
  };
}

/** The union of the operator's `always_enable_*` options and what tracing relations request, sorted. */
export function enabledReceivers(
  settings: CoordinatorSettings | undefined,
  integrations: IntegrationInputs,
): ReceiverProtocol[] {
  const protocols = new Set<ReceiverProtocol>([
    ...(settings?.alwaysEnabledReceivers ?? []),
    ...integrations.requestedReceivers,
  ]);
  return [...protocols].sort();
}

/**
 * `memberlist.cluster_label`: unique per coordinator, so two Tempo clusters (or a Tempo and a
 * Loki) sharing a namespace never merge their gossip rings (field-notes §1.C). The model UUID
 * separates models, the application name separates coordinators within one.
 */
export function clusterLabel(identity: CoordinatorIdentity): string {
  return `${identity.appName}-${identity.modelUuid}`;
}

function tempoSettings(
  inputs: CoordinatorInputs,
  settings: CoordinatorSettings,
  storage: StorageSettings,
  receivers: readonly ReceiverProtocol[],
): TempoSettings {
  const tls = inputs.integrations.tls;
  return {
    storage,
    receivers: [...receivers],
    tls: tls ? { enabled: true, ...DEFAULT_TLS_PATHS, serverName: tls.serverName } : { enabled: false },
    remoteWrite: [...inputs.integrations.remoteWrite],
    retentionHours: settings.retentionHours,
    replicationFactor: settings.replicationFactor === "auto" ? 0 : settings.replicationFactor,
    tempoVersion: settings.tempoVersion,
    clusterLabel: clusterLabel(inputs.identity),
    modelName: inputs.identity.modelName,
  };
}

/**
 * Build, then check with the strict validator: the validator stands between the builder and every
 * worker, so a config Tempo would refuse is reported here instead of crash-looping the cluster.
 */
function buildWorkerConfig(
  cluster: ClusterView,
  settings: TempoSettings,
): { readonly kind: "built"; readonly text: string } | { readonly kind: "refused"; readonly problem: Problem } {
  const built = buildTempoConfig(cluster, settings);
  if (built.kind === "error") return { kind: "refused", problem: tempoConfigRejected(built.problems) };
  const invalid = validateTempoConfig(built.config, settings.tempoVersion);
  if (invalid.length > 0) {
    return {
      kind: "refused",
      problem: tempoConfigRejected(invalid.map((problem) => `${problem.path || "config"}: ${problem.message}`)),
    };
  }
  return { kind: "built", text: renderTempoConfig(built.config) };
}

interface SharedData {
  readonly workerConfig: string;
  readonly storage: StorageSettings;
  readonly receivers: readonly ReceiverProtocol[];
  readonly integrations: IntegrationInputs;
}

/**
 * One provider databag per taking-part application: the same config and shared data for all,
 * `worker_ports` from that application's role. Sorted by relation id.
 */
function publicationsFor(cluster: ClusterView, shared: SharedData): Publication[] {
  const receiverPorts = shared.receivers.map((protocol) => RECEIVER_PORTS[protocol]);
  const { tls, lokiEndpoints, charmTracingReceivers, workloadTracingReceivers, remoteWrite } = shared.integrations;
  const common = {
    worker_config: shared.workerConfig,
    s3_tls_ca_cert: shared.storage.kind === "s3" ? shared.storage.caCert : undefined,
    ca_cert: tls?.caCert,
    server_cert: tls?.serverCert,
    privkey_secret_id: tls?.privkeySecretId,
    loki_endpoints: lokiEndpoints && Object.keys(lokiEndpoints).length > 0 ? { ...lokiEndpoints } : undefined,
    remote_write_endpoints: remoteWrite.length > 0 ? remoteWrite.map((endpoint) => ({ url: endpoint.url })) : undefined,
    charm_tracing_receivers: charmTracingReceivers ? { ...charmTracingReceivers } : undefined,
    workload_tracing_receivers: workloadTracingReceivers ? { ...workloadTracingReceivers } : undefined,
  };
  return cluster.applications
    .map((application) => ({
      relationId: application.relationId,
      app: application.application,
      databag: providerDatabag({ ...common, worker_ports: workerPorts(application.role, receiverPorts) }),
    }))
    .sort((a, b) => a.relationId - b.relationId);
}

/**
 * A worker that has not published yet is something to wait for; data that is there but wrong
 * needs someone to fix that worker.
 */
function rejectionProblem(rejection: Rejection, relations: readonly WorkerRelation[], coordinator: string): Problem {
  const relation = relations.find((candidate) => candidate.id === rejection.relationId);
  const subject = rejection.unit ?? rejection.application;
  if (relation === undefined) return rejectedWorker(subject, rejection.reasons);
  if (rejection.unit === undefined && relation.units.length === 0) return scaledToZero(rejection.application, coordinator);
  if (hasNotPublishedYet(relation, rejection.unit)) {
    return { severity: "waiting", message: `waiting for ${subject} to publish its data` };
  }
  const role = rejection.unit === undefined ? publishedRole(relation.appData) : undefined;
  return role === undefined ? rejectedWorker(subject, rejection.reasons) : invalidRole(rejection.application, role);
}

/** Role → the related worker applications that published it but have no units, for missingRoles. */
function scaledToZeroByRole(relations: readonly WorkerRelation[]): Record<string, string[]> {
  const byRole: Record<string, string[]> = {};
  for (const relation of relations) {
    if (relation.units.length > 0) continue;
    const appData = decodeRequirerAppDatabag(relation.appData);
    if (appData.kind !== "valid") continue;
    for (const role of expandRole(appData.data.role)) (byRole[role] ??= []).push(relation.app);
  }
  return byRole;
}

/** The application whose units the ingester count starts with (sorted, so always the same one). */
function firstIngesterApplication(cluster: ClusterView): string | undefined {
  return cluster.applications.find((application) => expandRole(application.role).includes("ingester"))?.application;
}

/** A unit with an empty bag, or an application with no role yet or whose units all have empty bags. */
function hasNotPublishedYet(relation: WorkerRelation, unit: string | undefined): boolean {
  const isUnitBagEmpty = (data: Databag) => decodeRequirerUnitDatabag(data).kind === "absent";
  if (unit !== undefined) return isUnitBagEmpty(relation.units.find((candidate) => candidate.name === unit)?.data ?? {});
  const role = decodeRequirerAppDatabag(relation.appData).kind;
  return role === "absent" || (role === "valid" && relation.units.every((candidate) => isUnitBagEmpty(candidate.data)));
}

/** The role an application published, as text, when it published one we refused. */
function publishedRole(appData: Databag): string | undefined {
  const raw = appData.role;
  if (raw === undefined || decodeRequirerAppDatabag(appData).kind !== "invalid") return undefined;
  try {
    const decoded: unknown = JSON.parse(raw);
    return typeof decoded === "string" ? decoded : raw;
  } catch {
    return raw;
  }
}
