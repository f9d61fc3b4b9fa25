/**
 * What the certificates integration tells the operator in `juju status`: each message names the
 * provider and the relation or the fix. Waiting while the provider has not answered; blocked when
 * its answer is unusable (someone must look at the provider); maintenance while the previous
 * certificate still serves and a new one is being signed.
 */
import type { NeighbourRelation, Problem } from "../status.js";

/** The certificates relation's far end, named as `juju remove-relation` takes it. */
export type CertificatesProvider = Omit<NeighbourRelation, "endpoint">;

/** Going without TLS is always one command away. */
function withoutTls(provider: CertificatesProvider): string {
  return `juju remove-relation ${provider.coordinator}:certificates ${provider.app}`;
}

/** Reasons shown in one status line; the charm logs every problem in full. */
const REASONS_SHOWN = 2;

export function waitingForCertificate(provider: CertificatesProvider): Problem {
  return { severity: "waiting", message: `waiting for ${provider.app} to issue the TLS certificate (to go without TLS: ${withoutTls(provider)})` };
}

/** `isKeepingCertificate`: the workers go on with the certificate they have rather than drop TLS. */
export function invalidProviderData(provider: CertificatesProvider, reasons: readonly string[], isKeepingCertificate = false): Problem {
  const keeping = isKeepingCertificate ? " (the workers keep their current certificate)" : "";
  return {
    severity: "blocked",
    message: `${provider.app} sent invalid certificates data (${summarize(reasons)})${keeping}: check ${provider.app}, or go without TLS: ${withoutTls(provider)}`,
  };
}

export function unusableCertificate(provider: CertificatesProvider, reasons: readonly string[]): Problem {
  return {
    severity: "blocked",
    message: `the TLS certificate from ${provider.app} is unusable (${summarize(reasons)}): check ${provider.app}, or go without TLS: ${withoutTls(provider)}`,
  };
}

/** `isRenewal`: the pending request renews the certificate; otherwise it covers new names. */
export function servingPreviousCertificate(provider: CertificatesProvider, currentProblems: readonly string[], isRenewal = false): Problem {
  const why = currentProblems.length > 0 ? `; the new one is unusable (${summarize(currentProblems)})` : "";
  const request = isRenewal ? "the request that renews it" : "the request for the current workers";
  return {
    severity: "maintenance",
    message: `TLS: using the previous certificate until ${provider.app} signs ${request}${why}`,
  };
}

/**
 * The certificate the workers present has expired: clients refuse it until the provider signs the
 * renewal the coordinator asked for (it asks a third of the lifetime before expiry).
 */
export function expiredCertificate(provider: CertificatesProvider, notAfter: number): Problem {
  return {
    severity: "blocked",
    message: `the TLS certificate expired at ${new Date(notAfter).toISOString().replace(".000Z", "Z")} and ${provider.app} has not signed its renewal: check ${provider.app}`,
  };
}

/**
 * The provider answered a renewal with a certificate already due for renewal that expires hardly
 * later than the one it replaced (fixed dates, backdating, or capped at its CA's expiry), so the
 * coordinator does not ask again: each answer would restart every worker for nothing.
 */
export function renewalStalled(provider: CertificatesProvider, notAfter: number): Problem {
  return {
    severity: "blocked",
    message: `${provider.app} renewed the TLS certificate only until ${new Date(notAfter).toISOString().replace(".000Z", "Z")}, already due for renewal; not asking again: check ${provider.app}'s certificate validity and CA`,
  };
}

function summarize(reasons: readonly string[]): string {
  const hidden = reasons.length - REASONS_SHOWN;
  return reasons.slice(0, REASONS_SHOWN).join("; ") + (hidden > 0 ? `; and ${hidden} more` : "");
}
