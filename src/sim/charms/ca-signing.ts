/**
 * The X.509 work of the simulator's certificate authority: a self-signed CA certificate for a key,
 * and a server certificate for a PKCS#10 request. Pure functions of their inputs, so a CA that
 * keeps its key answers the same request with the same bytes in every hook — and the provider bag
 * it rewrites never changes unless a request does (no relation-changed storm).
 *
 * What makes the bytes repeatable: validity dates that are inputs (fixed ones by default), serials
 * derived from what is signed (the CA's from its public key, a server certificate's from the CSR
 * and its start date), and RSA PKCS#1 v1.5 signatures, which are deterministic. The keys
 * themselves are random (see certificates-authority.ts).
 *
 * node-forge encodes the ASN.1; `node:crypto` signs (native, where forge's pure-JS RSA is slow).
 * Untrusted requests are checked and refused with a reason, never an exception.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import forge from "node-forge";

/** sha256WithRSAEncryption (RFC 4055). */
const SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
/** GeneralName tags (RFC 5280 §4.2.1.6) this CA copies from a request. */
const DNS_NAME = 2;
const IP_ADDRESS = 7;

/**
 * Fixed so that a run today and a run next year sign identical certificates. Wide enough that no
 * simulated clock is outside it; a real CA would use its clock and rotate.
 */
export const CA_VALIDITY = { notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date("2045-01-01T00:00:00Z") } as const;
export const SERVER_CERT_VALIDITY = CA_VALIDITY;

export const CA_COMMON_NAME = "Simulated Juju model CA";

export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export type SignedCertificate =
  | { readonly kind: "signed"; readonly certificate: string }
  | { readonly kind: "refused"; readonly reason: string };

/** An RSA 2048 key, PKCS#8 PEM. Random: the caller keeps it (the charm, in a Juju secret). */
export function generateCaKeyPem(): string {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return privateKey.export({ type: "pkcs8", format: "pem" }).toString().trim();
}

/** The CA's own certificate: self-signed, CA:TRUE, allowed to sign certificates. */
export function caCertificatePem(caKeyPem: string): string {
  const publicKey = forgePublicKeyOf(caKeyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialFrom(forge.asn1.toDer(forge.pki.publicKeyToAsn1(publicKey)).getBytes());
  cert.validity.notBefore = CA_VALIDITY.notBefore;
  cert.validity.notAfter = CA_VALIDITY.notAfter;
  const name = [{ name: "commonName", value: CA_COMMON_NAME }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  return signWith(cert, caKeyPem);
}

/**
 * A server certificate for `csrPem`, issued by the CA: the request's subject and its DNS and IP
 * names, for TLS servers and clients (Tempo's workers are both to each other).
 */
export function signServerCertificate(csrPem: string, caKeyPem: string, caCertPem: string, validity: Validity = SERVER_CERT_VALIDITY): SignedCertificate {
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = forge.pki.certificationRequestFromPem(csrPem, true);
  } catch (error) {
    return { kind: "refused", reason: `not a PEM certificate signing request (${error instanceof Error ? error.message : String(error)})` };
  }
  if (!csr.publicKey || !verifies(csr)) return { kind: "refused", reason: "the request's signature does not verify" };
  const altNames = requestedAltNames(csr);
  if (altNames.length === 0 && csr.subject.getField("CN") === null) {
    return { kind: "refused", reason: "the request names no subject and no subject alternative name" };
  }
  const caCert = forge.pki.certificateFromPem(caCertPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = csr.publicKey;
  // The start date is part of the serial: a request signed again later gets another serial.
  cert.serialNumber = serialFrom((forge.pem.decode(csrPem)[0]?.body ?? csrPem) + validity.notBefore.toISOString());
  cert.validity.notBefore = validity.notBefore;
  cert.validity.notAfter = validity.notAfter;
  cert.setSubject(csr.subject.attributes);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true, clientAuth: true },
    ...(altNames.length > 0 ? [{ name: "subjectAltName", altNames }] : []),
    { name: "subjectKeyIdentifier" },
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  return { kind: "signed", certificate: signWith(cert, caKeyPem) };
}

/** DNS and IP subject alternative names from the request's extensionRequest, in its order. */
type AltName = { readonly type: number; readonly value?: string; readonly ip?: string };

function requestedAltNames(csr: forge.pki.CertificateSigningRequest): AltName[] {
  const extensionRequest = csr.getAttribute({ name: "extensionRequest" }) as { extensions?: unknown[] } | null;
  return (extensionRequest?.extensions ?? []).flatMap((extension) => {
    const { name, altNames } = (extension ?? {}) as { name?: unknown; altNames?: unknown };
    if (name !== "subjectAltName" || !Array.isArray(altNames)) return [];
    return altNames.flatMap((altName: { type?: unknown; value?: unknown; ip?: unknown }): AltName[] => {
      if (altName.type === DNS_NAME && typeof altName.value === "string") return [{ type: DNS_NAME, value: altName.value }];
      if (altName.type === IP_ADDRESS && typeof altName.ip === "string") return [{ type: IP_ADDRESS, ip: altName.ip }];
      return [];
    });
  });
}

/** Build the TBSCertificate with forge, sign it natively, return the PEM (trimmed, as the library writes it). */
function signWith(cert: forge.pki.Certificate, caKeyPem: string): string {
  cert.siginfo.algorithmOid = SHA256_WITH_RSA;
  cert.signatureOid = SHA256_WITH_RSA;
  const pkiInternals = forge.pki as unknown as { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 };
  const tbs = pkiInternals.getTBSCertificate(cert);
  (cert as unknown as { tbsCertificate: forge.asn1.Asn1 }).tbsCertificate = tbs;
  const tbsDer = Buffer.from(forge.asn1.toDer(tbs).getBytes(), "binary");
  cert.signature = sign("sha256", tbsDer, createPrivateKey(caKeyPem)).toString("binary");
  // forge ends PEM lines with CRLF; the tls-certificates library (Python's cryptography) writes LF.
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, "\n").trim();
}

function forgePublicKeyOf(privateKeyPem: string): forge.pki.rsa.PublicKey {
  const spkiPem = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: "spki", format: "pem" }).toString();
  return forge.pki.publicKeyFromPem(spkiPem);
}

/**
 * A positive 16-byte serial from the bytes it identifies: unique per request in practice, and the
 * same for the same request (RFC 5280 §4.1.2.2 allows up to 20 octets). forge writes the hex as the
 * INTEGER's content bytes verbatim, so the first byte is kept in 0x01–0x7f: the top bit clear keeps
 * the integer positive, and a non-zero byte keeps its DER encoding minimal.
 */
function serialFrom(bytes: string): string {
  const digest = createHash("sha256").update(Buffer.from(bytes, "binary")).digest();
  digest[0] = (digest[0]! & 0x7f) | 0x01;
  return digest.subarray(0, 16).toString("hex");
}

/** forge throws, rather than answering false, for some broken signatures. */
function verifies(csr: forge.pki.CertificateSigningRequest): boolean {
  try {
    return csr.verify();
  } catch {
    return false;
  }
}
