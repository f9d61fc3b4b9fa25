/**
 * The tls-certificates v1 databags, as the coordinator (a requirer in application mode) reads and
 * writes them. Wire facts, from the published v1 schema and Canonical's v4 library:
 * - the requirer's application bag holds `certificate_signing_requests`, a JSON list of
 *   `{certificate_signing_request: <PEM>, ca: <bool>}`;
 * - the provider's application bag holds `certificates`, a JSON list of
 *   `{certificate_signing_request, certificate, ca, chain?, revoked?}` (all PEM), one per CSR it
 *   answered; a requirer finds its certificate by the CSR text, compared trimmed.
 */
import * as z from "zod";
import type { Parsed } from "../../../interface/parsed.js";

export const REQUIRER_CSRS_KEY = "certificate_signing_requests";
export const PROVIDER_CERTIFICATES_KEY = "certificates";

const Pem = z.string().trim().min(1, { error: "empty" });

export const CertificateSigningRequestEntry = z.object({
  certificate_signing_request: Pem,
  ca: z.boolean().nullish(),
});

export const ProviderCertificateEntry = z.object({
  certificate_signing_request: Pem,
  certificate: Pem,
  ca: Pem,
  chain: z.array(Pem).nullish(),
  revoked: z.boolean().nullish(),
  recommended_expiry_notification_time: z.number().nullish(),
});
export type ProviderCertificateEntry = z.output<typeof ProviderCertificateEntry>;

/** Our application bag: one non-CA request. */
export function requirerDatabag(csrPem: string): Record<string, string> {
  return { [REQUIRER_CSRS_KEY]: JSON.stringify([{ certificate_signing_request: csrPem.trim(), ca: false }]) };
}

/** The CSRs our application bag holds (written by an earlier hook), trimmed. */
export function decodeRequirerDatabag(bag: Readonly<Record<string, string>>): Parsed<string[]> {
  const decoded = decodeJsonList(bag, REQUIRER_CSRS_KEY, CertificateSigningRequestEntry);
  return decoded.kind === "valid"
    ? { kind: "valid", data: decoded.data.map((entry) => entry.certificate_signing_request) }
    : decoded;
}

/** The certificates a provider published; untrusted, so never throws. */
export function decodeProviderDatabag(bag: Readonly<Record<string, string>>): Parsed<ProviderCertificateEntry[]> {
  return decodeJsonList(bag, PROVIDER_CERTIFICATES_KEY, ProviderCertificateEntry);
}

function decodeJsonList<Entry extends z.ZodType>(
  bag: Readonly<Record<string, string>>,
  key: string,
  entry: Entry,
): Parsed<z.output<Entry>[]> {
  const raw = bag[key];
  if (raw === undefined || raw === "") return { kind: "absent" };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { kind: "invalid", reasons: [`${key} is not JSON`] };
  }
  const checked = z.array(entry).safeParse(json);
  if (!checked.success) {
    return {
      kind: "invalid",
      reasons: checked.error.issues.map((issue) => `${[key, ...issue.path.map(String)].join(".")}: ${issue.message}`),
    };
  }
  return { kind: "valid", data: checked.data };
}
