/**
 * A minimal `tls-certificates` v1 provider for the simulator, standing in for Canonical's
 * self-signed-certificates charm so a simulated Tempo cluster can run with internal TLS. One
 * reconcile: the leader keeps a CA key in an application-owned Juju secret (made on first need),
 * reads every certificate request of every related application — application-scoped requests in
 * the requirer's app bag, unit-scoped ones in each unit's bag — and publishes exactly one answer
 * per request it can sign in its own app bag, `certificates` = JSON list of
 * `{certificate_signing_request, certificate, ca, chain}` (neighbour-interfaces/tls_certificates-v1).
 * Requests no longer asked for lose their answer, as the interface expects of a provider.
 *
 * Determinism: the CA key is random (RSA key generation is), made once per deployed CA and kept in
 * its secret, and the coordinator's own key is random too, so certificate bytes differ between
 * runs. Everything else is fixed (ca-signing.ts), so within a run a request always gets the same
 * bytes. The demo and its determinism tests therefore never print certificate contents: they show
 * where TLS is on (statuses, the Tempo config's file paths, https checks), which is repeatable.
 */
import { z } from "zod";
import type { Charm } from "../../juju/charm.js";
import type { CharmMeta } from "../../juju/charm-meta.js";
import type { Model, Relation } from "../../juju/model.js";
import { caCertificatePem, generateCaKeyPem, signServerCertificate } from "./ca-signing.js";

export const CERTIFICATES_ENDPOINT = "certificates";
export const CA_KEY_SECRET_LABEL = "sim-ca-private-key";
const CA_KEY_CONTENT_KEY = "private-key";

export const CERTIFICATES_AUTHORITY_META: CharmMeta = {
  name: "self-signed-certificates",
  summary: "Signs TLS certificates with its own CA over tls-certificates (simulator stand-in).",
  description: "Answers every certificate signing request of every related application with a certificate from a self-signed CA.",
  provides: { [CERTIFICATES_ENDPOINT]: { interface: "tls-certificates" } },
};

const CsrEntry = z.object({ certificate_signing_request: z.string().trim().min(1), ca: z.boolean().nullish() });
const RequirerBag = z.array(CsrEntry);

export interface ProviderCertificate {
  readonly certificate_signing_request: string;
  readonly certificate: string;
  readonly ca: string;
  readonly chain: readonly string[];
}

/** A request read from a requirer's bag, or why it was not signed. */
type Answer = { readonly kind: "signed"; readonly entry: ProviderCertificate } | { readonly kind: "refused"; readonly who: string; readonly reason: string };

/** The CSRs in one bag (`certificate_signing_requests`), or the reason it cannot be read; never throws. */
export function requestedCsrs(bag: Readonly<Record<string, string>>): { kind: "valid"; requests: { csr: string; isCa: boolean }[] } | { kind: "invalid"; reason: string } {
  const raw = bag.certificate_signing_requests;
  if (raw === undefined || raw === "") return { kind: "valid", requests: [] };
  let decoded: unknown;
  try {
    decoded = JSON.parse(raw);
  } catch {
    return { kind: "invalid", reason: "certificate_signing_requests is not JSON" };
  }
  const parsed = RequirerBag.safeParse(decoded);
  if (!parsed.success) return { kind: "invalid", reason: "certificate_signing_requests is not a list of {certificate_signing_request, ca}" };
  return { kind: "valid", requests: parsed.data.map((entry) => ({ csr: entry.certificate_signing_request, isCa: entry.ca === true })) };
}

/**
 * The provider app bag for every request in the requirer's bags: answers sorted by CSR text and
 * without duplicates, so it does not depend on the order requests were read in.
 */
export function answerRequests(
  bags: readonly { readonly who: string; readonly bag: Readonly<Record<string, string>> }[],
  ca: { readonly keyPem: string; readonly certPem: string },
): { databag: Record<string, string>; refused: { who: string; reason: string }[] } {
  const answers: Answer[] = [];
  for (const { who, bag } of bags) {
    const requests = requestedCsrs(bag);
    if (requests.kind === "invalid") {
      answers.push({ kind: "refused", who, reason: requests.reason });
      continue;
    }
    for (const request of requests.requests) {
      // This CA signs server certificates only; an intermediate CA is a real CA's job.
      if (request.isCa) {
        answers.push({ kind: "refused", who, reason: "asks for a CA certificate, which this stand-in does not issue" });
        continue;
      }
      const signed = signServerCertificate(request.csr, ca.keyPem, ca.certPem);
      answers.push(
        signed.kind === "signed"
          ? { kind: "signed", entry: { certificate_signing_request: request.csr, certificate: signed.certificate, ca: ca.certPem, chain: [signed.certificate, ca.certPem] } }
          : { kind: "refused", who, reason: signed.reason },
      );
    }
  }
  const byCsr = new Map<string, ProviderCertificate>();
  for (const answer of answers) if (answer.kind === "signed") byCsr.set(answer.entry.certificate_signing_request, answer.entry);
  const certificates = [...byCsr.values()].sort((a, b) => compareText(a.certificate_signing_request, b.certificate_signing_request));
  return {
    // An empty value deletes the key: nothing to answer, nothing published.
    databag: { certificates: certificates.length === 0 ? "" : JSON.stringify(certificates) },
    refused: answers.flatMap((answer) => (answer.kind === "refused" ? [{ who: answer.who, reason: answer.reason }] : [])),
  };
}

/** Leader only: the CA key, from its secret, or made now and kept there. */
function ensureCaKey(model: Model): string {
  const info = model.secrets.info({ label: CA_KEY_SECRET_LABEL });
  if (info.kind === "found") {
    const content = model.secrets.get({ id: info.info.id });
    const pem = content.kind === "found" ? content.content[CA_KEY_CONTENT_KEY] : undefined;
    if (pem !== undefined) return pem;
  }
  const pem = generateCaKeyPem();
  model.secrets.add({ [CA_KEY_CONTENT_KEY]: pem }, { owner: "application", label: CA_KEY_SECRET_LABEL, description: "Private key of the simulated CA" });
  return pem;
}

/** The requirer's bags that may hold requests: its app bag, then each unit's, in unit order. */
function requestBags(relation: Relation): { who: string; bag: Readonly<Record<string, string>> }[] {
  return [{ who: relation.app, bag: relation.remoteAppData() }, ...relation.units.map((unit) => ({ who: unit, bag: relation.remoteUnitData(unit) }))];
}

async function reconcile(model: Model): Promise<void> {
  if (!model.isLeader()) {
    model.setUnitStatus({ status: "active", message: "" });
    return;
  }
  const relations = model.relations(CERTIFICATES_ENDPOINT).filter((relation) => relation.isActive);
  const refused: { who: string; reason: string }[] = [];
  if (relations.length > 0) {
    const keyPem = ensureCaKey(model);
    const ca = { keyPem, certPem: caCertificatePem(keyPem) };
    for (const relation of relations) {
      const answered = answerRequests(requestBags(relation), ca);
      relation.localAppData().update(answered.databag);
      refused.push(...answered.refused);
    }
  }
  for (const { who, reason } of refused) model.log("WARNING", `not signing a request from ${who}: ${reason}`);
  // A bad request is the requirer's problem and shows in its status; the CA goes on serving others.
  model.setUnitStatus({ status: "active", message: refused.length > 0 ? `refused ${refused.length} request${refused.length === 1 ? "" : "s"} (see debug-log)` : "" });
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const certificatesAuthorityCharm: Charm = { meta: CERTIFICATES_AUTHORITY_META, reconcile };
