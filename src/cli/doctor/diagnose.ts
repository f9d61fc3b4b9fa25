/**
 * The doctor's diagnosis, pure: `juju show-unit` output in, a report out. It finds the coordinator
 * unit, feeds its worker relations through the coordinator's own decision (`desiredState`, with
 * settings inferred from the published config), and compares the `worker_config` workers were
 * given with the one this implementation computes now.
 */
import YAML from "yaml";
import { type CoordinatorInputs, desiredState } from "../../charms/coordinator/desired-state.js";
import type { IntegrationInputs } from "../../charms/coordinator/integrations.js";
import type { Problem } from "../../charms/coordinator/status.js";
import type { ClusterView, Rejection } from "../../interface/cluster-view.js";
import { decodeProviderAppDatabag, decodeRequirerAppDatabag } from "../../interface/databag-codec.js";
import { clusterMissingRoles, compareUnitNames, coveredRoles, type WorkerRelation } from "../../interface/provider.js";
import type { StatusValue } from "../../juju/backend.js";
import { type DiffLine, diffLines } from "./line-diff.js";
import { type ConfigValue, inferSettings } from "./settings-inference.js";
import { applicationOfUnit, type ShowUnitInfo, type ShowUnitOutput, type ShowUnitRelation } from "./show-unit.js";

export const CLUSTER_ENDPOINT = "tempo-cluster";
export const S3_ENDPOINT = "s3";

export interface DoctorOptions {
  /** The coordinator unit to diagnose; found automatically when the input makes it unambiguous. */
  readonly coordinatorUnit?: string;
  /** `--config key=value` options, overriding what is inferred. */
  readonly configOverrides?: Readonly<Record<string, ConfigValue>>;
}

export interface WorkerUnitReport {
  readonly name: string;
  readonly inScope: boolean;
  /** The published address, verbatim (may be invalid). */
  readonly address: string | null;
  readonly state: "joined" | "invalid" | "not-in-scope";
  readonly reasons: readonly string[];
}

export interface WorkerApplicationReport {
  readonly relationId: number;
  readonly application: string;
  /** The role as published (decoded), or null when absent or not decodable. */
  readonly role: string | null;
  readonly state: "taking-part" | "left-out";
  readonly reasons: readonly string[];
  readonly units: readonly WorkerUnitReport[];
}

export type PublishedConfig =
  | { readonly kind: "found"; readonly seenBy: readonly string[]; readonly text: string; readonly isSameForAll: boolean }
  | { readonly kind: "invalid"; readonly seenBy: string; readonly reasons: readonly string[] }
  | { readonly kind: "not-visible"; readonly hint: string };

export type ConfigComparison =
  | { readonly kind: "matches" }
  | { readonly kind: "differs"; readonly diff: readonly DiffLine[] }
  | { readonly kind: "not-comparable"; readonly reason: string };

export interface DoctorReport {
  readonly coordinator: { readonly unit: string; readonly application: string; readonly isLeader: boolean; readonly charm: string };
  readonly workers: readonly WorkerApplicationReport[];
  readonly coveredRoles: readonly string[];
  readonly missingRoles: readonly string[];
  readonly storage: string;
  /** What the coordinator's status would be, computed now. */
  readonly expectedStatus: StatusValue;
  readonly expectedProblems: readonly Problem[];
  readonly published: PublishedConfig;
  readonly expectedConfig: string | null;
  readonly comparison: ConfigComparison;
  readonly assumptions: readonly string[];
  /** One line per thing an operator should act on; empty when healthy. */
  readonly findings: readonly string[];
}

export type Diagnosis = { kind: "report"; report: DoctorReport } | { kind: "cannot-diagnose"; message: string };

const isClusterRelation = (relation: ShowUnitRelation) => relation.endpoint === CLUSTER_ENDPOINT;

/** A unit looks like a coordinator when its tempo-cluster peers publish what workers publish. */
function looksLikeCoordinator(info: ShowUnitInfo): boolean {
  return info["relation-info"].some(
    (relation) =>
      isClusterRelation(relation) &&
      ("role" in relation["application-data"] ||
        Object.values(relation["related-units"]).some((unit) => "juju_topology" in unit.data || "address" in unit.data)),
  );
}

/** A worker's tempo-cluster data is a coordinator's: it holds worker_config. */
function looksLikeWorker(info: ShowUnitInfo): boolean {
  return info["relation-info"].some((relation) => isClusterRelation(relation) && "worker_config" in relation["application-data"]);
}

function findCoordinator(units: ShowUnitOutput, requested: string | undefined): { kind: "found"; unit: string } | { kind: "missing"; message: string } {
  const names = Object.keys(units).sort(compareUnitNames);
  if (requested !== undefined) {
    return requested in units
      ? { kind: "found", unit: requested }
      : { kind: "missing", message: `unit ${requested} is not in the input (it has ${names.join(", ")})` };
  }
  const candidates = names.filter((name) => looksLikeCoordinator(units[name] as ShowUnitInfo));
  const leader = candidates.find((name) => units[name]?.leader);
  const chosen = leader ?? candidates[0];
  if (chosen !== undefined) return { kind: "found", unit: chosen };
  const workers = names.filter((name) => looksLikeWorker(units[name] as ShowUnitInfo));
  if (workers.length === names.length) {
    return {
      kind: "missing",
      message:
        `${names.join(", ")} ${names.length === 1 ? "is a worker" : "are workers"} (${CLUSTER_ENDPOINT} holds a coordinator's worker_config); ` +
        `show the coordinator too: juju show-unit <coordinator-unit> ${names.join(" ")} --format=json`,
    };
  }
  // A coordinator with no worker publishing yet looks like nothing in particular.
  if (names.length === 1) return { kind: "found", unit: names[0] as string };
  return {
    kind: "missing",
    message: `cannot tell which of ${names.join(", ")} is the coordinator (none has workers on ${CLUSTER_ENDPOINT}); pass --unit <coordinator unit>`,
  };
}

/** The remote application of a relation: from its units' names (show-unit does not print it). */
function remoteApplication(relation: ShowUnitRelation, fallbackId: number): string {
  const unit = Object.keys(relation["related-units"]).sort(compareUnitNames)[0];
  return unit !== undefined ? applicationOfUnit(unit) : `(relation ${fallbackId}: no units)`;
}

function workerRelations(coordinator: ShowUnitInfo): Array<{ relation: ShowUnitRelation; view: WorkerRelation }> {
  return coordinator["relation-info"]
    .filter(isClusterRelation)
    .map((relation, index) => {
      const id = relation["relation-id"] ?? index;
      const inScopeUnits = Object.entries(relation["related-units"])
        .filter(([, unit]) => unit["in-scope"])
        .map(([name, unit]) => ({ name, data: unit.data }))
        .sort((a, b) => compareUnitNames(a.name, b.name));
      return {
        relation,
        view: { id, app: remoteApplication(relation, id), appData: relation["application-data"], units: inScopeUnits },
      };
    })
    .sort((a, b) => a.view.id - b.view.id);
}

function describeRole(appData: Readonly<Record<string, string>>): string | null {
  const decoded = decodeRequirerAppDatabag(appData);
  if (decoded.kind === "valid") return decoded.data.role;
  const raw = appData.role;
  if (raw === undefined) return null;
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === "string" ? value : raw;
  } catch {
    return raw;
  }
}

function rejectionsFor(cluster: ClusterView, relationId: number, unit?: string): Rejection[] {
  return cluster.rejected.filter((rejection) => rejection.relationId === relationId && rejection.unit === unit);
}

function reportWorkers(relations: ReturnType<typeof workerRelations>, cluster: ClusterView): WorkerApplicationReport[] {
  return relations.map(({ relation, view }) => {
    const takingPart = cluster.applications.some((application) => application.relationId === view.id);
    const units = Object.entries(relation["related-units"])
      .sort(([a], [b]) => compareUnitNames(a, b))
      .map(([name, unit]): WorkerUnitReport => {
        const address = unit.data.address;
        let published: string | null = null;
        if (address !== undefined) {
          try {
            const value: unknown = JSON.parse(address);
            published = typeof value === "string" ? value : address;
          } catch {
            published = address;
          }
        }
        if (!unit["in-scope"]) {
          return { name, inScope: false, address: published, state: "not-in-scope", reasons: ["not in scope: departed, or still joining"] };
        }
        const reasons = rejectionsFor(cluster, view.id, name).flatMap((rejection) => rejection.reasons);
        return { name, inScope: true, address: published, state: reasons.length === 0 ? "joined" : "invalid", reasons };
      });
    return {
      relationId: view.id,
      application: view.app,
      role: describeRole(view.appData),
      state: takingPart ? "taking-part" : "left-out",
      reasons: rejectionsFor(cluster, view.id).flatMap((rejection) => rejection.reasons),
      units,
    };
  });
}

/**
 * The `worker_config` as published: from worker units in the input (their tempo-cluster
 * `application-data` is the coordinator's databag), or from the coordinator's own relation data as
 * Juju 2.8 and older printed it.
 */
function findPublished(units: ShowUnitOutput, coordinatorUnit: string, coordinatorApp: string): PublishedConfig {
  const seen: Array<{ unit: string; bag: Readonly<Record<string, string>> }> = [];
  for (const [name, info] of Object.entries(units).sort(([a], [b]) => compareUnitNames(a, b))) {
    for (const relation of info["relation-info"].filter(isClusterRelation)) {
      const bag = relation["application-data"];
      if (!("worker_config" in bag)) continue;
      const fromCoordinator =
        name === coordinatorUnit || Object.keys(relation["related-units"]).some((unit) => applicationOfUnit(unit) === coordinatorApp);
      if (fromCoordinator) seen.push({ unit: name, bag });
    }
  }
  if (seen.length === 0) {
    return {
      kind: "not-visible",
      hint:
        "Juju shows a unit the *related* application's databag, so the coordinator's worker_config is only in a worker's view: " +
        `juju show-unit ${coordinatorUnit} <worker-unit> --format=json | tempo-cluster doctor -`,
    };
  }
  const texts: Array<{ unit: string; text: string }> = [];
  for (const { unit, bag } of seen) {
    const decoded = decodeProviderAppDatabag(bag);
    if (decoded.kind === "invalid") return { kind: "invalid", seenBy: unit, reasons: decoded.reasons };
    if (decoded.kind === "valid") texts.push({ unit, text: decoded.data.worker_config });
  }
  const first = texts[0];
  if (first === undefined) return { kind: "not-visible", hint: "no worker_config in the provider databag" };
  return {
    kind: "found",
    seenBy: [...new Set(texts.map((entry) => entry.unit))],
    text: first.text,
    isSameForAll: texts.every((entry) => entry.text === first.text),
  };
}

/** Model name and UUID: from the workers' published topology, else from the cluster label. */
function modelIdentity(relations: readonly WorkerRelation[], coordinatorApp: string, clusterLabel: string | undefined): { name: string; uuid: string; assumption?: string } {
  for (const relation of relations) {
    for (const unit of relation.units) {
      try {
        const topology = JSON.parse(unit.data.juju_topology ?? "null") as { model?: unknown; model_uuid?: unknown } | null;
        if (typeof topology?.model === "string" && typeof topology.model_uuid === "string") {
          return { name: topology.model, uuid: topology.model_uuid };
        }
      } catch {
        // an invalid topology is reported with its unit; try the next one
      }
    }
  }
  const prefix = `${coordinatorApp}-`;
  const uuid = clusterLabel?.startsWith(prefix) ? clusterLabel.slice(prefix.length) : "unknown-model-uuid";
  return { name: "unknown-model", uuid, assumption: "model name unknown: no worker published its juju_topology" };
}

export function diagnose(units: ShowUnitOutput, options: DoctorOptions = {}): Diagnosis {
  const found = findCoordinator(units, options.coordinatorUnit);
  if (found.kind === "missing") return { kind: "cannot-diagnose", message: found.message };
  const coordinatorUnit = found.unit;
  const coordinator = units[coordinatorUnit] as ShowUnitInfo;
  const coordinatorApp = applicationOfUnit(coordinatorUnit);

  const relations = workerRelations(coordinator);
  const published = findPublished(units, coordinatorUnit, coordinatorApp);
  const publishedDocument = published.kind === "found" ? safeParseYaml(published.text) : undefined;
  const inferred = inferSettings(publishedDocument, options.configOverrides ?? {});
  const model = modelIdentity(
    relations.map((entry) => entry.view),
    coordinatorApp,
    inferred.clusterLabel,
  );
  const assumptions = [...inferred.assumptions];
  if (model.assumption) assumptions.push(model.assumption);

  const s3Relation = coordinator["relation-info"].find((relation) => relation.endpoint === S3_ENDPOINT);
  const integrations: IntegrationInputs = {
    requestedReceivers: inferred.receivers,
    remoteWrite: inferred.remoteWriteUrls.map((url) => ({ url })),
    problems: [],
    ...(inferred.tlsServerName !== undefined
      ? { tls: { caCert: "(not shown)", serverCert: "(not shown)", privkeySecretId: "(not shown)", serverName: inferred.tlsServerName } }
      : {}),
  };
  const inputs: CoordinatorInputs = {
    identity: { appName: coordinatorApp, modelName: model.name, modelUuid: model.uuid },
    // Computed as the leader would: only the leader publishes, whichever unit was shown.
    isLeader: true,
    config: inferred.config,
    workers: relations.map((entry) => entry.view),
    ...(s3Relation
      ? {
          s3: {
            id: s3Relation["relation-id"] ?? 0,
            app: remoteApplication(s3Relation, s3Relation["relation-id"] ?? 0),
            providerData: s3Relation["application-data"],
          },
        }
      : {}),
    integrations,
  };
  const desired = desiredState(inputs);
  const workers = reportWorkers(relations, desired.cluster);
  const covered = coveredRoles(desired.cluster);
  const missing = clusterMissingRoles(desired.cluster);

  const comparison: ConfigComparison =
    published.kind !== "found"
      ? { kind: "not-comparable", reason: published.kind === "invalid" ? "the published databag is invalid" : "no published worker_config in the input" }
      : desired.workerConfig === undefined
        ? { kind: "not-comparable", reason: "this implementation would publish nothing now (see the expected status)" }
        : published.text === desired.workerConfig
          ? { kind: "matches" }
          : { kind: "differs", diff: diffLines(published.text, desired.workerConfig) };

  const findings: string[] = [];
  if (relations.length === 0) findings.push(`no worker is related: juju integrate ${coordinatorApp}:${CLUSTER_ENDPOINT} <worker>`);
  if (missing.length > 0) findings.push(`missing roles: ${missing.join(", ")}`);
  for (const worker of workers) {
    if (worker.state === "left-out") findings.push(`${worker.application} (relation ${worker.relationId}) is left out: ${worker.reasons.join("; ")}`);
    for (const unit of worker.units) {
      if (unit.state === "invalid") findings.push(`${unit.name} has an invalid databag: ${unit.reasons.join("; ")}`);
    }
  }
  if (published.kind === "invalid") findings.push(`the worker_config seen by ${published.seenBy} is invalid: ${published.reasons.join("; ")}`);
  if (published.kind === "found" && !published.isSameForAll) findings.push(`workers see different worker_config values (${published.seenBy.join(", ")})`);
  if (comparison.kind === "differs") findings.push("the published worker_config differs from what this implementation computes now");
  // The coordinator's other problems (storage, config, replication), without repeating the
  // rejected workers and missing roles listed above.
  const alreadyListed = [
    "missing roles:",
    ...desired.cluster.rejected.map((rejection) => `${rejection.unit ?? rejection.application}:`),
  ];
  for (const problem of desired.problems) {
    if (!alreadyListed.some((prefix) => problem.message.startsWith(prefix))) findings.push(`the coordinator would be ${problem.severity}: ${problem.message}`);
  }

  return {
    kind: "report",
    report: {
      coordinator: { unit: coordinatorUnit, application: coordinatorApp, isLeader: coordinator.leader, charm: coordinator.charm },
      workers,
      coveredRoles: covered,
      missingRoles: missing,
      storage: describeStorage(s3Relation, desired.cluster),
      expectedStatus: desired.status,
      expectedProblems: desired.problems,
      published,
      expectedConfig: desired.workerConfig ?? null,
      comparison,
      assumptions,
      findings: [...new Set(findings)],
    },
  };
}

function describeStorage(s3Relation: ShowUnitRelation | undefined, cluster: ClusterView): string {
  if (s3Relation) {
    const bag = s3Relation["application-data"];
    const provider = remoteApplication(s3Relation, s3Relation["relation-id"] ?? 0);
    if (bag.bucket === undefined && bag.endpoint === undefined) return `s3 related (${provider}), but it has shared no bucket yet`;
    return `s3 bucket ${bag.bucket ?? "(none)"} at ${bag.endpoint ?? "(no endpoint)"} from ${provider}`;
  }
  const units = cluster.applications.reduce((count, application) => count + application.units.length, 0);
  return units === 1 && cluster.applications[0]?.role === "all" ? "local (a single all unit; no s3 related)" : "none: no s3 relation";
}

function safeParseYaml(text: string): unknown {
  try {
    return YAML.parse(text, { version: "1.1" });
  } catch {
    return undefined;
  }
}
