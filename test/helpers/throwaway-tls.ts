/**
 * A throwaway CA and a server certificate it signed, for tests that run real TLS servers and
 * clients (nginx, node:https, node:http2). Keys come from node:crypto (fast, native); node-forge
 * encodes and signs the X.509. Never reused beyond one test file.
 */
import { generateKeyPairSync } from "node:crypto";
import forge from "node-forge";

export interface ThrowawayTls {
  readonly caCert: string;
  readonly serverCert: string;
  /** PKCS#1 PEM, as the coordinator's key secret holds it. */
  readonly serverKey: string;
}

function rsaKeyPair(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

/** A CA, and a certificate it issued for `dnsNames` and `ipAddresses`, valid from yesterday for a day more than a year. */
export function throwawayTls(dnsNames: readonly string[], ipAddresses: readonly string[] = []): ThrowawayTls {
  const now = Date.now();
  const validity = { notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 366 * 86_400_000) };
  const caKeys = rsaKeyPair();
  const caKey = forge.pki.privateKeyFromPem(caKeys.privatePem);
  const caName = [{ name: "commonName", value: "throwaway test CA" }];
  const ca = forge.pki.createCertificate();
  ca.publicKey = forge.pki.publicKeyFromPem(caKeys.publicPem);
  ca.serialNumber = "01";
  ca.validity.notBefore = validity.notBefore;
  ca.validity.notAfter = validity.notAfter;
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
  ]);
  ca.sign(caKey, forge.md.sha256.create());

  const serverKeys = rsaKeyPair();
  const server = forge.pki.createCertificate();
  server.publicKey = forge.pki.publicKeyFromPem(serverKeys.publicPem);
  server.serialNumber = "02";
  server.validity.notBefore = validity.notBefore;
  server.validity.notAfter = validity.notAfter;
  server.setSubject([{ name: "commonName", value: dnsNames[0] ?? "server" }]);
  server.setIssuer(caName);
  server.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
    { name: "extKeyUsage", serverAuth: true, clientAuth: true },
    {
      name: "subjectAltName",
      altNames: [...dnsNames.map((value) => ({ type: 2, value })), ...ipAddresses.map((ip) => ({ type: 7, ip }))],
    },
  ]);
  server.sign(caKey, forge.md.sha256.create());
  return { caCert: forge.pki.certificateToPem(ca), serverCert: forge.pki.certificateToPem(server), serverKey: serverKeys.privatePem };
}
