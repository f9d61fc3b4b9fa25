/**
 * Certificate renewal's pure parts: when a certificate is due, what a hook does about it, and the
 * renewal request (same names and key, a unique identifier derived from the renewed certificate).
 */
import { execFileSync } from "node:child_process";
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import forge from "node-forge";
import { describe, expect, it } from "vitest";
import { createCsr, csrAsksFor, readCsr } from "../../../src/charms/coordinator/integrations/csr-pkcs10.js";
import { chooseCertificate } from "../../../src/charms/coordinator/integrations/tls-issued-certificate.js";
import { realComponent } from "../../helpers/real-component.js";
import { coordinatorCertificateRequest } from "../../../src/charms/coordinator/integrations/tls-request.js";
import {
  planRenewal,
  renewalDueAt,
  renewalIdentifier,
  type ServedCertificate,
} from "../../../src/charms/coordinator/integrations/tls-renewal.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ISSUED = Date.parse("2026-03-01T00:00:00Z");
/** A 90-day certificate, self-signed-certificates' default `certificate-validity`. */
const NINETY_DAYS = { notBefore: ISSUED, notAfter: ISSUED + 90 * DAY };

const rsaKeyPem = () =>
  generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const KEY = rsaKeyPem();

/** A self-signed certificate for KEY valid from `notBefore` to `notAfter`, serial `serial`. */
function certificate(validity: { notBefore: number; notAfter: number }, serial = "01"): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(createPublicKey(createPrivateKey(KEY)).export({ type: "spki", format: "pem" }).toString());
  cert.serialNumber = serial;
  cert.validity.notBefore = new Date(validity.notBefore);
  cert.validity.notAfter = new Date(validity.notAfter);
  cert.setSubject([{ name: "commonName", value: "tempo" }]);
  cert.setIssuer([{ name: "commonName", value: "tempo" }]);
  cert.siginfo.algorithmOid = cert.signatureOid = "1.2.840.113549.1.1.11";
  const tbs = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
  (cert as unknown as { tbsCertificate: forge.asn1.Asn1 }).tbsCertificate = tbs;
  cert.signature = sign("sha256", Buffer.from(forge.asn1.toDer(tbs).getBytes(), "binary"), createPrivateKey(KEY)).toString("binary");
  return forge.pki.certificateToPem(cert).trim();
}

function served(overrides: Partial<ServedCertificate> = {}): ServedCertificate {
  return { serverCert: certificate(NINETY_DAYS), validity: NINETY_DAYS, answersCurrentRequest: true, ...overrides };
}

describe("when the coordinator's certificate is due for renewal", () => {
  it("is a third of its lifetime before it expires", () => {
    expect(renewalDueAt(NINETY_DAYS)).toBe(ISSUED + 60 * DAY);
  });

  it("is the provider's recommended notice (hours before expiry) when that comes earlier", () => {
    expect(renewalDueAt(NINETY_DAYS, 45 * 24)).toBe(ISSUED + 45 * DAY);
  });

  it("ignores a provider notice that comes later than a third of the lifetime, or before the certificate is valid", () => {
    expect(renewalDueAt(NINETY_DAYS, 24)).toBe(ISSUED + 60 * DAY);
    expect(renewalDueAt(NINETY_DAYS, 100 * 24)).toBe(ISSUED + 60 * DAY);
    expect(renewalDueAt(NINETY_DAYS, Number.NaN)).toBe(ISSUED + 60 * DAY);
  });
});

describe("what a hook does about renewal", () => {
  it("asks nothing before the due time, and has Juju wake the leader at it", () => {
    expect(planRenewal(served(), ISSUED + 59 * DAY)).toEqual({ renewWith: undefined, wakeAt: ISSUED + 60 * DAY });
  });

  it("renews at the due time with an identifier derived from the certificate, and then wakes at its expiry", () => {
    const current = served();
    expect(planRenewal(current, ISSUED + 60 * DAY)).toEqual({ renewWith: renewalIdentifier(current.serverCert), wakeAt: ISSUED + 90 * DAY });
  });

  it("counts a wake-up up to a minute early as due, since Juju fires expire times truncated to the minute", () => {
    expect(planRenewal(served(), ISSUED + 60 * DAY - 59_000).renewWith).toBeDefined();
    expect(planRenewal(served(), ISSUED + 60 * DAY - 61_000).renewWith).toBeUndefined();
  });

  it("does not ask again while the previous certificate is served and a request is pending", () => {
    expect(planRenewal(served({ answersCurrentRequest: false }), ISSUED + 70 * DAY)).toEqual({ renewWith: undefined, wakeAt: ISSUED + 90 * DAY });
  });

  describe("for a certificate that answers a renewal", () => {
    // The renewal of a 90-day certificate that expired at ISSUED + 90 days, asked at day 60.
    const renewedValidity = { notBefore: ISSUED + 60 * DAY, notAfter: ISSUED + 150 * DAY };
    const answer = served({ serverCert: certificate(renewedValidity, "02"), validity: renewedValidity, answersRenewal: true });
    const askedAt = ISSUED + 90 * DAY; // what the leader held when it asked: the old expiry

    it("renews at its due time, which the leader recorded when it arrived", () => {
      expect(planRenewal(answer, ISSUED + 120 * DAY, ISSUED + 120 * DAY).renewWith).toBeDefined();
    });

    it("renews one first seen after its due time when it extends the old expiry by a third of its lifetime or more (a leader that slept)", () => {
      expect(planRenewal(answer, ISSUED + 125 * DAY, askedAt)).toMatchObject({ renewWith: expect.any(String) });
    });

    it("does not ask again when the answer was due on arrival and hardly outlives the certificate it replaced", () => {
      const capped = served({ serverCert: certificate({ notBefore: ISSUED + 60 * DAY, notAfter: ISSUED + 95 * DAY }, "03"), validity: { notBefore: ISSUED + 60 * DAY, notAfter: ISSUED + 95 * DAY }, answersRenewal: true });
      expect(planRenewal(capped, ISSUED + 84 * DAY, askedAt)).toEqual({ renewWith: undefined, wakeAt: ISSUED + 95 * DAY, stalledUntil: ISSUED + 95 * DAY });
      // And on every later hook, the expiry now being what the leader holds.
      expect(planRenewal(capped, ISSUED + 85 * DAY, ISSUED + 95 * DAY).stalledUntil).toBe(ISSUED + 95 * DAY);
    });
  });

  it("sets no wake time in the past, and does nothing without a certificate", () => {
    expect(planRenewal(served({ answersCurrentRequest: false }), ISSUED + 91 * DAY).wakeAt).toBeUndefined();
    expect(planRenewal(undefined, ISSUED)).toEqual({ renewWith: undefined, wakeAt: undefined });
  });
});

describe("the request that renews a certificate", () => {
  const request = coordinatorCertificateRequest({ appName: "tempo", modelName: "cos", workerApps: ["tempo-ingester"] });
  const renewed = certificate(NINETY_DAYS, "01");
  const identifier = renewalIdentifier(renewed);

  it("asks for the same names with the same key, and differs from the first request", () => {
    const first = createCsr(KEY, request);
    const renewal = createCsr(KEY, request, identifier);
    expect(renewal).not.toBe(first);
    const reading = readCsr(renewal);
    if (reading.kind !== "valid") throw new Error(reading.reason);
    expect(csrAsksFor(reading.csr, request, KEY)).toBe(true);
    expect(reading.csr.uniqueIdentifier).toBe(identifier);
  });

  it("is byte-for-byte the same for the same key, names and renewed certificate, and differs for another certificate", () => {
    expect(createCsr(KEY, request, renewalIdentifier(renewed))).toBe(createCsr(KEY, request, identifier));
    const next = certificate({ notBefore: ISSUED + 60 * DAY, notAfter: ISSUED + 150 * DAY }, "02");
    expect(renewalIdentifier(next)).not.toBe(identifier);
  });

  it("carries a UUID, as the tls-certificates library's requests do, after the common name as a UTF8String", () => {
    expect(identifier).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const csr = forge.pki.certificationRequestFromPem(createCsr(KEY, request, identifier), true);
    expect(csr.verify()).toBe(true);
    const attributes = csr.subject.attributes.map((attribute) => [attribute.type, attribute.valueTagClass]);
    expect(attributes).toEqual([
      ["2.5.4.3", forge.asn1.Type.PRINTABLESTRING],
      ["2.5.4.45", forge.asn1.Type.UTF8],
    ]);
  });
});

const openssl = realComponent("openssl");

describe.skipIf(!openssl.available)(`the renewal request through a real CA (${openssl.reason})`, () => {
  const request = coordinatorCertificateRequest({ appName: "tempo", modelName: "cos", workerApps: ["tempo-ingester"] });

  it("is verified, read and signed by openssl, and the coordinator takes the certificate as the answer to it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "renewal-ca-"));
    try {
      const run = (args: string[]) => execFileSync(openssl.path, args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      const renewal = createCsr(KEY, request, renewalIdentifier(certificate(NINETY_DAYS)));
      writeFileSync(path.join(dir, "renewal.csr"), `${renewal}\n`);
      writeFileSync(path.join(dir, "first.csr"), `${createCsr(KEY, request)}\n`);
      expect(run(["req", "-in", "renewal.csr", "-noout", "-verify", "-subject", "-nameopt", "sep_multiline"])).toContain(
        `x500UniqueIdentifier=${renewalIdentifier(certificate(NINETY_DAYS))}`,
      );
      // The same public key as the first request.
      expect(run(["req", "-in", "renewal.csr", "-noout", "-pubkey"])).toBe(run(["req", "-in", "first.csr", "-noout", "-pubkey"]));
      run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=test-ca", "-days", "2"]);
      run(["x509", "-req", "-in", "renewal.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-copy_extensions", "copyall", "-days", "1", "-out", "renewed.crt"]);
      const read = (name: string) => readFileSync(path.join(dir, name), "utf8");
      const choice = chooseCertificate({
        offered: [{ certificate_signing_request: renewal, certificate: read("renewed.crt"), ca: read("ca.crt") }],
        currentCsr: renewal,
        privateKeyPem: KEY,
        serverName: request.serverName,
      });
      expect(choice).toMatchObject({ kind: "current", certificate: { serverCert: read("renewed.crt") } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

