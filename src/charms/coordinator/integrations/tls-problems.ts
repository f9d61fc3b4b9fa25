/**
 * What the certificates integration tells the operator in `juju status`: each message names the
 * provider and the relation or the fix. Waiting while the provider has not answered; blocked when
 * its answer is unusable (someone must look at the provider); maintenance while the previous
 * certificate still serves and a new one is being signed.
 */
import type { Problem } from "../status.js";

/** Reasons shown in one status line; the charm logs every problem in full. */
const REASONS_SHOWN = 2;

export function waitingForCertificate(provider: string): Problem {
  return { severity: "waiting", message: `waiting for ${provider} to issue the TLS certificate (certificates relation)` };
}

/** `isKeepingCertificate`: the workers go on with the certificate they have rather than drop TLS. */
export function invalidProviderData(provider: string, reasons: readonly string[], isKeepingCertificate = false): Problem {
  const keeping = isKeepingCertificate ? " (the workers keep their current certificate)" : "";
  return {
    severity: "blocked",
    message: `${provider} sent invalid certificates data (${summarize(reasons)})${keeping}: check ${provider}, or remove the certificates relation`,
  };
}

export function unusableCertificate(provider: string, reasons: readonly string[]): Problem {
  return {
    severity: "blocked",
    message: `the TLS certificate from ${provider} is unusable (${summarize(reasons)}): check ${provider}, or remove the certificates relation`,
  };
}

/** `isRenewal`: the pending request renews the certificate; otherwise it covers new names. */
export function servingPreviousCertificate(provider: string, currentProblems: readonly string[], isRenewal = false): Problem {
  const why = currentProblems.length > 0 ? `; the new one is unusable (${summarize(currentProblems)})` : "";
  const request = isRenewal ? "the request that renews it" : "the request for the current workers";
  return {
    severity: "maintenance",
    message: `TLS: using the previous certificate until ${provider} signs ${request}${why}`,
  };
}

/**
 * The certificate the workers present has expired: clients refuse it until the provider signs the
 * renewal the coordinator asked for (it asks a third of the lifetime before expiry).
 */
export function expiredCertificate(provider: string, notAfter: number): Problem {
  return {
    severity: "blocked",
    message: `the TLS certificate expired at ${new Date(notAfter).toISOString().replace(".000Z", "Z")} and ${provider} has not signed its renewal: check ${provider}`,
  };
}

/**
 * The provider answered a renewal with a certificate already due for renewal that expires hardly
 * later than the one it replaced (fixed dates, backdating, or capped at its CA's expiry), so the
 * coordinator does not ask again: each answer would restart every worker for nothing.
 */
export function renewalStalled(provider: string, notAfter: number): Problem {
  return {
    severity: "blocked",
    message: `${provider} renewed the TLS certificate only until ${new Date(notAfter).toISOString().replace(".000Z", "Z")}, already due for renewal; not asking again: check ${provider}'s certificate validity and CA`,
  };
}

function summarize(reasons: readonly string[]): string {
  const hidden = reasons.length - REASONS_SHOWN;
  return reasons.slice(0, REASONS_SHOWN).join("; ") + (hidden > 0 ? `; and ${hidden} more` : "");
}
