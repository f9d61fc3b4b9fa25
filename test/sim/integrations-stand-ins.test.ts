/**
 * The simulator's stand-ins for issue 8's neighbours, each on its own: the CA (tls-certificates v1
 * provider), the tracing client (tracing v2 requirer) and Loki (loki_push_api provider), plus the
 * `--with` grammar. The full cluster with all of them is in integrations.test.ts.
 */
import { X509Certificate, generateKeyPairSync } from "node:crypto";
import forge from "node-forge";
import { describe, expect, it } from "vitest";
import { createCsr } from "../../src/charms/coordinator/integrations/csr-pkcs10.js";
import type { Charm } from "../../src/juju/charm.js";
import { CA_COMMON_NAME, SERVER_CERT_VALIDITY, caCertificatePem, generateCaKeyPem, signServerCertificate } from "../../src/sim/charms/ca-signing.js";
import { CERTIFICATES_ENDPOINT, answerRequests, certificatesAuthorityCharm, parseCertificateValidity } from "../../src/sim/charms/certificates-authority.js";
import { LOKI_ENDPOINT, lokiCharm } from "../../src/sim/charms/loki.js";
import { TRACING_CLIENT_ENDPOINT, tracingClientCharm } from "../../src/sim/charms/tracing-client.js";
import { Simulator } from "../../src/sim/simulator.js";
import { parseIntegrations } from "../../src/sim/tempo-cluster.js";

// One key each for the whole file: RSA generation is the slow part, and nothing here needs fresh ones.
const CA_KEY = generateCaKeyPem();
const CA_CERT = caCertificatePem(CA_KEY);
const REQUESTER_KEY = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const REQUEST = { commonName: "tempo.sim.svc.cluster.local", dnsNames: ["*.tempo-ingester-endpoints.sim.svc.cluster.local", "tempo.sim.svc.cluster.local"] };
const CSR = createCsr(REQUESTER_KEY, REQUEST);

function signed(csr: string): string {
  const result = signServerCertificate(csr, CA_KEY, CA_CERT);
  if (result.kind !== "signed") throw new Error(result.reason);
  return result.certificate;
}

/** A valid CSR whose signature no longer matches its content (one byte of the signature flipped). */
function tamperedCsr(): string {
  const der = Buffer.from(forge.pem.decode(CSR)[0]!.body, "binary");
  der[der.length - 1] = der[der.length - 1]! ^ 0xff;
  return forge.pem.encode({ type: "CERTIFICATE REQUEST", body: der.toString("binary") });
}

describe("the simulator's certificate authority", () => {
  it("signs a request with the CA: the request's names, a server certificate, the fixed validity", () => {
    const certificate = new X509Certificate(signed(CSR));
    expect(certificate.verify(new X509Certificate(CA_CERT).publicKey)).toBe(true);
    expect(certificate.ca).toBe(false);
    expect(certificate.subject).toBe(`CN=${REQUEST.commonName}`);
    expect(certificate.issuer).toBe(`CN=${CA_COMMON_NAME}`);
    expect(certificate.subjectAltName).toBe(REQUEST.dnsNames.map((name) => `DNS:${name}`).join(", "));
    expect(new Date(certificate.validFrom)).toEqual(SERVER_CERT_VALIDITY.notBefore);
    expect(new Date(certificate.validTo)).toEqual(SERVER_CERT_VALIDITY.notAfter);
  });

  it("issues a self-signed CA certificate allowed to sign", () => {
    const ca = new X509Certificate(CA_CERT);
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
  });

  it("answers the same request with the same bytes, so rewriting its bag changes nothing", () => {
    expect(signed(CSR)).toBe(signed(CSR));
    expect(caCertificatePem(CA_KEY)).toBe(CA_CERT);
  });

  it("refuses a request whose signature does not verify, and one that is not a CSR", () => {
    expect(signServerCertificate(tamperedCsr(), CA_KEY, CA_CERT)).toEqual({ kind: "refused", reason: "the request's signature does not verify" });
    expect(signServerCertificate("not a pem", CA_KEY, CA_CERT)).toMatchObject({ kind: "refused", reason: expect.stringContaining("not a PEM certificate signing request") });
  });

  it("publishes one answer per request with the CA and the chain, whichever bag asked", () => {
    const request = JSON.stringify([{ certificate_signing_request: CSR, ca: false }]);
    const answered = answerRequests(
      [
        { who: "tempo", bag: { certificate_signing_requests: request } },
        { who: "tempo/0", bag: { certificate_signing_requests: request } },
      ],
      { keyPem: CA_KEY, certPem: CA_CERT },
    );
    const certificate = signed(CSR);
    expect(JSON.parse(answered.databag.certificates!)).toEqual([{ certificate_signing_request: CSR, certificate, ca: CA_CERT, chain: [certificate, CA_CERT] }]);
    expect(answered.refused).toEqual([]);
  });

  it("names what it refuses — unreadable bags, CA requests, bad signatures — and withdraws answers nobody asks for", () => {
    const answered = answerRequests(
      [
        { who: "a", bag: { certificate_signing_requests: "{" } },
        { who: "b", bag: { certificate_signing_requests: JSON.stringify([{ certificate_signing_request: CSR, ca: true }]) } },
        { who: "c", bag: { certificate_signing_requests: JSON.stringify([{ certificate_signing_request: tamperedCsr() }]) } },
      ],
      { keyPem: CA_KEY, certPem: CA_CERT },
    );
    expect(answered.refused).toEqual([
      { who: "a", reason: "certificate_signing_requests is not JSON" },
      { who: "b", reason: "asks for a CA certificate, which this stand-in does not issue" },
      { who: "c", reason: "the request's signature does not verify" },
    ]);
    // An empty value deletes the key from the provider's bag.
    expect(answered.databag).toEqual({ certificates: "" });
  });

  it("keeps an answer it already gave instead of signing the same request again, as self-signed-certificates does", () => {
    const request = { who: "tempo", bag: { certificate_signing_requests: JSON.stringify([{ certificate_signing_request: CSR, ca: false }]) } };
    const ca = { keyPem: CA_KEY, certPem: CA_CERT };
    const march = { notBefore: new Date("2026-03-01T00:00:00Z"), notAfter: new Date("2026-05-30T00:00:00Z") };
    const first = answerRequests([request], ca, { validity: march });
    const published = JSON.parse(first.databag.certificates!);
    const june = { notBefore: new Date("2026-06-01T00:00:00Z"), notAfter: new Date("2026-08-30T00:00:00Z") };
    expect(answerRequests([request], ca, { published, validity: june }).databag).toEqual(first.databag);
    // Signed afresh only when asked with no answer of this CA on record.
    const fresh = JSON.parse(answerRequests([request], ca, { validity: june }).databag.certificates!) as { certificate: string }[];
    expect(new Date(new X509Certificate(fresh[0]!.certificate).validFrom)).toEqual(june.notBefore);
  });

  it("reads certificate-validity as self-signed-certificates does: m, h, d, w, or days without a unit", () => {
    expect(parseCertificateValidity("")).toEqual({ kind: "fixed" });
    expect(parseCertificateValidity("90d")).toEqual({ kind: "valid", ms: 90 * 86_400_000 });
    expect(parseCertificateValidity("90")).toEqual({ kind: "valid", ms: 90 * 86_400_000 });
    expect(parseCertificateValidity("15m")).toEqual({ kind: "valid", ms: 15 * 60_000 });
    expect(parseCertificateValidity("2w")).toEqual({ kind: "valid", ms: 14 * 86_400_000 });
    expect(parseCertificateValidity("1y")).toMatchObject({ kind: "invalid", reason: expect.stringContaining('"1y"') });
    expect(parseCertificateValidity("0d")).toMatchObject({ kind: "invalid" });
  });

  /** Requires tls-certificates; its leader asks for a certificate for the names in its `names` option. */
  const requesterCharm: Charm = {
    meta: {
      name: "requester",
      summary: "asks for a certificate",
      description: "test double",
      requires: { certificates: { interface: "tls-certificates" } },
      config: { options: { names: { type: "string", default: "a.example" } } },
    },
    async reconcile(model) {
      const names = String(model.config.names).split(",");
      const csr = createCsr(REQUESTER_KEY, { commonName: names[0]!, dnsNames: names });
      for (const relation of model.relations("certificates")) {
        if (relation.isActive && model.isLeader()) relation.localAppData().update({ certificate_signing_requests: JSON.stringify([{ certificate_signing_request: csr, ca: false }]) });
      }
    },
  };

  it("keeps one CA key for its life: a new request is answered by the same CA, the old answer withdrawn", async () => {
    const sim = new Simulator();
    sim.deploy("ca", certificatesAuthorityCharm, { units: 2 });
    sim.deploy("requester", requesterCharm);
    sim.relate(`ca:${CERTIFICATES_ENDPOINT}`, "requester:certificates");
    expect(await sim.run()).toMatchObject({ kind: "quiet" });
    const answers = () => JSON.parse(sim.relationBetween("ca", "requester")!.appData.get("ca")!.certificates!) as { certificate: string; ca: string }[];
    const [first] = answers();
    sim.configure("requester", { names: "b.example" });
    expect(await sim.run()).toMatchObject({ kind: "quiet" });
    const now = answers();
    expect(now).toHaveLength(1);
    expect(now[0]!.ca).toBe(first!.ca);
    expect(new X509Certificate(now[0]!.certificate).subjectAltName).toBe("DNS:b.example");
    expect(["ca/0", "ca/1"].map((unit) => sim.world.units.get(unit)!.status)).toEqual([
      { status: "active", message: "" },
      { status: "active", message: "" },
    ]);
  });
});

/** Provides tracing and answers with whatever its `receivers` option holds (raw JSON). */
const tracingProviderCharm: Charm = {
  meta: {
    name: "tracing-provider",
    summary: "answers tracing requests",
    description: "test double",
    provides: { tracing: { interface: "tracing" } },
    config: { options: { receivers: { type: "string", default: "" } } },
  },
  async reconcile(model) {
    for (const relation of model.relations("tracing")) {
      if (relation.isActive && model.isLeader()) relation.localAppData().update({ receivers: String(model.config.receivers) });
    }
  },
};

const OTLP_GRPC = { protocol: { name: "otlp_grpc", type: "grpc" }, url: "tempo:4317" };
const ZIPKIN = { protocol: { name: "zipkin", type: "http" }, url: "http://tempo:9411" };

describe("the simulator's tracing client", () => {
  async function clientStatus(receivers: string | undefined) {
    const sim = new Simulator();
    sim.deploy("traced", tracingClientCharm);
    if (receivers !== undefined) {
      sim.deploy("tempo", tracingProviderCharm, { config: { receivers } });
      sim.relate(`traced:${TRACING_CLIENT_ENDPOINT}`, "tempo:tracing");
    }
    await sim.run();
    return { status: sim.world.units.get("traced/0")!.status, sim };
  }

  it("asks for its protocols and is active once each has a URL", async () => {
    const { status, sim } = await clientStatus(JSON.stringify([OTLP_GRPC, ZIPKIN]));
    expect(status).toEqual({ status: "active", message: "" });
    expect(sim.relationBetween("traced", "tempo")!.appData.get("traced")).toEqual({ receivers: '["otlp_grpc","zipkin"]' });
  });

  it("waits for the provider's answer, and names the protocols still missing from it", async () => {
    expect((await clientStatus("")).status).toEqual({ status: "waiting", message: "waiting for tempo to publish receiver URLs" });
    expect((await clientStatus(JSON.stringify([OTLP_GRPC]))).status).toEqual({ status: "waiting", message: "waiting for tempo to offer zipkin" });
  });

  it("blocks with the fix when unrelated, and with the reason when the answer is unusable", async () => {
    expect((await clientStatus(undefined)).status).toEqual({ status: "blocked", message: "relate a tracing provider: juju integrate traced:tracing tempo:tracing" });
    expect((await clientStatus('[{"url": 1}]')).status).toEqual({ status: "blocked", message: "tempo sent unusable receivers (receivers is not a list of {protocol: {name, type}, url})" });
  });
});

describe("the simulator's Loki", () => {
  it("puts one push URL per unit in each unit's own bag", async () => {
    const consumer: Charm = {
      meta: { name: "consumer", summary: "reads loki", description: "test double", requires: { logs: { interface: "loki_push_api" } } },
      async reconcile() {},
    };
    const sim = new Simulator();
    sim.deploy("loki", lokiCharm, { units: 2 });
    sim.deploy("consumer", consumer);
    sim.relate(`loki:${LOKI_ENDPOINT}`, "consumer:logs");
    await sim.run();
    const relation = sim.relationBetween("loki", "consumer")!;
    expect(["loki/0", "loki/1"].map((unit) => JSON.parse(relation.unitData.get(unit)!.endpoint!) as unknown)).toEqual([
      { url: "http://10.1.0.1:3100/loki/api/v1/push" },
      { url: "http://10.1.0.2:3100/loki/api/v1/push" },
    ]);
  });
});

describe("naming the integrations of a simulated model", () => {
  it("reads a list in any order, and all", () => {
    expect(parseIntegrations("logging, tls")).toEqual({ kind: "valid", integrations: ["tls", "logging"] });
    expect(parseIntegrations("all")).toEqual({ kind: "valid", integrations: ["tls", "tracing", "logging", "grafana", "ingress", "cos"] });
  });

  it("names unknown integrations and says remote-write needs no flag", () => {
    expect(parseIntegrations("tls,remote-write,ldap")).toEqual({
      kind: "invalid",
      reasons: ['unknown integrations "remote-write", "ldap": choose from tls, tracing, logging, grafana, ingress, cos or all (remote-write is always on)'],
    });
    expect(parseIntegrations(" , ")).toEqual({ kind: "invalid", reasons: ["name at least one integration: tls, tracing, logging, grafana, ingress, cos or all"] });
  });
});
