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
 * Each request is signed once, as self-signed-certificates does: its library's
 * `get_outstanding_certificate_requests` lists only requests without an issued, unrevoked
 * certificate, and the charm signs only those (`_process_outstanding_certificate_requests`). An
 * answer already published by this CA is kept as it is, so a byte-identical request never gets a
 * new certificate; a requirer that wants one (renewal) sends a different request.
 *
 * Validity: `certificate-validity`, the option of self-signed-certificates with its syntax and
 * default (`90d`; also `12h`, `30m`, `2w`, a bare number of days): a certificate is valid from the
 * model's clock when it is signed, for that long, which is what lets the simulator show renewal
 * (`--then "wait 61d"`). Set empty, the fixed dates of ca-signing.ts.
 *
 * Determinism: the CA key is random (RSA key generation is), made once per deployed CA and kept in
 * its secret, and the coordinator's own key is random too, so certificate bytes differ between
 * runs. Everything else is a function of the request and the simulator's clock (ca-signing.ts),
 * so within a run a request always gets the same bytes. The demo and its determinism tests
 * therefore never print certificate contents: they show where TLS is on (statuses, the Tempo
 * config's file paths, https checks), which is repeatable.
 */
import * as z from "zod";
import type { Charm } from "../../juju/charm.js";
import type { CharmMeta } from "../../juju/charm-meta.js";
import type { Model, Relation } from "../../juju/model.js";
import { parseDuration } from "../duration.js";
import { type Validity, caCertificatePem, generateCaKeyPem, signServerCertificate } from "./ca-signing.js";

export const CERTIFICATES_ENDPOINT = "certificates";
export const CA_KEY_SECRET_LABEL = "sim-ca-private-key";
const CA_KEY_CONTENT_KEY = "private-key";

export const CERTIFICATES_AUTHORITY_META: CharmMeta = {
  name: "self-signed-certificates",
  summary: "Signs TLS certificates with its own CA over tls-certificates (simulator stand-in).",
  description: "Answers every certificate signing request of every related application with a certificate from a self-signed CA.",
  provides: { [CERTIFICATES_ENDPOINT]: { interface: "tls-certificates" } },
  config: {
    options: {
      "certificate-validity": {
        type: "string",
        default: "90d",
        description: "How long a certificate is valid from when it is signed: a number with m, h, d or w (days without a unit), 90 days as in self-signed-certificates. Empty: fixed dates, 2025 to 2045.",
      },
    },
  },
};

/**
 * `certificate-validity` in ms, as self-signed-certificates parses it (`_parse_config_time_string`:
 * digits alone are days, else digits and one of m, h, d, w); `fixed` when empty, the reason for
 * anything else.
 */
export function parseCertificateValidity(text: string): { kind: "fixed" } | { kind: "valid"; ms: number } | { kind: "invalid"; reason: string } {
  if (text.trim() === "") return { kind: "fixed" };
  const parsed = parseDuration(text, "d");
  return parsed.kind === "valid" ? parsed : { kind: "invalid", reason: `certificate-validity ${parsed.reason}` };
}

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
  options: { readonly published?: readonly ProviderCertificate[]; readonly validity?: Validity } = {},
): { databag: Record<string, string>; refused: { who: string; reason: string }[] } {
  // Answers this CA already gave, by request: kept rather than signed again.
  const issued = new Map((options.published ?? []).filter((entry) => entry.ca === ca.certPem).map((entry) => [entry.certificate_signing_request, entry]));
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
      const kept = issued.get(request.csr);
      if (kept) {
        answers.push({ kind: "signed", entry: kept });
        continue;
      }
      const signed = signServerCertificate(request.csr, ca.keyPem, ca.certPem, options.validity);
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

const PublishedBag = z.array(
  z.object({ certificate_signing_request: z.string(), certificate: z.string(), ca: z.string(), chain: z.array(z.string()) }),
);

/** What this CA published on a relation before (its own bag); anything unreadable counts as nothing. */
function publishedAnswers(bag: Readonly<Record<string, string>>): ProviderCertificate[] {
  try {
    const parsed = PublishedBag.safeParse(JSON.parse(bag.certificates ?? "[]"));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
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
  const validityOption = parseCertificateValidity(String(model.config["certificate-validity"] ?? ""));
  if (validityOption.kind === "invalid") {
    model.setUnitStatus({ status: "blocked", message: `${validityOption.reason}: juju config ${model.app.name} certificate-validity=90d` });
    return;
  }
  const relations = model.relations(CERTIFICATES_ENDPOINT).filter((relation) => relation.isActive);
  const refused: { who: string; reason: string }[] = [];
  if (relations.length > 0) {
    const keyPem = ensureCaKey(model);
    const ca = { keyPem, certPem: caCertificatePem(keyPem) };
    // From the model's clock, to the second (X.509 times have no finer grain).
    const now = Math.floor(model.now() / 1000) * 1000;
    const validity = validityOption.kind === "valid" ? { notBefore: new Date(now), notAfter: new Date(now + validityOption.ms) } : undefined;
    for (const relation of relations) {
      const published = publishedAnswers(relation.localAppData().entries());
      const answered = answerRequests(requestBags(relation), ca, { published, ...(validity ? { validity } : {}) });
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
