import { describe, expect, it } from "vitest";
import {
  decideStatus,
  invalidConfig,
  invalidRole,
  missingRoles,
  noReceivers,
  noWorkerRelations,
  s3Invalid,
  tempoConfigRejected,
  rejectedWorker,
  replicationFactorTooHigh,
  s3AwaitingCredentials,
  s3NotRelated,
  scaledToZero,
  unusableNeighbourData,
} from "../../../src/charms/coordinator/status.js";

const SUMMARY = { workerUnits: 8, applications: 6, storage: "s3" } as const;

describe("the coordinator's status decision", () => {
  it("is active with the cluster's shape when nothing is wrong", () => {
    expect(decideStatus([], SUMMARY)).toEqual({ status: "active", message: "8 workers in 6 applications" });
  });

  it("says so when a single node runs on local storage", () => {
    expect(decideStatus([], { workerUnits: 1, applications: 1, storage: "local" })).toEqual({
      status: "active",
      message: "1 worker in 1 application (local storage: relate an s3 provider to keep traces)",
    });
  });

  it("names the application that receives traces, and how many of its units are up, when tracing clients asked", () => {
    expect(decideStatus([], { ...SUMMARY, ingest: { application: "tempo-distributor", units: 2 } })).toEqual({
      status: "active",
      message: "8 workers in 6 applications; traces received by tempo-distributor (2 units)",
    });
  });

  it("says that no trace is received while no distributor runs", () => {
    expect(decideStatus([missingRoles(["distributor", "ingester"], "tempo")], SUMMARY).message).toBe(
      "missing roles: distributor, ingester (per role, a tempo-worker with role-all=false role-<role>=true: juju integrate tempo <worker>); no trace receiver runs until a distributor joins",
    );
  });

  it("names the missing roles and the fix", () => {
    expect(decideStatus([missingRoles(["compactor", "ingester"], "tempo")], SUMMARY)).toEqual({
      status: "blocked",
      message: "missing roles: compactor, ingester (per role, a tempo-worker with role-all=false role-<role>=true: juju integrate tempo <worker>)",
    });
  });

  it("prefers blocked over waiting and joins the blocked messages", () => {
    const status = decideStatus(
      [s3AwaitingCredentials("s3"), rejectedWorker("tempo-worker-q", ['invalid role "querier,ingester"']), s3NotRelated("tempo")],
      SUMMARY,
    );
    expect(status).toEqual({
      status: "blocked",
      message:
        'tempo-worker-q: invalid role "querier,ingester"; relate an s3 provider (distributed Tempo needs object storage): juju integrate tempo:s3 s3-integrator',
    });
  });

  it("shows waiting when nothing blocks", () => {
    expect(decideStatus([s3AwaitingCredentials("minio")], SUMMARY)).toEqual({
      status: "waiting",
      message: "waiting for minio to share the s3 bucket and credentials (s3-integrator: juju run minio/leader sync-s3-credentials access-key=… secret-key=…)",
    });
  });

  it("counts the problems it has no room to show", () => {
    const problems = ["a/0", "a/1", "a/2", "a/3", "a/4"].map((unit) => rejectedWorker(unit, ["bad address"]));
    expect(decideStatus(problems, SUMMARY).message).toBe(
      "a/0: bad address; a/1: bad address; a/2: bad address; and 2 more (see juju debug-log)",
    );
  });

  it("states the replication factor, the ingesters it needs and those it has", () => {
    expect(decideStatus([replicationFactorTooHigh(3, 2, "tempo", "tempo-ingester")], SUMMARY).message).toBe(
      "replication-factor 3 needs at least 3 ingester units (have 2): juju add-unit tempo-ingester -n 1, or juju config tempo replication-factor=2",
    );
  });
});

describe("the catalogue of coordinator problems", () => {
  // Every message an operator can see, verbatim: each names what is wrong and the command or
  // relation that fixes it. A change here is a change to what people read at 3 a.m.
  it.each([
    ["no workers: juju integrate tempo:tempo-cluster <tempo-worker application>", "blocked", noWorkerRelations("tempo")],
    [
      "missing roles: compactor (per role, a tempo-worker with role-all=false role-<role>=true: juju integrate tempo <worker>)",
      "blocked",
      missingRoles(["compactor"], "tempo"),
    ],
    ["missing roles: querier (juju add-unit tempo-querier)", "blocked", missingRoles(["querier"], "tempo", { querier: ["tempo-querier"] })],
    ["tempo-spare has no units (juju add-unit tempo-spare, or juju remove-relation tempo tempo-spare)", "note", scaledToZero("tempo-spare", "tempo")],
    ['tempo-worker-q: invalid role "querier,ingester" (keep one role: juju config tempo-worker-q role-ingester=false)', "blocked", invalidRole("tempo-worker-q", "querier,ingester")],
    ['tempo-worker-q: invalid role "imposter" (enable exactly one role-* option on tempo-worker-q)', "blocked", invalidRole("tempo-worker-q", "imposter")],
    ['w/1: address: "a b" contains whitespace', "blocked", rejectedWorker("w/1", ['address: "a b" contains whitespace'])],
    ["relate an s3 provider (distributed Tempo needs object storage): juju integrate tempo:s3 s3-integrator", "blocked", s3NotRelated("tempo")],
    [
      "waiting for minio to share the s3 bucket and credentials (s3-integrator: juju run minio/leader sync-s3-credentials access-key=… secret-key=…)",
      "waiting",
      s3AwaitingCredentials("minio"),
    ],
    ["s3 data from minio is unusable: bucket is missing", "blocked", s3Invalid("minio", ["bucket is missing"])],
    [
      "replication-factor 3 needs at least 3 ingester units (have 1): juju add-unit tempo-ingester -n 2, or juju config tempo replication-factor=1",
      "blocked",
      replicationFactorTooHigh(3, 1, "tempo", "tempo-ingester"),
    ],
    [
      "otel-app sent an unusable tracing request (receivers is not JSON); its traces are not received (fix otel-app, or: juju remove-relation tempo:tracing otel-app)",
      "note",
      unusableNeighbourData({ coordinator: "tempo", endpoint: "tracing", app: "otel-app" }, "otel-app sent an unusable tracing request (receivers is not JSON)", "its traces are not received"),
    ],
    ["no trace receiver enabled: juju config tempo always_enable_otlp_http=true, or relate a tracing client", "blocked", noReceivers("tempo")],
    ["retention-period must be at least 1 (hours), got 0: juju config tempo retention-period=720", "blocked", invalidConfig("tempo", { option: "retention-period", message: "retention-period must be at least 1 (hours)", got: "0" })],
    ["cannot build the Tempo config: storage.trace.s3.bucket: is empty (+1 more in juju debug-log)", "blocked", tempoConfigRejected(["storage.trace.s3.bucket: is empty", "x: y"])],
  ] as const)("%s (%s)", (message, severity, problem) => {
    expect(problem).toEqual({ severity, message });
  });
});

describe("notes", () => {
  const note = { severity: "note", message: "traefik sent an unusable ingress address (…); URLs stay on the cluster's service" } as const;

  it("are appended to the active message and never take the status from active", () => {
    expect(decideStatus([note], SUMMARY)).toEqual({
      status: "active",
      message: "8 workers in 6 applications; traefik sent an unusable ingress address (…); URLs stay on the cluster's service",
    });
  });

  it("give way to anything that stops the cluster", () => {
    expect(decideStatus([note, { severity: "waiting", message: "waiting for minio" }], SUMMARY)).toEqual({ status: "waiting", message: "waiting for minio" });
  });
});
