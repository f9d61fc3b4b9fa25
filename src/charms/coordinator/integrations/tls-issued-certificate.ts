/**
 * Which certificate the provider published is ours and fit to hand to every worker. The provider's
 * data is untrusted: each candidate is checked with `node:crypto`'s X.509 parser against our key
 * and the name internal clients verify, and every refusal is a reason, never an exception.
 */
import type { X509Certificate } from "node:crypto";
import { nodeCrypto } from "../../../juju/lazy-builtins.js";
import type { ProviderCertificateEntry } from "./tls-certificates-databags.js";
import type { CertificateValidity } from "./tls-renewal.js";

export interface IssuedCertificate {
  readonly caCert: string;
  readonly serverCert: string;
}

/** When a chosen certificate is valid, and the provider's notice before its expiry (hours), if any. */
export interface ChosenValidity {
  readonly validity: CertificateValidity;
  readonly providerNoticeHours?: number | null | undefined;
}

export type CertificateChoice =
  /** The provider answered our current CSR with a usable certificate. */
  | ({ readonly kind: "current"; readonly certificate: IssuedCertificate } & ChosenValidity)
  /**
   * Our current CSR is not answered (yet, or unusably), but a certificate for an earlier CSR of ours
   * still fits: keep serving with it instead of dropping the whole cluster back to plain text while
   * a new worker application's names are being signed.
   */
  | ({ readonly kind: "previous"; readonly certificate: IssuedCertificate; readonly currentProblems: readonly string[] } & ChosenValidity)
  /** The answer to our current CSR is unusable, and nothing else is. */
  | { readonly kind: "unusable"; readonly reasons: readonly string[] }
  /** Nothing for us yet. */
  | { readonly kind: "none" };

export type Assessment =
  | { readonly kind: "usable"; readonly certificate: IssuedCertificate; readonly validity: CertificateValidity }
  | { readonly kind: "unusable"; readonly reason: string };

export interface ChoiceInputs {
  readonly offered: readonly ProviderCertificateEntry[];
  /** Our application bag's CSR, when it asks for what we want now. */
  readonly currentCsr: string | undefined;
  readonly privateKeyPem: string;
  readonly serverName: string;
}

export function chooseCertificate(inputs: ChoiceInputs): CertificateChoice {
  const assessed = inputs.offered.map((entry) => ({
    isCurrent: inputs.currentCsr !== undefined && entry.certificate_signing_request.trim() === inputs.currentCsr.trim(),
    providerNoticeHours: entry.recommended_expiry_notification_time,
    assessment: assessCertificate(entry, inputs.privateKeyPem, inputs.serverName),
  }));
  const current = assessed.filter((candidate) => candidate.isCurrent);
  const currentUsable = current.find((candidate) => candidate.assessment.kind === "usable");
  if (currentUsable?.assessment.kind === "usable") {
    const { certificate, validity } = currentUsable.assessment;
    return { kind: "current", certificate, validity, providerNoticeHours: currentUsable.providerNoticeHours };
  }

  const currentProblems = current.flatMap(({ assessment }) => (assessment.kind === "unusable" ? [assessment.reason] : []));
  // Ours by key: the provider's bag for this relation only answers this relation's requests, and the
  // key match proves the certificate was issued for a CSR we signed.
  const previous = assessed
    .filter((candidate) => !candidate.isCurrent)
    .flatMap(({ assessment, providerNoticeHours }) => (assessment.kind === "usable" ? [{ ...assessment, providerNoticeHours }] : []))
    // The longest-lived first; ties by text, so the choice never depends on the provider's order.
    .sort((a, b) => b.validity.notAfter - a.validity.notAfter || compareText(a.certificate.serverCert, b.certificate.serverCert))[0];
  if (previous) {
    const { certificate, validity, providerNoticeHours } = previous;
    return { kind: "previous", certificate, currentProblems, validity, providerNoticeHours };
  }
  if (currentProblems.length > 0) return { kind: "unusable", reasons: currentProblems };
  return { kind: "none" };
}

/** Everything a worker needs to trust and present this certificate, checked. */
function assessCertificate(entry: ProviderCertificateEntry, privateKeyPem: string, serverName: string): Assessment {
  if (entry.revoked === true) return { kind: "unusable", reason: "the certificate was revoked" };
  return checkIssuedCertificate({ caCert: entry.ca, serverCert: entry.certificate }, privateKeyPem, serverName);
}

/**
 * Whether workers can present `certificate` with our key to clients verifying `serverName`, and
 * trust it through `caCert`. Also used on the certificate we published last, before keeping it.
 */
export function checkIssuedCertificate(certificate: IssuedCertificate, privateKeyPem: string, serverName: string): Assessment {
  const server = parseCertificate(certificate.serverCert);
  if (!server) return { kind: "unusable", reason: "`certificate` is not a PEM X.509 certificate" };
  if (!parseCertificate(certificate.caCert)) return { kind: "unusable", reason: "`ca` is not a PEM X.509 certificate" };
  if (server.ca) return { kind: "unusable", reason: "the certificate is a CA certificate, not a server certificate" };
  if (!server.checkPrivateKey(nodeCrypto().createPrivateKey(privateKeyPem))) {
    return { kind: "unusable", reason: "the certificate does not match our private key" };
  }
  if (server.checkHost(serverName) === undefined) {
    return { kind: "unusable", reason: `the certificate does not cover ${serverName}` };
  }
  return { kind: "usable", certificate, validity: { notBefore: Date.parse(server.validFrom) || 0, notAfter: Date.parse(server.validTo) || 0 } };
}

function parseCertificate(pem: string): X509Certificate | undefined {
  try {
    return new (nodeCrypto().X509Certificate)(pem);
  } catch {
    return undefined;
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
