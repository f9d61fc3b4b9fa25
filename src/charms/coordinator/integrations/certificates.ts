/**
 * The coordinator's `certificates` integration (tls-certificates v1, requirer, application mode):
 * one certificate for the whole cluster, whose names do not change when workers scale, with its key
 * in an application-owned secret granted to the worker relations that are told about it.
 *
 * `gather` only reads: the key, our request and the provider's answer become `TlsMaterial` (and
 * with it the TLS variant of the Tempo config and the `ca_cert` / `server_cert` /
 * `privkey_secret_id` keys of every worker databag) or a problem saying what we wait for. `apply`
 * writes, leader only: the key on first need, the CSR when what it must cover changed or the
 * certificate is due for renewal (tls-renewal.ts), the time Juju should wake it for the next
 * renewal, the grants.
 *
 * Renewal. A third of its lifetime before the certificate expires (or earlier, at the provider's
 * recommended notice) the leader replaces its request with one for the same names and key that
 * differs only by an `x500UniqueIdentifier` derived from the certificate it renews, as
 * Canonical's library replaces its request with a fresh one. Two hooks notice it is due: any hook
 * of the leader, update-status included, and `secret-expired` on the key's secret, whose expire
 * time is kept at the due time (Juju's only timer besides update-status; it is the owner's, the
 * leader's, event). Until the provider signs the new request the workers keep the certificate they
 * have — also when the provider withdraws its answer to the old request first — and then move to
 * the new one, each worker application one unit at a time (the worker's rollout gate).
 *
 * Until the first certificate is usable, `gather` offers a `firstCertificate` wait instead of a
 * problem: workers not yet given a config get none, so Tempo starts once, with TLS
 * (first-certificate-wait.ts).
 *
 * Without the relation `tls` is absent, so desired-state publishes the plain config and deletes the
 * TLS keys, and `apply` revokes the grants. The key secret is kept: re-relating then requests a
 * certificate for the same key (the CSR is deterministic, so it is byte-for-byte the old one) and
 * workers do not see a needless key rotation. Keeping it exposes nothing: once the grants are
 * revoked only this application can read it.
 *
 * Compared with the Python coordinator (python-reference §2.8, §6.6, §6.7): one application-scoped
 * request instead of one per leader unit, so a leader change swaps nothing; SANs that a new unit
 * never changes; the key in an application-owned secret that outlives any unit; and a fixed
 * `serverName` instead of "the first worker address".
 */
import type { Model, Relation } from "../../../juju/model.js";
import { isSameSecret } from "../../../juju/secrets.js";
import { clusterDomain } from "../cluster-domain.js";
import type { CoordinatorIntegration, CoordinatorOutcome, IntegrationInputs } from "../integrations.js";
import { ENDPOINTS } from "../meta.js";
import type { Problem } from "../status.js";
import { createCsr, csrAsksFor, readCsr } from "./csr-pkcs10.js";
import { decodeProviderDatabag, decodeRequirerDatabag, requirerDatabag } from "./tls-certificates-databags.js";
import {
  type Assessment,
  type CertificateChoice,
  type IssuedCertificate,
  checkIssuedCertificate,
  chooseCertificate,
} from "./tls-issued-certificate.js";
import {
  type CertificatesProvider,
  expiredCertificate,
  invalidProviderData,
  renewalStalled,
  servingPreviousCertificate,
  unusableCertificate,
  waitingForCertificate,
} from "./tls-problems.js";
import { ensurePrivateKey, readPrivateKey } from "./tls-private-key.js";
import { TLS_STATE_KEY, encodeSharedTlsState, problemSharedByLeader, sharedTlsState } from "./tls-shared-state.js";
import { type CoordinatorCertificateRequest, coordinatorCertificateRequest } from "./tls-request.js";
import { type RenewalPlan, type ServedCertificate, planRenewal } from "./tls-renewal.js";

/** The tempo_cluster provider keys that carry TLS to a worker (python-reference §1.4). */
const PRIVKEY_SECRET_ID_KEY = "privkey_secret_id";
const SERVER_CERT_KEY = "server_cert";
const CA_CERT_KEY = "ca_cert";
const WORKER_CONFIG_KEY = "worker_config";

export const certificatesIntegration: CoordinatorIntegration = {
  name: "certificates",
  gather: gatherTls,
  apply: applyTls,
};

/**
 * Whether this hook's reconcile runs with internal TLS on, for integrations whose output depends on
 * it (tracing's receiver URLs say `https` then).
 */
export function hasTlsMaterial(model: Model): boolean {
  return gatherTls(model).tls !== undefined;
}

/** One answer per hook: `gather` and `hasTlsMaterial` both ask, and a Model lives for one hook. */
const gatheredThisHook = new WeakMap<Model, Partial<IntegrationInputs>>();
/** What renewal asks of the leader this hook, decided in `gather` (it has a status) for `apply`. */
const renewalThisHook = new WeakMap<Model, RenewalPlan>();

function gatherTls(model: Model): Partial<IntegrationInputs> {
  let gathered = gatheredThisHook.get(model);
  if (!gathered) {
    gathered = readTls(model);
    gatheredThisHook.set(model, gathered);
  }
  return gathered;
}

function readTls(model: Model): Partial<IntegrationInputs> {
  const relation = model.relations(ENDPOINTS.certificates)[0];
  if (!relation) return {};
  // A non-leader may not read our application bag, so it cannot tell which certificate answers our
  // request; it publishes nothing either, so it has no use for TLS material. It shows what the
  // leader shared instead (tls-shared-state.ts).
  if (!model.isLeader()) {
    const shared = problemSharedByLeader(model.relations(ENDPOINTS.peers)[0]?.localAppData().get(TLS_STATE_KEY), relation.id);
    return shared ? { problems: [shared] } : {};
  }
  const provider = { app: relation.app, coordinator: model.app.name };
  const withoutCertificate = (answer: Problem) => noCertificateYet(model, provider, answer);
  const key = readPrivateKey(model);
  // No key yet: `apply` creates it and sends the request in this same hook.
  if (key.kind !== "found") return withoutCertificate(waitingForCertificate(provider));

  const request = certificateRequest(model);
  const current = currentRequest(relation, request, key.pem);
  const serve = (certificate: IssuedCertificate, problems: Problem[]): Partial<IntegrationInputs> => ({
    tls: { ...certificate, privkeySecretId: key.secretId, serverName: request.serverName },
    problems,
  });
  // What the workers already run, while it is sound and the provider has not revoked it: kept when
  // the provider says nothing usable about it, so a provider that withdraws its answer to our old
  // request before it signs the new one (renewal, new names) does not send every worker back to
  // plain text. Kept even once expired (with a status saying so): dropping TLS would restart every
  // worker into a cluster its clients can no longer reach over https either.
  const keepPublished = (problem: (kept: boolean) => Problem, revoked: ReadonlySet<string> = new Set()): Partial<IntegrationInputs> => {
    const kept = lastPublishedCertificate(model, key.secretId, key.pem, request.serverName);
    if (!kept || revoked.has(kept.certificate.serverCert.trim())) return withoutCertificate(problem(false));
    const served = { serverCert: kept.certificate.serverCert, validity: kept.validity, answersCurrentRequest: false };
    return serve(kept.certificate, [...renewalProblems(served), problem(true)]);
  };
  // Decided here, where the status is made, and carried out by `apply`.
  const heldWakeAt = key.expiry === undefined ? undefined : Date.parse(key.expiry);
  const renewalProblems = (served: ServedCertificate): Problem[] => {
    const plan = planRenewal(served, model.now(), Number.isFinite(heldWakeAt) ? heldWakeAt : undefined);
    renewalThisHook.set(model, plan);
    return [
      ...(served.validity.notAfter <= model.now() ? [expiredCertificate(provider, served.validity.notAfter)] : []),
      ...(plan.stalledUntil !== undefined ? [renewalStalled(provider, plan.stalledUntil)] : []),
    ];
  };
  const offered = decodeProviderDatabag(relation.remoteAppData());
  // The provider broke its own wire format, so what it meant is unknown: a glitch there (a bad
  // upgrade) must not restart every worker into plain text.
  if (offered.kind === "invalid") return keepPublished((kept) => invalidProviderData(provider, offered.reasons, kept));
  const choice: CertificateChoice =
    offered.kind === "absent"
      ? { kind: "none" }
      : chooseCertificate({ offered: offered.data, currentCsr: current?.pem, privateKeyPem: key.pem, serverName: request.serverName });
  const pending = (kept: boolean) =>
    kept ? servingPreviousCertificate(provider, [], current?.isRenewal === true) : waitingForCertificate(provider);
  switch (choice.kind) {
    case "none": {
      // The interface asks a requirer to stop using a certificate its provider revoked.
      const revoked = offered.kind === "valid" ? offered.data.filter((entry) => entry.revoked === true).map((entry) => entry.certificate.trim()) : [];
      return keepPublished(pending, new Set(revoked));
    }
    case "unusable":
      return withoutCertificate(unusableCertificate(provider, choice.reasons));
    case "current":
    case "previous": {
      const answersCurrentRequest = choice.kind === "current";
      const served = {
        serverCert: choice.certificate.serverCert,
        validity: choice.validity,
        providerNoticeHours: choice.providerNoticeHours,
        answersCurrentRequest,
        answersRenewal: answersCurrentRequest && current?.isRenewal === true,
      };
      return serve(choice.certificate, [
        ...renewalProblems(served),
        ...(answersCurrentRequest ? [] : [servingPreviousCertificate(provider, choice.kind === "previous" ? choice.currentProblems : [], current?.isRenewal === true)]),
      ]);
    }
  }
}

/**
 * No usable certificate this hook. Before any worker was given TLS this is the first deploy's wait
 * (see first-certificate-wait.ts); once a worker databag carries our key's secret id, TLS has been
 * on, and losing the certificate now is reported as it always was (workers go back to plain).
 */
function noCertificateYet(model: Model, provider: CertificatesProvider, answer: Problem): Partial<IntegrationInputs> {
  const clusterRelations = model.relations(ENDPOINTS.cluster);
  if (clusterRelations.some((relation) => publishedSecretId(relation) !== undefined)) return { problems: [answer] };
  const publishedRelationIds = clusterRelations
    .filter((relation) => relation.localAppData().get(WORKER_CONFIG_KEY) !== undefined)
    .map((relation) => relation.id);
  return { firstCertificate: { provider: provider.app, publishedRelationIds, answer } };
}

function applyTls(model: Model, outcome: CoordinatorOutcome): void {
  if (!outcome.isLeader) return;
  const relation = model.relations(ENDPOINTS.certificates)[0];
  if (relation) {
    const key = ensurePrivateKey(model);
    const request = certificateRequest(model);
    const current = currentRequest(relation, request, key.pem);
    const renewal = renewalThisHook.get(model) ?? { renewWith: undefined, wakeAt: undefined };
    if (current === undefined) {
      relation.localAppData().update(requirerDatabag(createCsr(key.pem, request)));
    } else if (renewal.renewWith !== undefined) {
      model.log("INFO", `renewing the TLS certificate: same names and key, request ${renewal.renewWith}`);
      relation.localAppData().update(requirerDatabag(createCsr(key.pem, request, renewal.renewWith)));
    }
    wakeForRenewalAt(model, key, renewal.wakeAt);
    shareTlsState(model, relation.id);
  }
  syncGrants(model, outcome);
}

/**
 * Keep the key secret's expire time at the next renewal step, so that Juju runs `secret-expired`
 * on the leader then (worker/secretexpire fires at the latest revision's expire time, to the
 * minute, and again every few minutes until the charm moves it). Written only when it moves: the
 * time `secret-info-get` reported this hook is compared to the second, which is what Juju keeps.
 */
function wakeForRenewalAt(model: Model, key: { readonly secretId: string; readonly expiry?: string | undefined }, wakeAt: number | undefined): void {
  if (wakeAt === undefined) return;
  const wanted = Math.floor(wakeAt / 1000);
  const held = key.expiry === undefined ? undefined : Math.floor(Date.parse(key.expiry) / 1000);
  if (held !== wanted) model.secrets.setExpire(key.secretId, new Date(wanted * 1000));
}

/** Tell the other coordinator units, through the peer application bag, what this hook found. */
function shareTlsState(model: Model, relationId: number): void {
  const peers = model.relations(ENDPOINTS.peers)[0];
  if (!peers) return;
  const gathered = gatherTls(model);
  const problem = gathered.problems?.[0] ?? gathered.firstCertificate?.answer;
  const encoded = encodeSharedTlsState(sharedTlsState(relationId, problem));
  const bag = peers.localAppData();
  if (bag.get(TLS_STATE_KEY) !== encoded) bag.update({ [TLS_STATE_KEY]: encoded });
}

/**
 * The secret is readable exactly by the worker relations whose databag points at it, so grants
 * follow this hook's writes of `privkey_secret_id`: granted where it is written, revoked where it
 * is deleted or replaced. The secret id comes from the databag itself (the deleted value names
 * what to revoke), so a hook without a certificates relation looks no secret up at all — and one
 * that removes the relation still revokes everywhere. Grants and databag writes go out in the same
 * commit, so one never lands without the other.
 *
 * A relation untouched this hook keeps its grant, including one whose application dropped out of
 * the cluster for a moment but still runs the TLS config: revoking there would leave it a key id it
 * cannot read on its next pod restart. The one place a grant may be missing without a write is the
 * relation of a `relation-created` / `relation-joined` hook (a relation re-established, new units),
 * so that one is granted again when its databag points at the secret; granting twice is a no-op.
 * A relation that is gone loses its grants with it.
 */
function syncGrants(model: Model, outcome: CoordinatorOutcome): void {
  const relations = new Map(model.relations(ENDPOINTS.cluster).map((relation) => [relation.id, relation]));
  const granted = new Set<number>();
  for (const { relationId, changed } of outcome.workerBagChanges) {
    const relation = relations.get(relationId);
    const change = changed[PRIVKEY_SECRET_ID_KEY];
    if (!relation || !change) continue;
    const before = change.before === undefined ? undefined : decodedString(change.before);
    const after = change.after === undefined ? undefined : decodedString(change.after);
    // Ids are compared by xid: `secret://<model>/<xid>` (what secret-add prints, and what a Python
    // coordinator publishes) and `secret:<xid>` are one secret, and revoking it here would take the
    // key from the workers, since Juju applies the grant first and the revoke after it.
    if (before !== undefined && (after === undefined || !isSameSecret(before, after)) && stillExists(model, before)) {
      model.secrets.revoke(before, relation.ref);
    }
    if (after !== undefined) {
      model.secrets.grant(after, relation.ref);
      granted.add(relationId);
    }
  }
  const event = model.event;
  if ((event.kind === "relation-created" || event.kind === "relation-joined") && event.relation.endpoint === ENDPOINTS.cluster) {
    const relation = relations.get(event.relation.id);
    const secretId = relation && !granted.has(relation.id) ? publishedSecretId(relation) : undefined;
    if (relation && secretId !== undefined) model.secrets.grant(secretId, relation.ref);
  }
}

/**
 * Whether a key secret we published before still exists, so that revoking it means something. A
 * key secret that is not our current key is usually gone (someone removed it, which is why there is
 * a new key), its grants with it; Juju accepts the revoke in the hook (runner/context/context.go
 * RevokeSecret records it without looking the secret up) but it names a secret the controller no
 * longer has. Our current key needs no call (this hook looked it up already); without a
 * certificates relation the key is kept (see the module comment), so it is not looked up either.
 */
function stillExists(model: Model, secretId: string): boolean {
  if (model.relations(ENDPOINTS.certificates).length === 0) return true;
  const key = readPrivateKey(model);
  if (key.kind !== "absent" && isSameSecret(key.secretId, secretId)) return true;
  return model.secrets.info({ id: secretId }).kind === "found";
}

/**
 * The certificate our tempo_cluster databags carry (the lowest relation id that has one), when it
 * still goes with our key secret and passes the same checks as a freshly issued one.
 */
function lastPublishedCertificate(
  model: Model,
  secretId: string,
  privateKeyPem: string,
  serverName: string,
): Extract<Assessment, { kind: "usable" }> | undefined {
  for (const relation of model.relations(ENDPOINTS.cluster)) {
    const published = publishedString(relation, PRIVKEY_SECRET_ID_KEY);
    if (published === undefined || !isSameSecret(published, secretId)) continue;
    const serverCert = publishedString(relation, SERVER_CERT_KEY);
    const caCert = publishedString(relation, CA_CERT_KEY);
    if (serverCert === undefined || caCert === undefined) continue;
    const check = checkIssuedCertificate({ caCert, serverCert }, privateKeyPem, serverName);
    return check.kind === "usable" ? check : undefined;
  }
  return undefined;
}

/** The secret id our (leader-owned) tempo_cluster databag tells this worker, after this hook's writes. */
function publishedSecretId(relation: Relation): string | undefined {
  return publishedString(relation, PRIVKEY_SECRET_ID_KEY);
}

/** A JSON-encoded string value of our own tempo_cluster application databag. */
function publishedString(relation: Relation, key: string): string | undefined {
  const raw = relation.localAppData().get(key);
  return raw === undefined ? undefined : decodedString(raw);
}

function decodedString(raw: string): string | undefined {
  try {
    const decoded: unknown = JSON.parse(raw);
    return typeof decoded === "string" ? decoded : undefined;
  } catch {
    return undefined;
  }
}

function certificateRequest(model: Model): CoordinatorCertificateRequest {
  return coordinatorCertificateRequest({
    appName: model.app.name,
    modelName: model.name,
    workerApps: model.relations(ENDPOINTS.cluster).map((relation) => relation.app),
    clusterDomain: clusterDomain(model),
  });
}

/**
 * Our application bag's CSR when it asks for exactly `request` with our key (a renewal request does:
 * only its unique identifier differs); otherwise a new one is due.
 */
function currentRequest(
  relation: Relation,
  request: CoordinatorCertificateRequest,
  privateKeyPem: string,
): { readonly pem: string; readonly isRenewal: boolean } | undefined {
  const requested = decodeRequirerDatabag(relation.localAppData().entries());
  if (requested.kind !== "valid" || requested.data.length !== 1) return undefined;
  const [pem] = requested.data;
  if (pem === undefined) return undefined;
  const reading = readCsr(pem);
  if (reading.kind !== "valid" || !csrAsksFor(reading.csr, request, privateKeyPem)) return undefined;
  return { pem, isRenewal: reading.csr.uniqueIdentifier !== undefined };
}
