/**
 * The pure parts of the coordinator's certificates integration: which names the certificate must
 * cover, the CSR that asks for them, and the tls-certificates databags.
 */
import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import forge from "node-forge";
import { describe, expect, it } from "vitest";
import { createCsr, csrAsksFor, publicKeySpki, readCsr } from "../../../src/charms/coordinator/integrations/csr-pkcs10.js";
import {
  decodeProviderDatabag,
  decodeRequirerDatabag,
  requirerDatabag,
} from "../../../src/charms/coordinator/integrations/tls-certificates-databags.js";
import {
  invalidProviderData,
  servingPreviousCertificate,
  unusableCertificate,
  waitingForCertificate,
} from "../../../src/charms/coordinator/integrations/tls-problems.js";
import { coordinatorCertificateRequest } from "../../../src/charms/coordinator/integrations/tls-request.js";

const rsaKeyPem = () =>
  generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const KEY = rsaKeyPem();
const OTHER_KEY = rsaKeyPem();

describe("the names the coordinator's certificate covers", () => {
  it("are the coordinator's service and pods (its front door), and each worker application's pods, headless service and service, sorted", () => {
    const request = coordinatorCertificateRequest({ appName: "tempo", modelName: "cos", workerApps: ["tempo-worker"] });
    expect(request.serverName).toBe("tempo.cos.svc.cluster.local");
    expect(request.commonName).toBe("tempo.cos.svc.cluster.local");
    expect(request.dnsNames).toEqual([
      "*.tempo-endpoints.cos.svc.cluster.local",
      "*.tempo-worker-endpoints.cos.svc.cluster.local",
      "tempo-endpoints.cos.svc.cluster.local",
      "tempo-worker-endpoints.cos.svc.cluster.local",
      "tempo-worker.cos.svc.cluster.local",
      "tempo.cos.svc.cluster.local",
    ]);
  });

  it("do not depend on the order the worker applications are listed in", () => {
    const a = coordinatorCertificateRequest({ appName: "tempo", modelName: "cos", workerApps: ["tempo-querier", "tempo-ingester"] });
    const b = coordinatorCertificateRequest({ appName: "tempo", modelName: "cos", workerApps: ["tempo-ingester", "tempo-querier"] });
    expect(a).toEqual(b);
  });

  it("gain a wildcard for a new worker application and keep the server name", () => {
    const before = coordinatorCertificateRequest({ appName: "tempo", modelName: "cos", workerApps: ["tempo-ingester"] });
    const after = coordinatorCertificateRequest({ appName: "tempo", modelName: "cos", workerApps: ["tempo-ingester", "tempo-querier"] });
    expect(after.dnsNames).toContain("*.tempo-querier-endpoints.cos.svc.cluster.local");
    expect(after.dnsNames).toEqual(expect.arrayContaining([...before.dnsNames]));
    expect(after.serverName).toBe(before.serverName);
  });

  it("are sorted, unique, always include the server name, and ignore the order and repeats of worker applications", () => {
    const appName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
    fc.assert(
      fc.property(appName, fc.array(appName, { maxLength: 6 }), (coordinator, workerApps) => {
        const request = coordinatorCertificateRequest({ appName: coordinator, modelName: "cos", workerApps });
        expect(request.dnsNames).toEqual([...new Set(request.dnsNames)].sort());
        expect(request.dnsNames).toContain(request.serverName);
        const repeatedAndReversed = [...workerApps, ...workerApps].reverse();
        const shuffled = coordinatorCertificateRequest({ appName: coordinator, modelName: "cos", workerApps: repeatedAndReversed });
        expect(shuffled).toEqual(request);
      }),
    );
  });

  it("leave out a name whose label is too long for DNS, and fall back to the app name as common name", () => {
    const longApp = "w".repeat(60);
    const longCoordinator = "t".repeat(50);
    const request = coordinatorCertificateRequest({ appName: longCoordinator, modelName: "cos", workerApps: [longApp] });
    expect(request.dnsNames.some((name) => name.includes(`${longApp}-endpoints`))).toBe(false);
    expect(request.dnsNames).toContain(`${longApp}.cos.svc.cluster.local`);
    expect(request.commonName).toBe(longCoordinator);
  });
});

describe("a certificate signing request", () => {
  const request = { commonName: "tempo.cos.svc.cluster.local", dnsNames: ["*.w-endpoints.cos.svc.cluster.local", "tempo.cos.svc.cluster.local"] };

  it("asks for the names it was built with, for the key that signed it", () => {
    const reading = readCsr(createCsr(KEY, request));
    expect(reading.kind).toBe("valid");
    if (reading.kind !== "valid") return;
    expect(reading.csr.commonName).toBe(request.commonName);
    expect(reading.csr.dnsNames).toEqual(request.dnsNames);
    expect(reading.csr.publicKeySpki).toBe(publicKeySpki(KEY));
    expect(csrAsksFor(reading.csr, request, KEY)).toBe(true);
    expect(csrAsksFor(reading.csr, request, OTHER_KEY)).toBe(false);
    expect(csrAsksFor(reading.csr, { ...request, dnsNames: [...request.dnsNames, "x.cos.svc.cluster.local"] }, KEY)).toBe(false);
  });

  it("is byte-for-byte the same for the same key and names", () => {
    expect(createCsr(KEY, request)).toBe(createCsr(KEY, request));
    expect(createCsr(OTHER_KEY, request)).not.toBe(createCsr(KEY, request));
  });

  it("is a PEM PKCS#10 request with a SHA-256 RSA signature another parser verifies", () => {
    const pem = createCsr(KEY, request);
    expect(pem.startsWith("-----BEGIN CERTIFICATE REQUEST-----")).toBe(true);
    const parsed = forge.pki.certificationRequestFromPem(pem, true);
    expect(parsed.verify()).toBe(true);
    expect(parsed.signatureOid).toBe("1.2.840.113549.1.1.11");
  });

  it("is reported invalid, never thrown, when it is not a CSR or its signature is broken", () => {
    expect(readCsr("hello").kind).toBe("invalid");
    const pem = createCsr(KEY, request);
    const der = Buffer.from(forge.util.decode64(pem.split("\n").slice(1, -1).join("")), "binary");
    der[der.length - 1] = (der[der.length - 1] ?? 0) ^ 0xff;
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64")}\n-----END CERTIFICATE REQUEST-----`;
    expect(readCsr(tampered)).toEqual({ kind: "invalid", reason: "its signature does not verify" });
  });
});

describe("the tls-certificates databags", () => {
  it("round-trips our one non-CA request through the application bag", () => {
    const bag = requirerDatabag("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n");
    expect(JSON.parse(bag.certificate_signing_requests ?? "null")).toEqual([
      { certificate_signing_request: "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----", ca: false },
    ]);
    expect(decodeRequirerDatabag(bag)).toEqual({
      kind: "valid",
      data: ["-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----"],
    });
  });

  it("reads a provider bag without certificates as absent", () => {
    expect(decodeProviderDatabag({})).toEqual({ kind: "absent" });
  });

  it("names what is wrong in a provider bag that is not JSON or not the v1 shape", () => {
    expect(decodeProviderDatabag({ certificates: "{nope" })).toEqual({ kind: "invalid", reasons: ["certificates is not JSON"] });
    const wrongShape = decodeProviderDatabag({ certificates: JSON.stringify([{ certificate: "x", ca: "y" }]) });
    expect(wrongShape.kind).toBe("invalid");
    if (wrongShape.kind === "invalid") expect(wrongShape.reasons.join("\n")).toContain("certificates.0.certificate_signing_request");
  });

  it("accepts the fields the v4 library adds (chain, revoked, expiry hint) and ignores unknown ones", () => {
    const entry = { certificate_signing_request: "c", certificate: "x", ca: "y", chain: ["y"], revoked: false, recommended_expiry_notification_time: 3600, extra: 1 };
    const decoded = decodeProviderDatabag({ certificates: JSON.stringify([entry]) });
    expect(decoded.kind).toBe("valid");
  });
});

describe("the certificates problems an operator can see", () => {
  const VAULT = { app: "vault", coordinator: "tempo" };
  // Verbatim: each names the provider and what to do.
  it.each([
    ["waiting for vault to issue the TLS certificate (to go without TLS: juju remove-relation tempo:certificates vault)", "waiting", waitingForCertificate(VAULT)],
    [
      "vault sent invalid certificates data (certificates is not JSON): check vault, or go without TLS: juju remove-relation tempo:certificates vault",
      "blocked",
      invalidProviderData(VAULT, ["certificates is not JSON"]),
    ],
    [
      "vault sent invalid certificates data (certificates is not JSON) (the workers keep their current certificate): check vault, or go without TLS: juju remove-relation tempo:certificates vault",
      "blocked",
      invalidProviderData(VAULT, ["certificates is not JSON"], true),
    ],
    [
      "the TLS certificate from vault is unusable (a; b; and 1 more): check vault, or go without TLS: juju remove-relation tempo:certificates vault",
      "blocked",
      unusableCertificate(VAULT, ["a", "b", "c"]),
    ],
    [
      "TLS: using the previous certificate until vault signs the request for the current workers",
      "maintenance",
      servingPreviousCertificate(VAULT, []),
    ],
    [
      "TLS: using the previous certificate until vault signs the request for the current workers; the new one is unusable (the certificate was revoked)",
      "maintenance",
      servingPreviousCertificate(VAULT, ["the certificate was revoked"]),
    ],
  ] as const)("%s (%s)", (message, severity, problem) => {
    expect(problem).toEqual({ severity, message });
  });
});
