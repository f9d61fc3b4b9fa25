/**
 * The coordinator charm: gather what the model shows → `desiredState` → apply the difference.
 *
 * Every hook runs the same reconcile; the event decides nothing (ARCHITECTURE.md, "Holistic
 * reconcile"). The only I/O is here: reading relations through the model, writing the keys that
 * changed, setting status and logging what is wrong.
 */
import type { Charm } from "../../juju/charm.js";
import type { TracingDestination } from "../../juju/hook-tracing.js";
import type { Model, Relation } from "../../juju/model.js";
import { databagChanges, PROVIDER_OWNED_KEYS, type WorkerRelation } from "../../interface/provider.js";
import { type CoordinatorInputs, type DesiredState, desiredState } from "./desired-state.js";
import {
  type CoordinatorIntegration,
  type IntegrationInputs,
  type KeyChange,
  NO_INTEGRATIONS,
  type WorkerBagChange,
  combineIntegrationInputs,
} from "./integrations.js";
import { certificatesIntegration, hasTlsMaterial } from "./integrations/certificates.js";
import { catalogueIntegration } from "./integrations/catalogue.js";
import { grafanaDashboardIntegration } from "./integrations/grafana-dashboard.js";
import { grafanaSourceIntegration } from "./integrations/grafana-source.js";
import { ingressRouteIntegration } from "./integrations/ingress-route.js";
import { loggingIntegration } from "./integrations/logging.js";
import { metricsEndpointIntegration } from "./integrations/metrics-endpoint.js";
import { nginxExporterIntegration } from "./integrations/nginx-exporter-workload.js";
import { probesIntegration } from "./integrations/probes.js";
import { remoteWriteIntegration } from "./integrations/remote-write.js";
import { selfTracingIntegration } from "./integrations/self-tracing.js";
import { tempoApiIntegration } from "./integrations/tempo-api.js";
import { decodeProviderDatabag } from "./integrations/tls-certificates-databags.js";
import { canReceiveTraces, tracingIntegration } from "./integrations/tracing.js";
import { COORDINATOR_META, ENDPOINTS } from "./meta.js";
import { frontDoorIntegration } from "./nginx/front-door.js";
import { type Problem, decideStatus } from "./status.js";
import { type PodHosts, readPodHosts } from "../../juju/pod-fqdn.js";
import { observePodHosts } from "./cluster-domain.js";
import { currentFrontDoor } from "./integrations/ingress-address.js";
import { LIST_RECEIVERS_ACTION, listReceiversResults } from "./list-receivers.js";
import type { S3RelationSnapshot } from "./storage.js";

/** The one key of the s3 requirer databag that is ours to write. */
const S3_REQUESTER_OWNED_KEYS = ["bucket"] as const;

/**
 * The integrations that feed the cluster besides the workers and s3. Each lives in its own module
 * (certificates, tracing, send-remote-write, logging: issue 8) and is listed here.
 */
export const COORDINATOR_INTEGRATIONS: readonly CoordinatorIntegration[] = [
  certificatesIntegration,
  tracingIntegration({ isTlsEnabled: hasTlsMaterial }),
  remoteWriteIntegration,
  loggingIntegration,
  ingressRouteIntegration({ isTlsEnabled: hasTlsMaterial }),
  grafanaSourceIntegration({ isTlsEnabled: hasTlsMaterial }),
  tempoApiIntegration({ isTlsEnabled: hasTlsMaterial }),
  catalogueIntegration({ isTlsEnabled: hasTlsMaterial }),
  metricsEndpointIntegration({ isTlsEnabled: hasTlsMaterial }),
  nginxExporterIntegration,
  grafanaDashboardIntegration,
  probesIntegration({ isTlsEnabled: hasTlsMaterial }),
  selfTracingIntegration,
  // Last: it serves what the others decided (receivers, TLS), and its problems join the status.
  frontDoorIntegration,
];

/**
 * The coordinator with a given set of integrations (tests pass their own), and the pod's hosts file
 * read by `readHosts` (the real pod's by default; the simulator and tests inject theirs): the
 * cluster domain comes from it (cluster-domain.ts).
 */
export function createCoordinatorCharm(
  integrations: readonly CoordinatorIntegration[],
  readHosts: (model: Model) => PodHosts = readPodHosts,
): Charm {
  return {
    meta: COORDINATOR_META,
    tracingEndpoint(model: Model): TracingDestination | undefined {
      observePodHosts(model, readHosts);
      return charmTracingEndpoint(model);
    },
    async reconcile(model: Model): Promise<void> {
      observePodHosts(model, readHosts);
      const contributed = combineIntegrationInputs(integrations.map((integration) => integration.gather(model)));
      const desired = desiredState(gatherInputs(model, contributed));
      const workerBagChanges = apply(model, desired);
      const outcome = {
        isLeader: model.isLeader(),
        enabledReceivers: desired.enabledReceivers,
        publishedRelationIds: desired.publications.map((publication) => publication.relationId),
        workerBagChanges,
        cluster: desired.cluster,
        ...(contributed.tls ? { tls: contributed.tls } : {}),
      };
      const applyProblems: Problem[] = [];
      for (const integration of integrations) applyProblems.push(...((await integration.apply?.(model, outcome)) ?? []));
      for (const integration of integrations) await integration.applyWorkload?.(model, outcome);
      setStatus(model, desired, applyProblems);
    },
    async runAction(model: Model): Promise<void> {
      observePodHosts(model, readHosts);
      const action = model.action()!;
      if (action.name !== LIST_RECEIVERS_ACTION) return action.fail(`no action ${action.name}`);
      const contributed = combineIntegrationInputs(integrations.map((integration) => integration.gather(model)));
      const desired = desiredState(gatherInputs(model, contributed));
      // As the Python coordinator, which answers only once it can run the cluster (anchor §1.3).
      if (desired.status.status === "blocked") return action.fail(`no receiver is reachable yet: ${desired.status.message}`);
      if (!canReceiveTraces(model)) {
        return action.fail("no receiver is reachable yet: relate a tempo worker with role all or distributor");
      }
      action.setResults(listReceiversResults(desired.enabledReceivers, currentFrontDoor(model, hasTlsMaterial(model))));
    },
  };
}

export const coordinatorCharm: Charm = createCoordinatorCharm(COORDINATOR_INTEGRATIONS);

/**
 * Where the coordinator's hook spans go: the Tempo on `self-charm-tracing`, else this cluster's
 * own OTLP/HTTP receiver once a worker receives traces — the same place the workers' go.
 */
function charmTracingEndpoint(model: Model): TracingDestination | undefined {
  const url = TRACING_FOR_SPANS.gather(model).charmTracingReceivers?.otlp_http;
  if (url === undefined) return undefined;
  // Our own receivers serve a certificate from the certificates provider's CA: trust those CAs.
  const issued = decodeProviderDatabag(model.relations(ENDPOINTS.certificates)[0]?.remoteAppData() ?? {});
  const caCerts = issued.kind === "valid" ? [...new Set(issued.data.map((entry) => entry.ca))].sort() : [];
  return caCerts.length > 0 ? { url, caCerts } : { url };
}
const TRACING_FOR_SPANS = tracingIntegration({ isTlsEnabled: hasTlsMaterial });

/**
 * Everything the decision needs, read once. `integrations` is where issue 8's modules
 * (certificates, tracing, remote-write, logging) plug in, each reading its own relation.
 */
export function gatherInputs(model: Model, integrations: IntegrationInputs = NO_INTEGRATIONS): CoordinatorInputs {
  const s3 = model.relations(ENDPOINTS.s3)[0];
  return {
    identity: { appName: model.app.name, modelName: model.name, modelUuid: model.uuid },
    isLeader: model.isLeader(),
    config: model.config,
    workers: model.relations(ENDPOINTS.cluster).map(workerRelation),
    ...(s3 ? { s3: s3Snapshot(s3) } : {}),
    integrations,
  };
}

function workerRelation(relation: Relation): WorkerRelation {
  return {
    id: relation.id,
    app: relation.app,
    appData: relation.remoteAppData(),
    units: relation.units.map((unit) => ({ name: unit, data: relation.remoteUnitData(unit) })),
  };
}

function s3Snapshot(relation: Relation): S3RelationSnapshot {
  return { id: relation.id, app: relation.app, providerData: relation.remoteAppData() };
}

/** Writes what was decided; returns the changes made to worker databags, by relation id. */
function apply(model: Model, desired: DesiredState): WorkerBagChange[] {
  for (const problem of desired.problems) {
    model.log(problem.severity === "blocked" ? "WARNING" : "INFO", `${problem.severity}: ${problem.message}`);
  }
  const workerBagChanges: WorkerBagChange[] = [];
  if (model.isLeader()) {
    // Relations are looked up by id among the active ones only: a relation being broken is not
    // listed by the model, so nothing can be written to it.
    const clusterRelations = new Map(model.relations(ENDPOINTS.cluster).map((relation) => [relation.id, relation]));
    for (const publication of desired.publications) {
      const relation = clusterRelations.get(publication.relationId);
      const changed = relation ? writeOwnedKeys(relation, publication.databag, PROVIDER_OWNED_KEYS) : {};
      if (Object.keys(changed).length > 0) workerBagChanges.push({ relationId: publication.relationId, changed });
    }
    if (desired.s3Request) {
      const relation = model.relations(ENDPOINTS.s3).find((candidate) => candidate.id === desired.s3Request?.relationId);
      if (relation) writeOwnedKeys(relation, desired.s3Request.databag, S3_REQUESTER_OWNED_KEYS);
    }
  }
  return workerBagChanges;
}

/** The decision's status, decided again when applying found more wrong (the front door's nginx). */
function setStatus(model: Model, desired: DesiredState, applyProblems: readonly Problem[]): void {
  for (const problem of applyProblems) {
    model.log(problem.severity === "blocked" ? "WARNING" : "INFO", `${problem.severity}: ${problem.message}`);
  }
  const status = applyProblems.length === 0 ? desired.status : decideStatus([...desired.problems, ...applyProblems], desired.statusSummary);
  model.setUnitStatus(status);
  if (model.isLeader()) model.setAppStatus(status);
}

/**
 * Set only the keys whose bytes differ and delete owned keys no longer wanted; others untouched.
 * Returns each changed key's value before and after (absent when unset or deleted).
 */
function writeOwnedKeys(
  relation: Relation,
  desired: Readonly<Record<string, string>>,
  ownedKeys: readonly string[],
): Record<string, KeyChange> {
  const bag = relation.localAppData();
  const current = bag.entries();
  const changes = databagChanges(current, desired, ownedKeys);
  const update: Record<string, string> = { ...changes.set };
  for (const key of changes.delete) update[key] = "";
  if (Object.keys(update).length > 0) bag.update(update);
  const changed: Record<string, KeyChange> = {};
  for (const key of Object.keys(update).sort()) {
    const before = current[key];
    const after = update[key] === "" ? undefined : update[key];
    changed[key] = { ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) };
  }
  return changed;
}
