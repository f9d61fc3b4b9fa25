import { describe, expect, it } from "vitest";
import type { ClusterView, WorkerApplication } from "../../../src/interface/cluster-view.js";
import type { Role } from "../../../src/interface/roles.js";
import { decideStorage } from "../../../src/charms/coordinator/storage.js";

function application(name: string, role: Role, unitCount: number): WorkerApplication {
  const units = Array.from({ length: unitCount }, (_, n) => ({
    name: `${name}/${n}`,
    address: `${name}-${n}.${name}-endpoints.cos.svc.cluster.local`,
    topology: { application: name, unit: `${name}/${n}`, charm_name: "tempo-worker" },
  }));
  return { relationId: 1, application: name, role, units };
}
const cluster = (...applications: WorkerApplication[]): ClusterView => ({ applications, rejected: [] });
const S3_DATA = { "access-key": "key", "secret-key": "secret", bucket: "tempo", endpoint: "http://1.2.3.4:9000" };

describe("the storage decision", () => {
  it("runs one all unit on local storage when no s3 is related", () => {
    expect(decideStorage(undefined, cluster(application("tempo", "all", 1)), "tempo")).toEqual({
      kind: "ready",
      storage: { kind: "local" },
    });
  });

  it("asks for s3 when a lone all application has two units", () => {
    const decision = decideStorage(undefined, cluster(application("tempo", "all", 2)), "tempo");
    expect(decision).toEqual({
      kind: "not-ready",
      problem: { severity: "blocked", message: "relate an s3 provider (distributed Tempo needs object storage): juju integrate tempo:s3 s3-integrator" },
    });
  });

  it("asks for s3 for a distributed cluster", () => {
    const decision = decideStorage(undefined, cluster(application("q", "querier", 1), application("i", "ingester", 3)), "tempo");
    expect(decision.kind).toBe("not-ready");
  });

  it("uses the s3 bucket with its CA when the provider shared everything", () => {
    const decision = decideStorage(
      { id: 7, app: "s3", providerData: { ...S3_DATA, region: "eu", "tls-ca-chain": '["PEM"]' } },
      cluster(application("tempo", "all", 1)),
      "tempo",
    );
    expect(decision).toEqual({
      kind: "ready",
      storage: {
        kind: "s3",
        endpoint: "http://1.2.3.4:9000",
        bucket: "tempo",
        accessKey: "key",
        secretKey: "secret",
        region: "eu",
        caCert: "PEM\n",
      },
    });
  });

  it("waits for an s3 provider that has not shared its credentials yet, even for a lone node", () => {
    const decision = decideStorage({ id: 7, app: "minio", providerData: {} }, cluster(application("tempo", "all", 1)), "tempo");
    expect(decision).toEqual({
      kind: "not-ready",
      problem: { severity: "waiting", message: "waiting for minio to share the s3 bucket and credentials (s3-integrator: juju run minio/leader sync-s3-credentials access-key=… secret-key=…)" },
    });
  });

  it("blocks on s3 data that is missing a key, naming the key", () => {
    const decision = decideStorage(
      { id: 7, app: "minio", providerData: { bucket: "tempo", endpoint: "http://x", "access-key": "a" } },
      cluster(application("tempo", "all", 1)),
      "tempo",
    );
    expect(decision).toEqual({
      kind: "not-ready",
      problem: { severity: "blocked", message: "s3 data from minio is unusable: secret-key is missing" },
    });
  });
});
