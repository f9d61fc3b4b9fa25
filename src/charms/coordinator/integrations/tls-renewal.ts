/**
 * When the coordinator's certificate is due for renewal, and what it asks the provider for then.
 * Pure: times are ms since the epoch, the clock is the caller's.
 *
 * The due time is a third of the certificate's lifetime before it expires, or earlier when the
 * provider recommends it. That is the default of Canonical's tls-certificates library v3
 * (`calculate_expiry_notification_time`: the provider's `recommended_expiry_notification_time`,
 * in hours before expiry, when it falls inside the validity, else a third of the lifetime before
 * expiry); its v4 renews at 90% of the time left when the certificate arrived. A third leaves the
 * provider and a rollout across every worker a comfortable margin either way.
 *
 * How the request differs. A provider answers each CSR once (tls-certificates v4
 * `get_outstanding_certificate_requests`: a CSR with an issued, unrevoked certificate is not
 * outstanding), and writing a byte-identical CSR changes nothing in the databag, so renewal needs
 * a new CSR. The library gets one from a random `x500UniqueIdentifier` (a UUID) it puts in every
 * subject. Ours is the same attribute, derived from the certificate being renewed, so the request
 * keeps its key and names, stays a pure function of its inputs (the same key, names and renewed
 * certificate give the same bytes), and a leader that runs the same hook twice, or a new leader,
 * writes exactly the same request.
 */
import { nodeCrypto } from "../../../juju/lazy-builtins.js";

export interface CertificateValidity {
  readonly notBefore: number;
  readonly notAfter: number;
}

/**
 * Juju runs `secret-expired` once the expire time truncated to the minute is past
 * (worker/secretexpire `expire`), so up to a minute early; the next try would come only after
 * `ExpireRetryDelay` (5 minutes, core/secrets). A renewal this close to its due time counts as due.
 */
export const JUJU_EXPIRY_GRANULARITY_MS = 60_000;

/** Provider recommendations beyond this (about 11 years) are not a notice period but noise. */
const MAX_NOTICE_HOURS = 100_000;
const HOUR_MS = 3_600_000;

/**
 * When a certificate valid over `validity` is due for renewal: a third of its lifetime before it
 * expires, or the provider's notice (`recommended_expiry_notification_time`, hours before expiry,
 * as the library reads it) when that is earlier and still after the certificate became valid.
 */
export function renewalDueAt(validity: CertificateValidity, providerNoticeHours?: number | null): number {
  const lifetime = Math.max(0, validity.notAfter - validity.notBefore);
  const byLifetime = validity.notAfter - lifetime / 3;
  if (providerNoticeHours === undefined || providerNoticeHours === null || !Number.isFinite(providerNoticeHours)) return byLifetime;
  const hours = Math.abs(providerNoticeHours);
  if (hours > MAX_NOTICE_HOURS) return byLifetime;
  const byProvider = validity.notAfter - hours * HOUR_MS;
  return byProvider > validity.notBefore ? Math.min(byLifetime, byProvider) : byLifetime;
}

/**
 * The `x500UniqueIdentifier` of the request that renews `certificatePem`: a UUID, the form the
 * library writes, made from a SHA-256 of the certificate's DER (RFC 9562 version 8, the layout
 * for name-based UUIDs of a hash other than SHA-1), so it is the same for the same certificate.
 */
export function renewalIdentifier(certificatePem: string): string {
  const { X509Certificate, createHash } = nodeCrypto();
  const der = new X509Certificate(certificatePem).raw;
  const bytes = createHash("sha256").update("tempo-coordinator renewal of ").update(der).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The certificate workers are given this hook, and whether it answers our current request. */
export interface ServedCertificate {
  readonly serverCert: string;
  readonly validity: CertificateValidity;
  readonly providerNoticeHours?: number | null | undefined;
  /** False while serving the previous certificate (a renewal or new names are being signed). */
  readonly answersCurrentRequest: boolean;
  /** The request it answers is itself a renewal. */
  readonly answersRenewal?: boolean;
}

export type RenewalPlan = {
  /** Renew now: ask again with this unique identifier in the subject. */
  readonly renewWith: string | undefined;
  /**
   * When Juju should wake the leader next (`secret-expired` on the key's secret): the due time
   * while the certificate is fresh, its expiry while a new one is pending; undefined when that is
   * already past (update-status still runs) or nothing is served.
   */
  readonly wakeAt: number | undefined;
  /**
   * Due, but not renewed: the provider answered the last renewal with a certificate that is due
   * already and buys less than a third of its lifetime over the one it replaced. Asking again
   * would only repeat that, restarting every worker each time.
   */
  readonly stalledUntil?: number;
};

/**
 * What renewal asks of this hook. Only a certificate that answers our current request is renewed:
 * while the previous one is served, a request is already waiting for the provider, and asking
 * again would only replace it.
 *
 * `heldWakeAt` is the wake time the key's secret holds (ms, to the second), the leader's only
 * memory between hooks. When a renewal's answer arrives not yet due, the leader records its due
 * time there, so a certificate found due with another time held is one that was due on arrival.
 * Then the time held is the expiry of the certificate it renewed (recorded when the leader asked),
 * and the answer is renewed again only if it extends that by at least a third of its lifetime —
 * which a normal renewal does (by about two thirds), and a leader that slept past the due time
 * sees too, while a provider that signs for fixed dates, backdates, or caps certificates at its
 * CA's expiry does not.
 */
export function planRenewal(served: ServedCertificate | undefined, now: number, heldWakeAt?: number): RenewalPlan {
  if (served === undefined) return { renewWith: undefined, wakeAt: undefined };
  const dueAt = renewalDueAt(served.validity, served.providerNoticeHours);
  const isDue = served.answersCurrentRequest && now >= dueAt - JUJU_EXPIRY_GRANULARITY_MS;
  const lifetime = served.validity.notAfter - served.validity.notBefore;
  const isStalled =
    isDue &&
    served.answersRenewal === true &&
    heldWakeAt !== undefined &&
    seconds(heldWakeAt) !== seconds(dueAt) &&
    served.validity.notAfter - heldWakeAt < lifetime / 3;
  const renewWith = isDue && !isStalled ? renewalIdentifier(served.serverCert) : undefined;
  const wakeAt = served.answersCurrentRequest && !isDue ? dueAt : served.validity.notAfter;
  return {
    renewWith,
    wakeAt: wakeAt > now ? wakeAt : undefined,
    ...(isStalled ? { stalledUntil: served.validity.notAfter } : {}),
  };
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}
