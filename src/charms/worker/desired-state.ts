/**
 * The worker's whole decision, pure: from what the hook observed (config, relation data, the key
 * secret, the container) to what should be true afterwards (databags, ports, workload, status).
 *
 * The rules (spec §4, python-reference §4, field-notes §1 B4/E/F):
 * - identity is published as soon as the relation exists, whether or not the container is up;
 * - the role is published only when exactly one role option is on, and withdrawn otherwise;
 * - Tempo only ever runs a config that passed the strict validator; any problem with new data
 *   (missing, invalid, unusable, a key we cannot read yet, a role Tempo cannot start) keeps what
 *   runs running, and the status says what is wrong and what fixes it;
 * - only losing the relation tears the workload down.
 */
import type { Parsed } from "../../interface/parsed.js";
import { requirerAppDatabag, requirerUnitDatabag, type ProviderConfig } from "../../interface/requirer.js";
import type { SettableStatus } from "../../juju/backend.js";
import type { Role } from "../../interface/roles.js";
import { LOG_TARGET_PREFIX, SERVICE_NAME, workerLayer, type WorkloadIdentity } from "./layer.js";
import { desiredWorkerPorts } from "./ports.js";
import type { DesiredWorkload, ObservedWorkload } from "./restart-plan.js";
import type { RoleSelection } from "./role-config.js";
import { workerConfigText } from "./worker-config.js";
import { workloadFiles } from "./workload-files.js";
import type { Readiness } from "./readiness.js";

export type ClusterInput =
  | { readonly kind: "none" }
  | {
      readonly kind: "related";
      readonly relationId: number;
      /** The coordinator application's name, for status messages. */
      readonly coordinator: string;
      readonly provider: Parsed<ProviderConfig>;
    };

/** The private key behind `privkey_secret_id`, read at its latest revision. */
export type PrivateKeyInput =
  | { readonly kind: "not-shared" }
  | { readonly kind: "found"; readonly privateKey: string }
  | { readonly kind: "unavailable"; readonly secretId: string; readonly reason: string };

export type ConfigCheck = { readonly kind: "valid" } | { readonly kind: "invalid"; readonly reasons: readonly string[] };

export type ContainerInput =
  | { readonly kind: "unreachable" }
  | { readonly kind: "reachable"; readonly observed: ObservedWorkload };

export interface WorkerInputs {
  readonly identity: WorkloadIdentity;
  /** This unit's FQDN, published as `address`. */
  readonly unitAddress: string;
  readonly isLeader: boolean;
  readonly role: RoleSelection;
  readonly cluster: ClusterInput;
  readonly privateKey: PrivateKeyInput;
  readonly container: ContainerInput;
  /** The Tempo release in the workload image, for messages. */
  readonly tempoVersion: string;
  /** The strict Tempo validator, for the config text about to be written. */
  readonly checkConfig: (text: string) => ConfigCheck;
}

/** Databag keys to set (a string) or delete (undefined) on the cluster relation. */
export type DatabagChanges = Readonly<Record<string, string | undefined>>;

export type StatusDecision =
  | { readonly kind: "fixed"; readonly status: SettableStatus; readonly message: string }
  /** Tempo should be running: Active once its ready check passes, Waiting until then. */
  | { readonly kind: "when-ready"; readonly role: Role; readonly activeMessage: string };

export interface WorkerDesiredState {
  readonly relationId: number | undefined;
  /** Leader only; undefined = leave the application bag alone. */
  readonly appData: DatabagChanges | undefined;
  readonly unitData: DatabagChanges | undefined;
  /** The TCP ports to have open, or undefined to leave them as they are. */
  readonly ports: readonly number[] | undefined;
  /** Undefined while the container is unreachable: nothing can be done to it. */
  readonly workload: DesiredWorkload | undefined;
  readonly status: StatusDecision;
  /** Problems worth a log line that the status does not spell out in full. */
  readonly logs: readonly string[];
}

const HOLD: DesiredWorkload = { kind: "hold" };

export function decideWorkerState(inputs: WorkerInputs): WorkerDesiredState {
  const { cluster, container } = inputs;
  const app = inputs.identity.application;
  const logs: string[] = [];

  if (cluster.kind === "none") {
    return {
      relationId: undefined,
      appData: undefined,
      unitData: undefined,
      // Tempo is stopped: nothing to reach (the Python worker opens its legacy set here, issue #15).
      ports: [],
      workload: container.kind === "reachable" ? { kind: "stopped", serviceName: SERVICE_NAME } : undefined,
      status: roleBlocked(inputs.role) ?? {
        kind: "fixed",
        status: "blocked",
        message: `relate to a tempo coordinator: juju integrate ${app}:tempo-cluster <tempo-coordinator>`,
      },
      logs,
    };
  }

  const identityBag = requirerUnitDatabag({
    topology: {
      model: inputs.identity.model,
      model_uuid: inputs.identity.modelUuid,
      application: inputs.identity.application,
      unit: inputs.identity.unit,
      charm_name: inputs.identity.charmName,
    },
    address: inputs.unitAddress,
  });
  if (identityBag.kind === "invalid") logs.push(`cannot publish this unit's identity: ${identityBag.reasons.join("; ")}`);

  const common = {
    relationId: cluster.relationId,
    unitData: identityBag.kind === "valid" ? identityBag.data : undefined,
    logs,
  };

  const role = inputs.role;
  if (role.kind === "invalid") {
    // Withdraw a role published earlier: a coordinator must not count this application as
    // covering a role it no longer runs (python-reference §6 #12). What runs keeps running.
    return {
      ...common,
      appData: inputs.isLeader ? { role: undefined } : undefined,
      ports: undefined,
      workload: container.kind === "reachable" ? HOLD : undefined,
      status: roleBlocked(role)!,
    };
  }
  const appData = inputs.isLeader ? requirerAppDatabag(role.role) : undefined;

  const isRunningLastGood =
    container.kind === "reachable" &&
    (container.observed.serviceState === "active" || container.observed.serviceState === "backoff");
  const keeping = isRunningLastGood ? "Tempo keeps running its last good config" : "Tempo not started";
  const holding = (status: SettableStatus, message: string, ports?: readonly number[]): WorkerDesiredState => ({
    ...common,
    appData,
    ports,
    workload: container.kind === "reachable" ? HOLD : undefined,
    status: { kind: "fixed", status, message },
  });

  const provider = cluster.provider;
  if (provider.kind === "absent") {
    // No config yet, so Tempo has not started: no ports until it has something to serve.
    return holding(
      "waiting",
      `waiting for the coordinator's config: ${cluster.coordinator} has not published worker_config yet`,
      isRunningLastGood ? undefined : [],
    );
  }
  if (provider.kind === "invalid") {
    logs.push(`${cluster.coordinator} published invalid tempo-cluster data: ${provider.reasons.join("; ")}`);
    return holding(
      "blocked",
      `${cluster.coordinator} published unusable tempo-cluster data (${summarise(provider.reasons)}); ${keeping}`,
    );
  }

  const data = provider.data;
  const ports = desiredWorkerPorts(data.workerPorts);
  if (container.kind === "unreachable") {
    return holding("waiting", "waiting for the tempo container: Pebble is not reachable yet", ports);
  }

  const configText = workerConfigText(data.workerConfig, role.role, inputs.identity);
  const check = inputs.checkConfig(configText);
  if (check.kind === "invalid") {
    logs.push(`${cluster.coordinator}'s Tempo config fails validation for Tempo ${inputs.tempoVersion}: ${check.reasons.join("; ")}`);
    return holding(
      "blocked",
      `the Tempo config from ${cluster.coordinator} is unusable for Tempo ${inputs.tempoVersion} (${summarise(check.reasons)}); ${keeping}`,
      ports,
    );
  }

  const hasRemoteWrite = (data.remoteWriteEndpoints ?? []).length > 0;
  if (role.role === "metrics-generator" && !hasRemoteWrite) {
    // Tempo's metrics-generator cannot do anything without somewhere to write; starting it only
    // crash-loops (field-notes §1 A7). The fix is on the coordinator's side.
    return holding(
      "blocked",
      `metrics-generator needs a Prometheus remote-write endpoint: juju integrate ${cluster.coordinator}:send-remote-write <prometheus>`,
      ports,
    );
  }

  let privateKey: string | undefined;
  if (inputs.privateKey.kind === "unavailable") {
    logs.push(`TLS private key secret ${inputs.privateKey.secretId}: ${inputs.privateKey.reason}`);
    return holding("waiting", `waiting for ${cluster.coordinator} to grant the TLS private key secret (${inputs.privateKey.reason})`, ports);
  }
  if (inputs.privateKey.kind === "found") privateKey = inputs.privateKey.privateKey;

  const tls = { caCert: data.tls.caCert, serverCert: data.tls.serverCert, privateKey };
  const isTlsEnabled = Boolean(tls.caCert && tls.serverCert && tls.privateKey);
  const workloadTracingOtlpHttpUrl = data.workloadTracingReceivers?.otlp_http;
  const layer = workerLayer({
    role: role.role,
    isTlsEnabled,
    unitAddress: inputs.unitAddress,
    workloadTracingOtlpHttpUrl,
    identity: inputs.identity,
    lokiEndpoints: data.lokiEndpoints,
    existingLogTargets: ownedLogTargets(container.observed),
  });
  const files = workloadFiles({ configText, tls, s3CaCert: data.s3TlsCaCert });

  const activeMessage =
    role.role === "all" && !hasRemoteWrite
      ? `all ready; metrics-generator off until the coordinator has a remote-write endpoint: juju integrate ${cluster.coordinator}:send-remote-write <prometheus>`
      : `${role.role} ready`;
  return {
    ...common,
    appData,
    ports,
    workload: { kind: "run", serviceName: SERVICE_NAME, files, layer },
    status: { kind: "when-ready", role: role.role, activeMessage },
  };
}

/** The log targets this charm added earlier, by name → location. */
function ownedLogTargets(observed: ObservedWorkload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(observed.plan["log-targets"])
      .filter(([name]) => name.startsWith(LOG_TARGET_PREFIX))
      .map(([name, target]) => [name, target.location]),
  );
}

function roleBlocked(role: RoleSelection): StatusDecision | undefined {
  return role.kind === "invalid" ? { kind: "fixed", status: "blocked", message: role.message } : undefined;
}

/** The first reason, and how many more there are (the log has them all). */
function summarise(reasons: readonly string[]): string {
  const first = reasons[0] ?? "no reason given";
  return reasons.length > 1 ? `${first}; and ${reasons.length - 1} more, see juju debug-log` : first;
}

/** What the hook learnt about the running Tempo. */
export interface WorkloadHealth {
  readonly readiness: Readiness;
  /** Tempo does not stay up: Pebble's start error, or the service found in backoff/error. */
  readonly crash?: { readonly reason: string; readonly lastLogLine?: string | undefined; readonly isRetrying: boolean };
}

/** Longest log line quoted in a status (Juju shows statuses on one line; the log has the rest). */
const STATUS_LOG_LINE_MAX = 160;

/**
 * The status once the workload was handled, given what Pebble says about Tempo now and, if
 * `update-ca-certificates` failed, why: the container's system trust store then lacks the
 * cluster's CA, which no amount of waiting fixes.
 *
 * A Tempo that does not stay up is Blocked, not a failed hook and not Waiting (field-notes §1
 * A8): the hook still commits its relation data, Pebble's backoff keeps restarting Tempo on its
 * own (nothing here retries or sleeps), and a process that exits at once (a port taken, a config
 * Tempo refuses) needs someone to look, which is what Blocked asks for. The status clears by
 * itself: once Tempo stays up its ready check recovers, Juju runs pebble-check-recovered, and
 * this hook finds it ready.
 */
export function finalStatus(
  decision: StatusDecision,
  health: WorkloadHealth,
  caTrustFailure?: string,
): { status: SettableStatus; message: string } {
  if (decision.kind === "fixed") return { status: decision.status, message: decision.message };
  if (caTrustFailure !== undefined) {
    return { status: "blocked", message: `cannot trust the coordinator's CA: ${caTrustFailure}; the container's system trust store lacks it until it does (retried every hook)` };
  }
  if (health.crash !== undefined) {
    const { reason, lastLogLine, isRetrying } = health.crash;
    const retrying = isRetrying ? "Pebble keeps restarting it with backoff" : "Pebble stopped restarting it; the next hook starts it again";
    const said = lastLogLine === undefined ? "" : `; Tempo's last log line: ${truncate(lastLogLine, STATUS_LOG_LINE_MAX)}`;
    return { status: "blocked", message: `Tempo does not stay up (${startErrorCause(reason)}); ${retrying}${said} (more in juju debug-log)` };
  }
  const readiness = health.readiness;
  switch (readiness.kind) {
    case "ready":
      return { status: "active", message: decision.activeMessage };
    case "starting":
      return { status: "waiting", message: `${decision.role} starting: Tempo not ready yet (ring settling); waiting for GET :3200/ready to pass` };
    case "not-ready":
      return { status: "waiting", message: `${decision.role} not ready: GET :3200/ready failed ${readiness.failures} times in a row` };
    case "unknown":
      return { status: "waiting", message: `${decision.role} started, waiting for Tempo's ready check (GET :3200/ready)` };
  }
}

/** The cause inside Pebble's change error: `… - Start service "tempo" (<cause>)` → `<cause>`. */
function startErrorCause(reason: string): string {
  const inner = /\(([^()]*)\)\s*$/.exec(reason);
  return inner ? inner[1]! : reason;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A unit's stable FQDN on Kubernetes (the pod's name in the headless service), kept here for the worker's callers. */
export { kubernetesUnitFqdn } from "../../juju/kubernetes-names.js";
