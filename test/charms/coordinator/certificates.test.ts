/**
 * The coordinator's certificates integration through the harness: a State with worker, s3 and
 * certificates relations, one event, the State that comes out. A small CA made here (node-forge
 * builds, node:crypto signs) plays the tls-certificates provider, so certificates are real.
 */
import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import forge from "node-forge";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { coordinatorCharm } from "../../../src/charms/coordinator/charm.js";
import { createCsr, readCsr } from "../../../src/charms/coordinator/integrations/csr-pkcs10.js";
import { chooseCertificate } from "../../../src/charms/coordinator/integrations/tls-issued-certificate.js";
import { PRIVATE_KEY_SECRET_LABEL } from "../../../src/charms/coordinator/integrations/tls-private-key.js";
import { renewalIdentifier } from "../../../src/charms/coordinator/integrations/tls-renewal.js";
import { validateTempoConfigText } from "../../../src/tempo/validate.js";
import {
  type RegularRelationState,
  type RunResult,
  type State,
  type StateInput,
  on,
  peerRelation,
  relation,
  run,
} from "../../../src/testing/index.js";
import { MODEL, MODEL_UUID, S3_FIXTURE, nginxContainer } from "./fixtures.js";
import { distributed, workers } from "./tracing-fixtures.js";
import {
  NGINX_CA_CERT_PATH,
  NGINX_CONFIG_PATH,
  NGINX_SERVER_CERT_PATH,
  NGINX_SERVER_KEY_PATH,
} from "../../../src/charms/coordinator/nginx/paths.js";

// A test CA: the provider side of tls-certificates.

const SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
/** forge builds TBSCertificate, but its type declarations omit the function. */
const pkiInternals = forge.pki as unknown as { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 };

interface TestCa {
  readonly pem: string;
  readonly keyPem: string;
  readonly subject: forge.pki.CertificateField[];
}

function rsaKeyPem(): string {
  return generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
}

function signCertificate(cert: forge.pki.Certificate, keyPem: string): string {
  cert.signatureOid = cert.siginfo.algorithmOid = SHA256_WITH_RSA;
  cert.tbsCertificate = pkiInternals.getTBSCertificate(cert);
  const tbsDer = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), "binary");
  cert.signature = sign("sha256", tbsDer, createPrivateKey(keyPem)).toString("binary");
  return forge.pki.certificateToPem(cert).trim();
}

interface TestValidity {
  readonly notBefore: string;
  readonly notAfter: string;
}
const TEN_YEARS: TestValidity = { notBefore: "2026-01-01T00:00:00Z", notAfter: "2036-01-01T00:00:00Z" };

function newCertificate(publicKey: forge.pki.PublicKey, serial: string, validity: TestValidity = TEN_YEARS): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serial;
  cert.validity.notBefore = new Date(validity.notBefore);
  cert.validity.notAfter = new Date(validity.notAfter);
  return cert;
}

function makeCa(): TestCa {
  const keyPem = rsaKeyPem();
  const subject = [{ name: "commonName", value: "test CA" }];
  const cert = newCertificate(forge.pki.publicKeyFromPem(publicPemOf(keyPem)), "01");
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([{ name: "basicConstraints", cA: true }, { name: "keyUsage", keyCertSign: true, cRLSign: true }]);
  return { pem: signCertificate(cert, keyPem), keyPem, subject };
}

function publicPemOf(keyPem: string): string {
  return createPublicKey(createPrivateKey(keyPem)).export({ type: "spki", format: "pem" }).toString();
}

/** What a CA signs for `csrPem`: its key and names, unless a test asks for something else. */
function issue(ca: TestCa, csrPem: string, options: { isCa?: boolean; publicKeyFrom?: string; serial?: string; validity?: TestValidity } = {}): string {
  const csr = forge.pki.certificationRequestFromPem(csrPem);
  const publicKey = options.publicKeyFrom
    ? forge.pki.publicKeyFromPem(publicPemOf(options.publicKeyFrom))
    : (csr.publicKey as forge.pki.PublicKey);
  const cert = newCertificate(publicKey, options.serial ?? "02", options.validity);
  cert.setSubject(csr.subject.attributes);
  cert.setIssuer(ca.subject);
  const requested = csr.getAttribute({ name: "extensionRequest" }) as { extensions?: object[] } | null;
  cert.setExtensions([{ name: "basicConstraints", cA: options.isCa ?? false }, ...(requested?.extensions ?? [])]);
  return signCertificate(cert, ca.keyPem);
}

function providerBag(entries: readonly { csr: string; certificate: string; ca: string; revoked?: boolean }[]): Record<string, string> {
  return {
    certificates: JSON.stringify(
      entries.map((entry) => ({
        certificate_signing_request: entry.csr,
        certificate: entry.certificate,
        ca: entry.ca,
        chain: [entry.ca],
        ...(entry.revoked !== undefined ? { revoked: entry.revoked } : {}),
      })),
    ),
  };
}

// The coordinator's world.

const CERTIFICATES_ID = 20;
const PROVIDER = "self-signed-certificates";
const SERVER_NAME = `tempo.${MODEL}.svc.cluster.local`;
const TLS_KEYS = ["ca_cert", "privkey_secret_id", "server_cert"];
const HELD_MESSAGE = `waiting for a certificate from ${PROVIDER} (workers get their config once TLS is ready; to go without TLS: juju remove-relation tempo:certificates ${PROVIDER})`;
const WORKER_IDS = [1, 2, 3, 4, 5];

const s3 = () => relation({ id: 90, endpoint: "s3", interface: "s3", remoteApp: "s3-integrator", remoteAppData: { ...S3_FIXTURE } });

function certificates(remoteAppData: Record<string, string> = {}): RegularRelationState {
  return relation({ id: CERTIFICATES_ID, endpoint: "certificates", interface: "tls-certificates", remoteApp: PROVIDER, remoteAppData });
}

function coordinatorState(relations: RegularRelationState[], overrides: Partial<StateInput> = {}): StateInput {
  return {
    leader: true,
    appName: "tempo",
    model: { name: MODEL, uuid: MODEL_UUID },
    containers: [nginxContainer()],
    relations: [...relations, s3(), peerRelation({ id: 99, endpoint: "peers" })],
    ...overrides,
  };
}

function relationOf(state: State, id: number): RegularRelationState {
  const found = state.relations.find((candidate) => candidate.id === id);
  if (!found || found.kind !== "regular") throw new Error(`relation ${id} is not in the state`);
  return found;
}

const bagOf = (state: State, id: number) => relationOf(state, id).localAppData;

function configOf(state: State, id: number): Record<string, any> {
  const raw = bagOf(state, id).worker_config;
  if (raw === undefined) throw new Error(`relation ${id} holds no worker_config`);
  return YAML.parse(JSON.parse(raw) as string);
}

function configText(state: State, id: number): string {
  return JSON.parse(bagOf(state, id).worker_config ?? '""') as string;
}

/** The one CSR the coordinator put in its certificates application bag. */
function requestedCsr(state: State): string {
  const requests = JSON.parse(bagOf(state, CERTIFICATES_ID).certificate_signing_requests ?? "[]") as {
    certificate_signing_request: string;
    ca: boolean;
  }[];
  expect(requests).toHaveLength(1);
  expect(requests[0]?.ca).toBe(false);
  return requests[0]?.certificate_signing_request ?? "";
}

function requestedNames(state: State): readonly string[] {
  const reading = readCsr(requestedCsr(state));
  if (reading.kind !== "valid") throw new Error(`the coordinator wrote an invalid CSR: ${reading.reason}`);
  return reading.csr.dnsNames;
}

function keySecret(state: State) {
  const found = state.secrets.find((candidate) => candidate.label === PRIVATE_KEY_SECRET_LABEL);
  if (!found) throw new Error("no private-key secret");
  return found;
}

/** Replace relations by id in a state that came out of a run, keeping what we wrote to them. */
function withRelations(state: State, ...replacements: RegularRelationState[]): State {
  const byId = new Map(replacements.map((replacement) => [replacement.id, replacement]));
  const kept = state.relations.map((existing) => {
    const replacement = byId.get(existing.id);
    return replacement && existing.kind === "regular"
      ? { ...replacement, localAppData: existing.localAppData, localUnitData: existing.localUnitData }
      : existing;
  });
  const added = replacements.filter((replacement) => !state.relations.some((existing) => existing.id === replacement.id));
  return { ...state, relations: [...kept, ...added] };
}

function withProviderData(state: State, remoteAppData: Record<string, string>): State {
  return withRelations(state, { ...relationOf(state, CERTIFICATES_ID), remoteAppData });
}

/** The secret hook commands a run made, without the secret id (`secret-grant --relation 3`). */
const secretCalls = (result: RunResult) =>
  result.hookCalls.filter((call) => call.startsWith("secret-")).map((call) => call.replace(/ secret:\S+$/, ""));

const relationSetsOn = (result: RunResult, id: number) =>
  result.hookCalls.filter((call) => call.startsWith("relation-set") && call.includes(`:${id}`));

/** Relate, let the CA answer the CSR, run again: the cluster with TLS on. */
async function clusterWithTls(ca: TestCa = makeCa(), others: RegularRelationState[] = []) {
  const requested = await run(
    coordinatorCharm,
    on.relationCreated({ id: CERTIFICATES_ID }),
    coordinatorState([...distributed(), certificates(), ...others]),
  );
  const csr = requestedCsr(requested.state);
  const certificate = issue(ca, csr);
  const issued = await run(
    coordinatorCharm,
    on.relationChanged({ id: CERTIFICATES_ID }, { remoteUnit: 0 }),
    withProviderData(requested.state, providerBag([{ csr, certificate, ca: ca.pem }])),
  );
  return { ca, csr, certificate, requested, issued };
}

describe("the coordinator's certificates integration", () => {
  it("publishes no TLS keys and the plain config without a certificates relation", async () => {
    const result = await run(coordinatorCharm, on.configChanged(), coordinatorState(distributed()));
    for (const id of WORKER_IDS) for (const key of TLS_KEYS) expect(bagOf(result.state, id)[key]).toBeUndefined();
    expect(configOf(result.state, 1).memberlist.tls_enabled).toBeUndefined();
    expect(result.state.secrets).toEqual([]);
  });

  it("requests a certificate for its service and a wildcard per worker application, with a key kept in an application secret", async () => {
    const result = await run(coordinatorCharm, on.relationCreated({ id: CERTIFICATES_ID }), coordinatorState([...distributed(), certificates()]));
    const names = requestedNames(result.state);
    expect(names).toContain(SERVER_NAME);
    for (const app of ["tempo-compactor", "tempo-distributor", "tempo-ingester", "tempo-querier", "tempo-query-frontend"]) {
      expect(names).toContain(`*.${app}-endpoints.${MODEL}.svc.cluster.local`);
    }
    expect(names.every((name) => !/-\d+\./.test(name))).toBe(true);
    const secret = keySecret(result.state);
    expect(secret.owner).toBe("application");
    expect(secret.trackedContent["private-key"]).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(result.state.unitStatus).toEqual({ status: "waiting", message: HELD_MESSAGE });
  });

  it("keeps the same CSR and key when worker units come and go", async () => {
    const first = await run(coordinatorCharm, on.relationCreated({ id: CERTIFICATES_ID }), coordinatorState([...distributed(), certificates()]));
    const scaled = await run(
      coordinatorCharm,
      on.relationJoined({ id: 3 }, { remoteUnit: 3 }),
      withRelations(first.state, workers(3, "tempo-ingester", "ingester", [0, 1, 2, 3])),
    );
    expect(requestedCsr(scaled.state)).toBe(requestedCsr(first.state));
    expect(relationSetsOn(scaled, CERTIFICATES_ID)).toEqual([]);
    expect(keySecret(scaled.state)).toEqual(keySecret(first.state));
  });

  it("asks again, with the same key, when a worker application joins", async () => {
    const first = await run(coordinatorCharm, on.relationCreated({ id: CERTIFICATES_ID }), coordinatorState([...distributed(), certificates()]));
    const joined = await run(
      coordinatorCharm,
      on.relationJoined({ id: 6 }, { remoteUnit: 0 }),
      withRelations(first.state, workers(6, "tempo-metrics-generator", "metrics-generator", [0])),
    );
    expect(requestedNames(joined.state)).toContain(`*.tempo-metrics-generator-endpoints.${MODEL}.svc.cluster.local`);
    const before = readCsr(requestedCsr(first.state));
    const after = readCsr(requestedCsr(joined.state));
    expect(before.kind === "valid" && after.kind === "valid" && before.csr.publicKeySpki === after.csr.publicKeySpki).toBe(true);
    expect(keySecret(joined.state).trackedContent).toEqual(keySecret(first.state).trackedContent);
  });

  it("gives workers no config while the first certificate is pending, so Tempo starts once, with TLS", async () => {
    const { requested, issued } = await clusterWithTls();
    for (const id of WORKER_IDS) expect(bagOf(requested.state, id)).toEqual({});
    expect(requested.state.unitStatus).toEqual({ status: "waiting", message: HELD_MESSAGE });
    for (const id of WORKER_IDS) expect(configOf(issued.state, id).memberlist.tls_enabled).toBe(true);
  });

  it("keeps the plain config on workers that run it while the first certificate is pending, and holds back only new ones", async () => {
    const plain = await run(coordinatorCharm, on.configChanged(), coordinatorState(distributed()));
    const pending = await run(
      coordinatorCharm,
      on.relationJoined({ id: 6 }, { remoteUnit: 0 }),
      withRelations(plain.state, certificates(), workers(6, "tempo-metrics-generator", "metrics-generator", [0])),
    );
    for (const id of WORKER_IDS) expect(bagOf(pending.state, id).worker_config, `relation ${id}`).toBeDefined();
    expect(configOf(pending.state, 1).memberlist.tls_enabled).toBeUndefined();
    expect(bagOf(pending.state, 6)).toEqual({});
    expect(pending.state.unitStatus).toEqual({ status: "waiting", message: HELD_MESSAGE });
  });

  it("shows the usual waiting message when every worker already runs a config and none is held back", async () => {
    const plain = await run(coordinatorCharm, on.configChanged(), coordinatorState(distributed()));
    const pending = await run(coordinatorCharm, on.relationCreated({ id: CERTIFICATES_ID }), withRelations(plain.state, certificates()));
    expect(pending.state.unitStatus).toEqual({
      status: "waiting",
      message: `waiting for ${PROVIDER} to issue the TLS certificate (to go without TLS: juju remove-relation tempo:certificates ${PROVIDER})`,
    });
  });

  it("names an unusable first answer and the held-back workers, the unusable answer first", async () => {
    const requested = await run(coordinatorCharm, on.relationCreated({ id: CERTIFICATES_ID }), coordinatorState([...distributed(), certificates()]));
    const result = await run(
      coordinatorCharm,
      on.relationChanged({ id: CERTIFICATES_ID }, { remoteUnit: 0 }),
      withProviderData(requested.state, { certificates: "[{not json" }),
    );
    expect(result.state.unitStatus.status).toBe("blocked");
    expect(result.state.unitStatus.message).toContain(`${PROVIDER} sent invalid certificates data`);
    expect(result.logs.map((log) => log.message)).toContain(`waiting: ${HELD_MESSAGE}`);
    for (const id of WORKER_IDS) expect(bagOf(result.state, id)).toEqual({});
  });

  it("publishes the plain config at once when a certificates relation that never answered is removed", async () => {
    const requested = await run(coordinatorCharm, on.relationCreated({ id: CERTIFICATES_ID }), coordinatorState([...distributed(), certificates()]));
    const broken = await run(coordinatorCharm, on.relationBroken({ id: CERTIFICATES_ID }), requested.state);
    for (const id of WORKER_IDS) expect(bagOf(broken.state, id).worker_config, `relation ${id}`).toBeDefined();
    expect(configOf(broken.state, 1).memberlist.tls_enabled).toBeUndefined();
    expect(broken.state.unitStatus).toEqual({ status: "active", message: "7 workers in 5 applications" });
  });

  it("hands the issued certificate to every worker, grants each the key, and switches Tempo to TLS", async () => {
    const { ca, certificate, issued } = await clusterWithTls();
    const secret = keySecret(issued.state);
    for (const id of WORKER_IDS) {
      const bag = bagOf(issued.state, id);
      expect(JSON.parse(bag.ca_cert ?? "null")).toBe(ca.pem);
      expect(JSON.parse(bag.server_cert ?? "null")).toBe(certificate);
      expect(JSON.parse(bag.privkey_secret_id ?? "null")).toBe(secret.id);
    }
    expect(Object.keys(secret.grants).map(Number)).toEqual(WORKER_IDS);
    expect(secret.grants["3"]).toEqual(["tempo-ingester"]);
    const config = configOf(issued.state, 1);
    expect(config.memberlist.tls_enabled).toBe(true);
    expect(config.memberlist.tls_server_name).toBe(SERVER_NAME);
    expect(config.server.http_tls_config).toBeDefined();
    expect(validateTempoConfigText(configText(issued.state, 1), "2.7")).toEqual([]);
    expect(issued.state.unitStatus).toEqual({ status: "active", message: "7 workers in 5 applications" });
  });

  it("serves the front door with TLS: nginx gets the certificate, its key and the CA, and re-encrypts to the workers", async () => {
    const { ca, certificate, issued } = await clusterWithTls();
    const nginx = issued.state.containers.find((container) => container.name === "nginx");
    const file = (path: string) => nginx?.files.find((candidate) => candidate.path === path);
    expect(file(NGINX_SERVER_CERT_PATH)?.content.trim()).toBe(certificate.trim());
    expect(file(NGINX_CA_CERT_PATH)?.content.trim()).toBe(ca.pem.trim());
    expect(file(NGINX_SERVER_KEY_PATH)?.content.trim()).toBe(keySecret(issued.state).trackedContent["private-key"]?.trim());
    expect(file(NGINX_SERVER_KEY_PATH)?.permissions).toBe(0o600);
    const config = file(NGINX_CONFIG_PATH)?.content ?? "";
    expect(config).toContain("listen 4318 ssl;");
    expect(config).toContain("set $backend https://$upstream_otlp_http;");
    expect(config).toContain(`proxy_ssl_name ${SERVER_NAME};`);
  });

  it("serves the front door with TLS on a non-leader too, from what the leader shared and the key secret", async () => {
    const { certificate, issued } = await clusterWithTls();
    const follower = await run(coordinatorCharm, on.pebbleReady("nginx"), { ...issued.state, leader: false, containers: [nginxContainer()] });
    const nginx = follower.state.containers.find((container) => container.name === "nginx");
    const file = (path: string) => nginx?.files.find((candidate) => candidate.path === path)?.content;
    expect(file(NGINX_SERVER_CERT_PATH)?.trim()).toBe(certificate.trim());
    expect(file(NGINX_SERVER_KEY_PATH)?.trim()).toBe(keySecret(issued.state).trackedContent["private-key"]?.trim());
    expect(file(NGINX_CONFIG_PATH)).toContain("set $backend https://$upstream_otlp_http;");
    expect(follower.state.unitStatus.status).toBe("active");
  });

  it("takes the certificate and key out of the nginx container when the certificates relation is removed", async () => {
    const { issued } = await clusterWithTls();
    const broken = await run(coordinatorCharm, on.relationBroken({ id: CERTIFICATES_ID }), issued.state);
    const paths = broken.state.containers.find((container) => container.name === "nginx")?.files.map((file) => file.path) ?? [];
    expect(paths).not.toContain(NGINX_SERVER_KEY_PATH);
    expect(paths).not.toContain(NGINX_SERVER_CERT_PATH);
    const config = broken.state.containers.find((container) => container.name === "nginx")?.files.find((file) => file.path === NGINX_CONFIG_PATH);
    expect(config?.content).toContain("listen 4318;");
  });

  it("sends tracing clients https URLs at a host the certificate covers", async () => {
    const client = relation({ id: 10, endpoint: "tracing", interface: "tracing", remoteApp: "otel-app", remoteAppData: { receivers: '["otlp_http"]' } });
    const { certificate, issued } = await clusterWithTls(makeCa(), [client]);
    const receivers = JSON.parse(bagOf(issued.state, 10).receivers ?? "[]") as { url: string }[];
    const url = new URL(receivers[0]?.url ?? "");
    expect(url.protocol).toBe("https:");
    expect(new X509Certificate(certificate).checkHost(url.hostname)).toBe(url.hostname);
  });

  it("keeps serving the previous certificate while a new worker application's names are signed", async () => {
    const { certificate, issued } = await clusterWithTls();
    const joined = await run(
      coordinatorCharm,
      on.relationJoined({ id: 6 }, { remoteUnit: 0 }),
      withRelations(issued.state, workers(6, "tempo-metrics-generator", "metrics-generator", [0])),
    );
    expect(JSON.parse(bagOf(joined.state, 6).server_cert ?? "null")).toBe(certificate);
    expect(configOf(joined.state, 6).memberlist.tls_enabled).toBe(true);
    expect(keySecret(joined.state).grants["6"]).toEqual(["tempo-metrics-generator"]);
    expect(joined.state.unitStatus.status).toBe("maintenance");
    expect(joined.state.unitStatus.message).toContain(`until ${PROVIDER} signs the request`);
  });

  it("moves every worker to the new certificate once the provider signs the new request", async () => {
    const { ca, csr, certificate, issued } = await clusterWithTls();
    const joined = await run(
      coordinatorCharm,
      on.relationJoined({ id: 6 }, { remoteUnit: 0 }),
      withRelations(issued.state, workers(6, "tempo-metrics-generator", "metrics-generator", [0])),
    );
    const newCsr = requestedCsr(joined.state);
    expect(newCsr).not.toBe(csr);
    const newCertificate = issue(ca, newCsr, { serial: "03" });
    const signed = await run(
      coordinatorCharm,
      on.relationChanged({ id: CERTIFICATES_ID }, { remoteUnit: 0 }),
      withProviderData(joined.state, providerBag([{ csr, certificate, ca: ca.pem }, { csr: newCsr, certificate: newCertificate, ca: ca.pem }])),
    );
    for (const id of [...WORKER_IDS, 6]) expect(JSON.parse(bagOf(signed.state, id).server_cert ?? "null")).toBe(newCertificate);
    expect(signed.state.unitStatus.status).toBe("active");
  });

  it("picks the same certificate whatever order the provider lists its answers in", async () => {
    const ca = makeCa();
    const key = rsaKeyPem();
    const older = createCsr(key, { commonName: SERVER_NAME, dnsNames: [SERVER_NAME] });
    const current = createCsr(key, { commonName: SERVER_NAME, dnsNames: [SERVER_NAME, `*.w-endpoints.${MODEL}.svc.cluster.local`] });
    const entries = [
      { certificate_signing_request: older, certificate: issue(ca, older), ca: ca.pem },
      { certificate_signing_request: current, certificate: issue(ca, current, { serial: "03" }), ca: ca.pem },
      { certificate_signing_request: current, certificate: issue(ca, current, { isCa: true, serial: "04" }), ca: ca.pem },
    ];
    const choose = (offered: typeof entries) => chooseCertificate({ offered, currentCsr: current, privateKeyPem: key, serverName: SERVER_NAME });
    const chosen = choose(entries);
    expect(chosen).toMatchObject({ kind: "current", certificate: { caCert: ca.pem, serverCert: entries[1]?.certificate } });
    expect(choose([...entries].reverse())).toEqual(chosen);
    expect(choose([entries[2]!, entries[0]!])).toMatchObject({
      kind: "previous",
      certificate: { caCert: ca.pem, serverCert: entries[0]?.certificate },
      currentProblems: ["the certificate is a CA certificate, not a server certificate"],
    });
  });

  it("names invalid provider data in the status and keeps the cluster running without TLS", async () => {
    const plain = await run(coordinatorCharm, on.configChanged(), coordinatorState(distributed()));
    const first = await run(coordinatorCharm, on.relationCreated({ id: CERTIFICATES_ID }), withRelations(plain.state, certificates()));
    const result = await run(
      coordinatorCharm,
      on.relationChanged({ id: CERTIFICATES_ID }, { remoteUnit: 0 }),
      withProviderData(first.state, { certificates: "[{not json" }),
    );
    expect(result.state.unitStatus.status).toBe("blocked");
    expect(result.state.unitStatus.message).toContain(`${PROVIDER} sent invalid certificates data (certificates is not JSON)`);
    expect(bagOf(result.state, 1).ca_cert).toBeUndefined();
    expect(bagOf(result.state, 1).worker_config).toBeDefined();
  });

  it("keeps the workers on their certificate when the provider's data turns invalid", async () => {
    const { certificate, issued } = await clusterWithTls();
    const result = await run(
      coordinatorCharm,
      on.relationChanged({ id: CERTIFICATES_ID }, { remoteUnit: 0 }),
      withProviderData(issued.state, { certificates: JSON.stringify([{ certificate: "x" }]) }),
    );
    expect(result.state.unitStatus.status).toBe("blocked");
    expect(result.state.unitStatus.message).toContain("(the workers keep their current certificate)");
    for (const id of WORKER_IDS) expect(JSON.parse(bagOf(result.state, id).server_cert ?? "null")).toBe(certificate);
    expect(configOf(result.state, 1).memberlist.tls_enabled).toBe(true);
    expect(relationSetsOn(result, 1)).toEqual([]);
  });

  it("refuses a certificate that does not match its private key, and says so", async () => {
    const first = await run(coordinatorCharm, on.relationCreated({ id: CERTIFICATES_ID }), coordinatorState([...distributed(), certificates()]));
    const ca = makeCa();
    const csr = requestedCsr(first.state);
    const foreign = issue(ca, csr, { publicKeyFrom: rsaKeyPem() });
    const result = await run(
      coordinatorCharm,
      on.relationChanged({ id: CERTIFICATES_ID }, { remoteUnit: 0 }),
      withProviderData(first.state, providerBag([{ csr, certificate: foreign, ca: ca.pem }])),
    );
    expect(result.state.unitStatus).toEqual({
      status: "blocked",
      message: `the TLS certificate from ${PROVIDER} is unusable (the certificate does not match our private key): check ${PROVIDER}, or go without TLS: juju remove-relation tempo:certificates ${PROVIDER}`,
    });
    expect(bagOf(result.state, 1).server_cert).toBeUndefined();
  });

  it("refuses a CA certificate or a revoked one in place of its server certificate", async () => {
    const first = await run(coordinatorCharm, on.relationCreated({ id: CERTIFICATES_ID }), coordinatorState([...distributed(), certificates()]));
    const ca = makeCa();
    const csr = requestedCsr(first.state);
    for (const [entry, reason] of [
      [{ csr, certificate: issue(ca, csr, { isCa: true }), ca: ca.pem }, "a CA certificate"],
      [{ csr, certificate: issue(ca, csr), ca: ca.pem, revoked: true }, "revoked"],
      [{ csr, certificate: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", ca: ca.pem }, "not a PEM X.509 certificate"],
    ] as const) {
      const result = await run(
        coordinatorCharm,
        on.relationChanged({ id: CERTIFICATES_ID }, { remoteUnit: 0 }),
        withProviderData(first.state, providerBag([entry])),
      );
      expect(result.state.unitStatus.status).toBe("blocked");
      expect(result.state.unitStatus.message).toContain(reason);
      expect(bagOf(result.state, 1).server_cert).toBeUndefined();
    }
  });

  it("switches everything back when the certificates relation is removed, keeping the key for next time", async () => {
    const { issued } = await clusterWithTls();
    const broken = await run(coordinatorCharm, on.relationBroken({ id: CERTIFICATES_ID }), issued.state);
    for (const id of WORKER_IDS) for (const key of TLS_KEYS) expect(bagOf(broken.state, id)[key]).toBeUndefined();
    const config = configOf(broken.state, 1);
    expect(config.memberlist.tls_enabled).toBeUndefined();
    expect(config.server.http_tls_config).toBeUndefined();
    expect(validateTempoConfigText(configText(broken.state, 1), "2.7")).toEqual([]);
    expect(keySecret(broken.state).grants).toEqual({});
    expect(keySecret(broken.state).trackedContent).toEqual(keySecret(issued.state).trackedContent);
    expect(broken.state.unitStatus).toEqual({ status: "active", message: "7 workers in 5 applications" });
  });

  it("requests the same CSR again after re-relating, so the key is not rotated", async () => {
    const { csr, issued } = await clusterWithTls();
    const broken = await run(coordinatorCharm, on.relationBroken({ id: CERTIFICATES_ID }), issued.state);
    const removed: State = { ...broken.state, relations: broken.state.relations.filter((candidate) => candidate.id !== CERTIFICATES_ID) };
    const again = await run(
      coordinatorCharm,
      on.relationCreated({ id: 21 }),
      { ...removed, relations: [...removed.relations, relation({ id: 21, endpoint: "certificates", interface: "tls-certificates", remoteApp: PROVIDER })] },
    );
    const requests = JSON.parse(bagOf(again.state, 21).certificate_signing_requests ?? "[]") as { certificate_signing_request: string }[];
    expect(requests.map((request) => request.certificate_signing_request)).toEqual([csr]);
  });

  it("carries on with the same key, request and certificate after the leader changes", async () => {
    const { csr, certificate, issued } = await clusterWithTls();
    const newLeader = await run(coordinatorCharm, on.leaderElected(), { ...issued.state, unitId: 1 });
    expect(newLeader.hookCalls.filter((call) => /^secret-(add|set)/.test(call))).toEqual([]);
    expect(relationSetsOn(newLeader, CERTIFICATES_ID)).toEqual([]);
    expect(requestedCsr(newLeader.state)).toBe(csr);
    for (const id of WORKER_IDS) expect(JSON.parse(bagOf(newLeader.state, id).server_cert ?? "null")).toBe(certificate);
    expect(newLeader.state.unitStatus.status).toBe("active");
  });

  it("writes nothing and reads no application bag but the peer one on a non-leader", async () => {
    const { issued } = await clusterWithTls();
    const follower = await run(coordinatorCharm, on.relationChanged({ id: CERTIFICATES_ID }, { remoteUnit: 0 }), { ...issued.state, leader: false });
    expect(follower.hookCalls.filter((call) => /^(relation-set|secret-(add|set|grant|revoke))/.test(call))).toEqual([]);
    expect(follower.hookCalls.filter((call) => /^relation-get .* --app - tempo$/.test(call))).toEqual(["relation-get -r peers:99 --app - tempo"]);
    expect(follower.state.secrets).toEqual(issued.state.secrets);
  });

  it("makes no secret call in a hook without a certificates relation when no worker was ever given the key", async () => {
    const plain = await run(coordinatorCharm, on.configChanged(), coordinatorState(distributed()));
    expect(secretCalls(plain)).toEqual([]);
  });

  it("revokes the key where the relation's secret id is deleted, without looking the secret up, then makes no secret call", async () => {
    const { issued } = await clusterWithTls();
    const broken = await run(coordinatorCharm, on.relationBroken({ id: CERTIFICATES_ID }), issued.state);
    expect(secretCalls(broken)).toEqual(WORKER_IDS.map((id) => `secret-revoke --relation ${id}`));
    const removed: State = { ...broken.state, relations: broken.state.relations.filter((candidate) => candidate.id !== CERTIFICATES_ID) };
    const after = await run(coordinatorCharm, on.configChanged(), removed);
    expect(secretCalls(after)).toEqual([]);
  });

  it("grants the key only where its secret id is written, not again in a hook that changes nothing", async () => {
    const { requested, issued } = await clusterWithTls();
    expect(secretCalls(issued).filter((call) => /^secret-(grant|revoke)/.test(call))).toEqual(
      WORKER_IDS.map((id) => `secret-grant --relation ${id}`),
    );
    const steady = await run(coordinatorCharm, on.configChanged(), issued.state);
    // One lookup of the key for the whole hook (it was three calls and five grants every hook).
    expect(secretCalls(steady)).toEqual([`secret-info-get --label ${PRIVATE_KEY_SECRET_LABEL}`, "secret-get"]);
  });

  it("keeps every worker's grant when the published key id changes only its spelling (secret://<model>/<xid>, as secret-add prints it)", async () => {
    const { issued } = await clusterWithTls();
    const secret = keySecret(issued.state);
    const fullUri = JSON.stringify(`secret://${MODEL_UUID}/${secret.id.slice("secret:".length)}`);
    const respelled: State = {
      ...issued.state,
      relations: issued.state.relations.map((candidate) =>
        WORKER_IDS.includes(candidate.id) ? { ...candidate, localAppData: { ...candidate.localAppData, privkey_secret_id: fullUri } } : candidate,
      ),
    };
    const next = await run(coordinatorCharm, on.configChanged(), respelled);
    expect(secretCalls(next).filter((call) => call.startsWith("secret-revoke"))).toEqual([]);
    expect(Object.keys(keySecret(next.state).grants).map(Number)).toEqual(WORKER_IDS);
  });

  it("makes a new key, grants it everywhere and publishes it when the key secret was removed by hand", async () => {
    const { ca, issued } = await clusterWithTls();
    // Workers were told of a key secret that no longer exists (Juju never reuses an xid).
    const goneId = "secret:cq9a0000000000000777";
    const removed: State = {
      ...issued.state,
      secrets: [],
      relations: issued.state.relations.map((candidate) =>
        WORKER_IDS.includes(candidate.id)
          ? { ...candidate, localAppData: { ...candidate.localAppData, privkey_secret_id: JSON.stringify(goneId) } }
          : candidate,
      ),
    };
    const requested = await run(coordinatorCharm, on.configChanged(), removed);
    const csr = requestedCsr(requested.state);
    const next = await run(
      coordinatorCharm,
      on.relationChanged({ id: CERTIFICATES_ID }, { remoteUnit: 0 }),
      withProviderData(requested.state, providerBag([{ csr, certificate: issue(ca, csr), ca: ca.pem }])),
    );
    const renewed = keySecret(next.state);
    expect(renewed.id).not.toBe(goneId);
    expect(Object.keys(renewed.grants).map(Number)).toEqual(WORKER_IDS);
    for (const id of WORKER_IDS) expect(JSON.parse(bagOf(next.state, id).privkey_secret_id ?? "null")).toBe(renewed.id);
  });

  it("grants the key again to a worker relation whose units join, whose grant may be missing", async () => {
    const { issued } = await clusterWithTls();
    const joined = await run(
      coordinatorCharm,
      on.relationJoined({ id: 3 }, { remoteUnit: 3 }),
      withRelations(issued.state, workers(3, "tempo-ingester", "ingester", [0, 1, 2, 3])),
    );
    expect(secretCalls(joined).filter((call) => /^secret-(grant|revoke)/.test(call))).toEqual(["secret-grant --relation 3"]);
    expect(keySecret(joined.state).grants["3"]).toEqual(["tempo-ingester"]);
  });

  it("shares the certificates state with the other coordinator units in the peer application bag", async () => {
    const { requested, issued } = await clusterWithTls();
    const shared = (state: State) => {
      const peers = state.relations.find((candidate) => candidate.id === 99);
      return JSON.parse(peers?.localAppData["tls-state"] ?? "null") as unknown;
    };
    expect(shared(requested.state)).toEqual({
      relationId: CERTIFICATES_ID,
      status: "waiting",
      message: `waiting for ${PROVIDER} to issue the TLS certificate (to go without TLS: juju remove-relation tempo:certificates ${PROVIDER})`,
    });
    expect(shared(issued.state)).toEqual({ relationId: CERTIFICATES_ID, status: "active", message: "TLS on" });
    const steady = await run(coordinatorCharm, on.configChanged(), issued.state);
    expect(steady.hookCalls.filter((call) => call.startsWith("relation-set") && call.includes("peers:"))).toEqual([]);
  });

  it("shows the leader's certificates problem on a non-leader, said to be the leader's", async () => {
    const requested = await run(coordinatorCharm, on.relationCreated({ id: CERTIFICATES_ID }), coordinatorState([...distributed(), certificates()]));
    const follower = await run(coordinatorCharm, on.updateStatus(), { ...requested.state, leader: false });
    expect(follower.state.unitStatus).toEqual({
      status: "waiting",
      message: `waiting for ${PROVIDER} to issue the TLS certificate (to go without TLS: juju remove-relation tempo:certificates ${PROVIDER}) (per the leader)`,
    });
  });

  it("shows no certificates problem on a non-leader once the leader has TLS on", async () => {
    const { issued } = await clusterWithTls();
    const follower = await run(coordinatorCharm, on.updateStatus(), { ...issued.state, leader: false });
    expect(follower.state.unitStatus).toEqual({ status: "active", message: "7 workers in 5 applications" });
  });

  it("ignores on a non-leader a state the leader shared about an earlier certificates relation", async () => {
    const requested = await run(coordinatorCharm, on.relationCreated({ id: CERTIFICATES_ID }), coordinatorState([...distributed(), certificates()]));
    const replaced: State = {
      ...requested.state,
      leader: false,
      relations: requested.state.relations.map((candidate) =>
        candidate.id === CERTIFICATES_ID ? { ...candidate, id: CERTIFICATES_ID + 1 } : candidate,
      ),
    };
    const follower = await run(coordinatorCharm, on.updateStatus(), replaced);
    expect(follower.state.unitStatus.message).not.toContain(PROVIDER);
  });
});

// The test CA's certificates are valid 2026-01-01 to 2036-01-01: due for renewal a third of that
// (1217 days 8 hours) before they expire.
const BEFORE_DUE = "2032-06-01T00:00:00Z";
const AFTER_DUE = "2033-01-01T00:00:00Z";
/** 2036-01-01 − 3652 days / 3, to the second (Juju keeps expire times to the second). */
const DUE_AT = "2032-08-31T16:00:00Z";

describe("the coordinator's certificate renewal", () => {
  it("asks nothing new before the certificate is due, and has Juju wake the leader when it is due", async () => {
    const { csr, issued } = await clusterWithTls();
    expect(keySecret(issued.state).expire).toBe(DUE_AT);
    const later = await run(coordinatorCharm, on.updateStatus(), { ...issued.state, now: BEFORE_DUE });
    expect(requestedCsr(later.state)).toBe(csr);
    expect(relationSetsOn(later, CERTIFICATES_ID)).toEqual([]);
    expect(secretCalls(later).filter((call) => call.startsWith("secret-set"))).toEqual([]);
  });

  it("asks for a renewal of the same names and key at update-status once a third of the lifetime is left", async () => {
    const { csr, certificate, issued } = await clusterWithTls();
    const due = await run(coordinatorCharm, on.updateStatus(), { ...issued.state, now: AFTER_DUE });
    const renewal = requestedCsr(due.state);
    expect(renewal).not.toBe(csr);
    const [before, after] = [readCsr(csr), readCsr(renewal)];
    if (before.kind !== "valid" || after.kind !== "valid") throw new Error("unreadable CSR");
    expect({ ...after.csr, uniqueIdentifier: undefined }).toEqual({ ...before.csr, uniqueIdentifier: undefined });
    expect(after.csr.uniqueIdentifier).toBe(renewalIdentifier(certificate));
    expect(keySecret(due.state).id).toBe(keySecret(issued.state).id);
  });

  it("renews on secret-expired of the key's secret, the event Juju runs at the expire time it was given", async () => {
    const { csr, issued } = await clusterWithTls();
    const secret = keySecret(issued.state);
    const expired = await run(coordinatorCharm, on.secretExpired(secret.id, 1), { ...issued.state, now: DUE_AT });
    expect(requestedCsr(expired.state)).not.toBe(csr);
    // Now woken at the expiry instead, should the provider not answer.
    expect(keySecret(expired.state).expire).toBe("2036-01-01T00:00:00Z");
  });

  it("writes the same renewal request whichever hook or leader computes it, and nothing more on the next hook", async () => {
    const { issued } = await clusterWithTls();
    const due = { ...issued.state, now: AFTER_DUE };
    const first = await run(coordinatorCharm, on.updateStatus(), due);
    const again = await run(coordinatorCharm, on.leaderElected(), due);
    expect(requestedCsr(again.state)).toBe(requestedCsr(first.state));
    const next = await run(coordinatorCharm, on.updateStatus(), first.state);
    expect(relationSetsOn(next, CERTIFICATES_ID)).toEqual([]);
    expect(requestedCsr(next.state)).toBe(requestedCsr(first.state));
  });

  it("keeps the workers on their certificate while the renewal is signed, even after the provider withdraws the old answer", async () => {
    const { ca, csr, certificate, issued } = await clusterWithTls();
    const due = await run(coordinatorCharm, on.updateStatus(), { ...issued.state, now: AFTER_DUE });
    const withdrawn = await run(coordinatorCharm, on.relationChanged({ id: CERTIFICATES_ID }, { remoteUnit: 0 }), withProviderData(due.state, {}));
    const stillOld = await run(
      coordinatorCharm,
      on.relationChanged({ id: CERTIFICATES_ID }, { remoteUnit: 0 }),
      withProviderData(due.state, providerBag([{ csr, certificate, ca: ca.pem }])),
    );
    for (const pending of [withdrawn, stillOld]) {
      for (const id of WORKER_IDS) expect(JSON.parse(bagOf(pending.state, id).server_cert ?? "null")).toBe(certificate);
      expect(configOf(pending.state, 1).memberlist.tls_enabled).toBe(true);
      expect(pending.state.unitStatus).toEqual({
        status: "maintenance",
        message: `TLS: using the previous certificate until ${PROVIDER} signs the request that renews it`,
      });
      // A pending renewal is not renewed again.
      expect(requestedCsr(pending.state)).toBe(requestedCsr(due.state));
    }
  });

  it("stops serving the old certificate while the renewal is pending if the provider revokes it", async () => {
    const { ca, csr, certificate, issued } = await clusterWithTls();
    const due = await run(coordinatorCharm, on.updateStatus(), { ...issued.state, now: AFTER_DUE });
    const revoked = await run(
      coordinatorCharm,
      on.relationChanged({ id: CERTIFICATES_ID }, { remoteUnit: 0 }),
      withProviderData(due.state, providerBag([{ csr, certificate, ca: ca.pem, revoked: true }])),
    );
    for (const id of WORKER_IDS) expect(bagOf(revoked.state, id).server_cert).toBeUndefined();
    expect(revoked.state.unitStatus.status).toBe("waiting");
  });

  it("moves every worker to the renewed certificate once it is signed, with the same key and CA, and wakes at its due time", async () => {
    const { ca, issued } = await clusterWithTls();
    const due = await run(coordinatorCharm, on.updateStatus(), { ...issued.state, now: AFTER_DUE });
    const renewal = requestedCsr(due.state);
    const renewed = issue(ca, renewal, { serial: "05", validity: { notBefore: AFTER_DUE, notAfter: "2036-01-01T00:00:00Z" } });
    const signed = await run(
      coordinatorCharm,
      on.relationChanged({ id: CERTIFICATES_ID }, { remoteUnit: 0 }),
      withProviderData(due.state, providerBag([{ csr: renewal, certificate: renewed, ca: ca.pem }])),
    );
    for (const id of WORKER_IDS) {
      const bag = bagOf(signed.state, id);
      expect(JSON.parse(bag.server_cert ?? "null")).toBe(renewed);
      expect(JSON.parse(bag.ca_cert ?? "null")).toBe(ca.pem);
      expect(bag.privkey_secret_id).toBe(bagOf(issued.state, id).privkey_secret_id);
    }
    expect(signed.state.unitStatus.status).toBe("active");
    // Three years valid from 2033-01-01: due a year before it expires.
    expect(keySecret(signed.state).expire).toBe("2035-01-01T00:00:00Z");
    expect(requestedCsr(signed.state)).toBe(renewal);
  });

  it("keeps the expired certificate on the workers and says so in a blocked status when the renewal is never signed", async () => {
    const { ca, csr, certificate, issued } = await clusterWithTls();
    const due = await run(coordinatorCharm, on.updateStatus(), { ...issued.state, now: AFTER_DUE });
    const expired = await run(
      coordinatorCharm,
      on.updateStatus(),
      { ...withProviderData(due.state, providerBag([{ csr, certificate, ca: ca.pem }])), now: "2036-02-01T00:00:00Z" },
    );
    for (const id of WORKER_IDS) expect(JSON.parse(bagOf(expired.state, id).server_cert ?? "null")).toBe(certificate);
    expect(expired.state.unitStatus).toEqual({
      status: "blocked",
      message: `the TLS certificate expired at 2036-01-01T00:00:00Z and ${PROVIDER} has not signed its renewal: check ${PROVIDER}`,
    });
  });

  it("does not ask again, and says why, when the provider renews for the same dates (each answer would restart every worker)", async () => {
    const { ca, issued } = await clusterWithTls();
    const due = await run(coordinatorCharm, on.updateStatus(), { ...issued.state, now: AFTER_DUE });
    const renewal = requestedCsr(due.state);
    const sameDates = issue(ca, renewal, { serial: "06" });
    const answered = await run(
      coordinatorCharm,
      on.relationChanged({ id: CERTIFICATES_ID }, { remoteUnit: 0 }),
      withProviderData(due.state, providerBag([{ csr: renewal, certificate: sameDates, ca: ca.pem }])),
    );
    expect(requestedCsr(answered.state)).toBe(renewal);
    for (const id of WORKER_IDS) expect(JSON.parse(bagOf(answered.state, id).server_cert ?? "null")).toBe(sameDates);
    expect(answered.state.unitStatus).toEqual({
      status: "blocked",
      message: `${PROVIDER} renewed the TLS certificate only until 2036-01-01T00:00:00Z, already due for renewal; not asking again: check ${PROVIDER}'s certificate validity and CA`,
    });
    const later = await run(coordinatorCharm, on.updateStatus(), answered.state);
    expect(relationSetsOn(later, CERTIFICATES_ID)).toEqual([]);
  });

  it("renews earlier when the provider recommends a longer notice before expiry", async () => {
    const { ca, csr, certificate, issued } = await clusterWithTls();
    // Five years' notice on a ten-year certificate: due on 2031-01-01, before a third of the lifetime.
    const bag = JSON.parse(providerBag([{ csr, certificate, ca: ca.pem }]).certificates!) as Record<string, unknown>[];
    const withNotice = { certificates: JSON.stringify(bag.map((entry) => ({ ...entry, recommended_expiry_notification_time: 5 * 8766 }))) };
    const noticed = await run(coordinatorCharm, on.updateStatus(), { ...withProviderData(issued.state, withNotice), now: "2031-06-01T00:00:00Z" });
    expect(requestedCsr(noticed.state)).not.toBe(csr);
  });
});

