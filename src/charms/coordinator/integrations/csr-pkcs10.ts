/**
 * PKCS#10 certificate signing requests for the coordinator's one certificate: build one from a
 * private key and the names it should cover, and read back what an existing one asks for.
 *
 * node-forge encodes the ASN.1; the signature comes from `node:crypto` (native and fast, where
 * forge's pure-JS RSA takes about a second). RSA PKCS#1 v1.5 signatures are deterministic, so the
 * same key and names always give the same bytes — a CSR never changes unless what it asks for does.
 * A renewal adds one input, an `x500UniqueIdentifier` in the subject (tls-renewal.ts), and is just
 * as deterministic.
 */
import { nodeCrypto } from "../../../juju/lazy-builtins.js";
import { createRequire } from "node:module";
import type forge from "node-forge";

let loadedForge: typeof forge | undefined;

/**
 * node-forge, loaded when a hook first makes or reads a CSR: evaluating it at start-up cost every
 * hook about 10 ms (measured with `--cpu-prof`), and most hooks never touch a CSR. In the bundled
 * charm the plain `require` loads node-forge's own file beside the bundle (`lib/node-forge.cjs`,
 * scripts/charm-layout.ts), so the bundle does not even carry its source; run from source (tsx,
 * vitest) an ES module has no `require`, so Node's is made.
 */
function forgeLibrary(): typeof forge {
  loadedForge ??= (typeof require === "function" ? require("node-forge") : createRequire(import.meta.url)("node-forge")) as typeof forge;
  return loadedForge;
}

export interface CertificateRequest {
  readonly commonName: string;
  /** DNS subject alternative names, sorted and unique. */
  readonly dnsNames: readonly string[];
}

/** What an existing CSR asks for, and for which public key (SPKI DER, base64). */
export interface CsrContent extends CertificateRequest {
  readonly publicKeySpki: string;
  /** The subject's `x500UniqueIdentifier`, which only a renewal request carries. */
  readonly uniqueIdentifier?: string;
}

export type CsrReading = { readonly kind: "valid"; readonly csr: CsrContent } | { readonly kind: "invalid"; readonly reason: string };

/** forge builds the CertificationRequestInfo, but its type declarations omit the function. */
type PkiInternals = {
  getCertificationRequestInfo(csr: forge.pki.CertificateSigningRequest): forge.asn1.Asn1;
};

/** SubjectAltName `dNSName` is context tag 2 (RFC 5280 §4.2.1.6). */
const DNS_NAME = 2;
/** sha256WithRSAEncryption (RFC 4055): what the tls-certificates library's CSRs use. */
const SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
/**
 * x500UniqueIdentifier (X.520, 2.5.4.45). Canonical's tls-certificates library puts one, a random
 * UUID, after the common name of every request, encoded as a UTF8String (Python cryptography's
 * default for a text value); ours has the same place and encoding.
 */
const X500_UNIQUE_IDENTIFIER = "2.5.4.45";
/**
 * ASN.1's universal tag 12, UTF8String (forge's `asn1.Type.UTF8`, written out so that forge stays
 * unloaded until a CSR is made). forge reads `valueTagClass` as the tag number; its types say `Class`.
 */
const UTF8_STRING = 12 as unknown as forge.asn1.Class;

/**
 * A CSR for `request`, signed with `privateKeyPem` (an RSA key). The PEM is trimmed, as the
 * tls-certificates library writes and compares it.
 */
export function createCsr(privateKeyPem: string, request: CertificateRequest, uniqueIdentifier?: string): string {
  const { createPrivateKey, createPublicKey } = nodeCrypto();
  const privateKey = createPrivateKey(privateKeyPem);
  const spkiPem = createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
  const { pki, asn1 } = forgeLibrary();
  const csr = pki.createCertificationRequest();
  csr.publicKey = pki.publicKeyFromPem(spkiPem);
  csr.setSubject([
    { name: "commonName", value: request.commonName },
    ...(uniqueIdentifier === undefined ? [] : [{ type: X500_UNIQUE_IDENTIFIER, value: uniqueIdentifier, valueTagClass: UTF8_STRING }]),
  ]);
  if (request.dnsNames.length > 0) {
    csr.setAttributes([
      {
        name: "extensionRequest",
        extensions: [{ name: "subjectAltName", altNames: request.dnsNames.map((value) => ({ type: DNS_NAME, value })) }],
      },
    ]);
  }
  csr.signatureOid = csr.siginfo.algorithmOid = SHA256_WITH_RSA;
  const info = (pki as unknown as PkiInternals).getCertificationRequestInfo(csr);
  csr.certificationRequestInfo = info;
  const infoDer = Buffer.from(asn1.toDer(info).getBytes(), "binary");
  csr.signature = nodeCrypto().sign("sha256", infoDer, privateKey).toString("binary");
  return pki.certificationRequestToPem(csr).trim();
}

/** Read a CSR (ours from an earlier hook, or one echoed back by a provider); never throws. */
export function readCsr(pem: string): CsrReading {
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = forgeLibrary().pki.certificationRequestFromPem(pem, true);
  } catch (error) {
    return { kind: "invalid", reason: `not a PEM certificate signing request (${describeError(error)})` };
  }
  if (!csr.publicKey || !verifies(csr)) return { kind: "invalid", reason: "its signature does not verify" };
  const commonName = csr.subject.getField("CN")?.value;
  const extensionRequest = csr.getAttribute({ name: "extensionRequest" }) as { extensions?: unknown[] } | null;
  const dnsNames = (extensionRequest?.extensions ?? []).flatMap((extension) => subjectAltDnsNames(extension));
  const uniqueIdentifier = csr.subject.getField({ type: X500_UNIQUE_IDENTIFIER })?.value;
  return {
    kind: "valid",
    csr: {
      commonName: typeof commonName === "string" ? commonName : "",
      dnsNames: [...new Set(dnsNames)].sort(),
      publicKeySpki: forgePublicKeySpki(csr.publicKey as forge.pki.rsa.PublicKey),
      ...(typeof uniqueIdentifier === "string" ? { uniqueIdentifier } : {}),
    },
  };
}

/** The SPKI DER (base64) of a private key's public half, to compare with `CsrContent.publicKeySpki`. */
export function publicKeySpki(privateKeyPem: string): string {
  const { createPrivateKey, createPublicKey } = nodeCrypto();
  return createPublicKey(createPrivateKey(privateKeyPem)).export({ type: "spki", format: "der" }).toString("base64");
}

/** Whether `csr` asks exactly for `request` with the key `privateKeyPem`. */
export function csrAsksFor(csr: CsrContent, request: CertificateRequest, privateKeyPem: string): boolean {
  return (
    csr.commonName === request.commonName &&
    csr.dnsNames.length === request.dnsNames.length &&
    csr.dnsNames.every((name, index) => name === request.dnsNames[index]) &&
    csr.publicKeySpki === publicKeySpki(privateKeyPem)
  );
}

function subjectAltDnsNames(extension: unknown): string[] {
  if (typeof extension !== "object" || extension === null) return [];
  const { name, altNames } = extension as { name?: unknown; altNames?: unknown };
  if (name !== "subjectAltName" || !Array.isArray(altNames)) return [];
  return altNames.flatMap((altName: { type?: unknown; value?: unknown }) =>
    altName.type === DNS_NAME && typeof altName.value === "string" ? [altName.value] : [],
  );
}

function forgePublicKeySpki(publicKey: forge.pki.rsa.PublicKey): string {
  const { asn1, pki } = forgeLibrary();
  return Buffer.from(asn1.toDer(pki.publicKeyToAsn1(publicKey)).getBytes(), "binary").toString("base64");
}

/** forge throws, rather than answering false, for some broken signatures. */
function verifies(csr: forge.pki.CertificateSigningRequest): boolean {
  try {
    return csr.verify();
  } catch {
    return false;
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
