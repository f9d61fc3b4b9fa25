/**
 * The tempo-worker charm: one reconcile for every hook.
 *
 * Gather what the hook can observe (config, the tempo-cluster relation and the coordinator's data,
 * the private-key secret, the container), decide the whole desired state in decideWorkerState
 * (pure), then apply the difference: databags and ports through the model (which sends only what
 * changed), files, layer and service through restart-plan and Pebble, and finally the status.
 * The event is never consulted: relation-broken is seen as "no active relation", and the
 * workload version is asked whenever the container does not hold the answer yet.
 */
import * as z from "zod";
import type { Charm } from "../../juju/charm.js";
import type { TracingDestination } from "../../juju/hook-tracing.js";
import { PebbleConnectionError, type CheckInfo, type PebbleClient } from "../../juju/pebble.js";
import type { Model, Relation } from "../../juju/model.js";
import { readProviderDatabag } from "../../interface/requirer.js";
import { validateTempoConfigText } from "../../tempo/validate.js";
import {
  decideWorkerState,
  finalStatus,
  kubernetesUnitFqdn,
  type ClusterInput,
  type ConfigCheck,
  type ContainerInput,
  type PrivateKeyInput,
  type WorkloadHealth,
} from "./desired-state.js";
import { LAYER_LABEL, READY_CHECK_NAME, SERVICE_NAME, type WorkloadIdentity } from "./layer.js";
import { CHARM_NAME, CLUSTER_ENDPOINT, CONTAINER_NAME, TEMPO_VERSION, workerMeta } from "./meta.js";
import { podFqdn, readPodHosts, type PodHosts } from "../../juju/pod-fqdn.js";
import { planWorkload, type WorkloadActions } from "./restart-plan.js";
import { GENERATION_KEY, PEERS_ENDPOINT, READY_KEY, publishesRolloutState, readPeerState, rolloutGate, rolloutGeneration, type RolloutGate } from "./rollout.js";
import { selectRole } from "./role-config.js";
import { judgeReadiness, parseBaseline, type ReadyBaseline } from "./readiness.js";
import { READY_BASELINE_PATH } from "./workload-files.js";
import {
  applyWorkloadActions,
  lastLogLines,
  learnWorkloadVersion,
  observeWorkload,
  recordReadyBaseline,
  type CaTrustOutcome,
} from "./workload-sync.js";

/** The content key of the coordinator's private-key secret (spec §2.3). */
const PRIVATE_KEY_CONTENT_KEY = "private-key";

/** What a unit waiting for its turn in a rollout does to its container: nothing. */
const UNCHANGED: WorkloadActions = { pushes: [], removals: [], layer: undefined, service: "none", restartReasons: [], updatesCaTrust: false };

/** The worker charm, with the pod's hosts read by `readHosts` (the real pod's by default; tests inject theirs). */
export function createWorkerCharm(readHosts: (model: Model) => PodHosts = readPodHosts): Charm {
  return { meta: workerMeta, reconcile: (model) => reconcile(model, readHosts), tracingEndpoint };
}

export const workerCharm: Charm = createWorkerCharm();

/** Where this worker's hook spans go: the coordinator's `charm_tracing_receivers` (OTLP/HTTP). */
function tracingEndpoint(model: Model): TracingDestination | undefined {
  const relation = clusterRelation(model);
  if (!relation) return undefined;
  // Only these keys are read (the bag's worker_config can be large and was parsed by reconcile).
  const bag = relation.remoteAppData();
  const url = jsonOf(bag.charm_tracing_receivers, z.record(z.string(), z.string()))?.otlp_http;
  if (url === undefined) return undefined;
  // The cluster's receivers serve a certificate from the CA the coordinator hands out.
  const caCert = jsonOf(bag.ca_cert, z.string());
  return caCert ? { url, caCerts: [caCert] } : { url };
}

function jsonOf<T>(raw: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (!raw) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function reconcile(model: Model, readHosts: (model: Model) => PodHosts): Promise<void> {
  const identity: WorkloadIdentity = {
    model: model.name,
    modelUuid: model.uuid,
    application: model.app.name,
    unit: model.unit.name,
    charmName: CHARM_NAME,
  };
  const relation = clusterRelation(model);
  const cluster: ClusterInput =
    relation === undefined
      ? { kind: "none" }
      : {
          kind: "related",
          relationId: relation.id,
          coordinator: relation.app,
          provider: readProviderDatabag(relation.remoteAppData()),
        };
  const pebble = model.containerIfAvailable(CONTAINER_NAME);
  const container = await observeContainer(pebble);

  const desired = decideWorkerState({
    identity,
    // The pod's own FQDN carries the cluster's real domain; the computed form assumes cluster.local.
    unitAddress: podFqdn(readHosts(model)) ?? kubernetesUnitFqdn(model.unit.name, model.name),
    isLeader: model.isLeader(),
    role: selectRole(model.config, model.app.name),
    cluster,
    privateKey: readPrivateKey(model, cluster),
    container: container.input,
    tempoVersion: TEMPO_VERSION,
    checkConfig,
  });

  for (const line of desired.logs) model.log("WARNING", line);
  if (relation !== undefined) {
    if (desired.unitData !== undefined) relation.localUnitData().update(desired.unitData);
    if (desired.appData !== undefined) relation.localAppData().update(desired.appData);
  }
  if (desired.ports !== undefined) model.setPorts(desired.ports.map((port) => ({ protocol: "tcp" as const, port })));

  let health: WorkloadHealth = { readiness: { kind: "unknown" } };
  let caTrust: CaTrustOutcome = { kind: "not-needed" };
  let isContainerLost = container.input.kind === "unreachable";
  const peers = model.relations(PEERS_ENDPOINT).find((peerRelation) => peerRelation.isActive);
  const target =
    relation !== undefined && desired.workload?.kind === "run" && desired.status.kind === "when-ready"
      ? rolloutGeneration(relation.remoteAppData(), desired.status.role)
      : undefined;
  let gate: RolloutGate = { kind: "go" };
  let runsGeneration = peers?.localUnitData().get(GENERATION_KEY);
  let isRolloutRestart = false;
  if (pebble !== undefined && container.input.kind === "reachable") {
    try {
      if (desired.workload !== undefined) {
        let actions = planWorkload(container.input.observed, desired.workload);
        if (actions.service === "restart" && target !== undefined && peers !== undefined) {
          gate = rolloutGate(
            model.unit.name,
            target,
            peers.units.map((unit) => readPeerState(unit, peers.remoteUnitData(unit))),
          );
          // Waiting changes nothing in the container: the files on disk are what Tempo runs, so
          // the next hook sees the same difference and asks again.
          if (gate.kind === "wait") actions = UNCHANGED;
          else isRolloutRestart = peers.units.length > 0;
        }
        if (target !== undefined && gate.kind === "go") runsGeneration = target;
        if (actions.service !== "none") {
          const why = actions.restartReasons.length > 0 ? `: ${actions.restartReasons.join(", ")}` : "";
          model.log("INFO", `tempo service: ${actions.service}${why}`);
        }
        const report = await applyWorkloadActions(pebble, SERVICE_NAME, LAYER_LABEL, actions);
        caTrust = report.caTrust;
        if (caTrust.kind === "failed") {
          model.log("WARNING", `cannot trust the coordinator's CA: ${caTrust.reason}`);
        }
        const check = await readReadyCheck(pebble);
        let baseline: ReadyBaseline | undefined = parseBaseline(container.input.observed.files.get(READY_BASELINE_PATH)?.content);
        if (report.didStart) {
          await recordReadyBaseline(pebble, check);
          baseline = { changeId: check?.changeId, successes: check?.successes ?? 0 };
        }
        // What Pebble says now: a start this hook asked for may already have ended in backoff.
        const serviceState = report.didStart
          ? ((await pebble.getServices([SERVICE_NAME]))[0]?.current ?? "inactive")
          : container.input.observed.serviceState;
        health = { readiness: judgeReadiness(check, baseline) };
        if (report.startError !== undefined || serviceState === "backoff" || serviceState === "error") {
          const lines = await lastLogLines(pebble, SERVICE_NAME);
          const reason = report.startError ?? `the tempo service is in ${serviceState}`;
          model.log("WARNING", `Tempo does not stay up: ${reason}${lines.length > 0 ? `; its last output:\n${lines.join("\n")}` : ""}`);
          health = { ...health, crash: { reason, lastLogLine: lines.at(-1), isRetrying: serviceState === "backoff" } };
        }
      }
      await setWorkloadVersion(model, pebble);
    } catch (error) {
      // The container went away mid-hook (pod restarting): the next pebble-ready finishes the job.
      if (!(error instanceof PebbleConnectionError)) throw error;
      isContainerLost = true;
    }
  }

  if (peers !== undefined && !isContainerLost && publishesRolloutState(peers.localUnitData().get(GENERATION_KEY) !== undefined, isRolloutRestart)) {
    peers.localUnitData().update({
      [GENERATION_KEY]: runsGeneration,
      [READY_KEY]: health.readiness.kind === "ready" ? "true" : "false",
    });
  }

  const status =
    isContainerLost && desired.status.kind === "when-ready"
      ? { status: "waiting" as const, message: "waiting for the tempo container: Pebble is not reachable yet" }
      : gate.kind === "wait"
        ? { status: "waiting" as const, message: gate.message }
        : finalStatus(desired.status, health, caTrust.kind === "failed" ? caTrust.reason : undefined);
  model.setUnitStatus(status);
}

/** Tell Juju which Tempo the image runs; a Tempo that cannot say is worth a log line, not a failed hook. */
async function setWorkloadVersion(model: Model, pebble: PebbleClient): Promise<void> {
  const learned = await learnWorkloadVersion(pebble);
  if (learned.kind === "unknown") {
    model.log("WARNING", `cannot tell the workload version: ${learned.reason}`);
    return;
  }
  // Juju keeps the version; it is set again only when this container learned it.
  if (learned.isNew) model.setWorkloadVersion(learned.version);
}

/** The one tempo-cluster relation (the endpoint has limit 1), unless it is being broken. */
function clusterRelation(model: Model): Relation | undefined {
  return model.relations(CLUSTER_ENDPOINT).find((relation) => relation.isActive);
}


async function observeContainer(pebble: PebbleClient | undefined): Promise<{ input: ContainerInput }> {
  if (pebble === undefined) return { input: { kind: "unreachable" } };
  try {
    return { input: { kind: "reachable", observed: await observeWorkload(pebble, SERVICE_NAME) } };
  } catch (error) {
    if (error instanceof PebbleConnectionError) return { input: { kind: "unreachable" } };
    throw error;
  }
}

/**
 * The coordinator's private key, always at the secret's latest revision (`refresh`): when the
 * coordinator rotates its certificate, the key must follow in the same hook, or Tempo would serve
 * a new certificate with the old key (python-reference §6 #8).
 */
function readPrivateKey(model: Model, cluster: ClusterInput): PrivateKeyInput {
  if (cluster.kind !== "related" || cluster.provider.kind !== "valid") return { kind: "not-shared" };
  const secretId = cluster.provider.data.tls.privkeySecretId;
  if (secretId === undefined || secretId === "") return { kind: "not-shared" };
  const lookup = model.secrets.get({ id: secretId }, "refresh");
  switch (lookup.kind) {
    case "found": {
      const privateKey = lookup.content[PRIVATE_KEY_CONTENT_KEY];
      return privateKey === undefined || privateKey === ""
        ? { kind: "unavailable", secretId, reason: `the secret has no "${PRIVATE_KEY_CONTENT_KEY}" key` }
        : { kind: "found", privateKey };
    }
    case "not-found":
      return { kind: "unavailable", secretId, reason: "the secret does not exist or is not granted yet" };
    case "denied":
      return { kind: "unavailable", secretId, reason: "the secret is not granted to this relation yet" };
  }
}

function checkConfig(text: string): ConfigCheck {
  const problems = validateTempoConfigText(text, TEMPO_VERSION);
  if (problems.length === 0) return { kind: "valid" };
  return {
    kind: "invalid",
    reasons: problems.map((problem) => (problem.path === "" ? problem.message : `${problem.path}: ${problem.message}`)),
  };
}

async function readReadyCheck(pebble: PebbleClient): Promise<CheckInfo | undefined> {
  const [check] = await pebble.getChecks({ names: [READY_CHECK_NAME] });
  return check;
}
