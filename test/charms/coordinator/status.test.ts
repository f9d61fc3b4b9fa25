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
    expect(decideStatus([missingRoles(["distributor", "ingester"])], SUMMARY).message).toBe(
      "missing roles: distributor, ingester (relate workers with those roles); no trace receiver runs until a distributor joins",
    );
  });

  it("names the missing roles and the fix", () => {
    expect(decideStatus([missingRoles(["compactor", "ingester"])], SUMMARY)).toEqual({
      status: "blocked",
      message: "missing roles: compactor, ingester (relate workers with those roles)",
    });
  });

  it("prefers blocked over waiting and joins the blocked messages", () => {
    const status = decideStatus(
      [s3AwaitingCredentials("s3"), rejectedWorker("tempo-worker-q", ['invalid role "querier,ingester"']), s3NotRelated()],
      SUMMARY,
    );
    expect(status).toEqual({
      status: "blocked",
      message:
        'tempo-worker-q: invalid role "querier,ingester"; relate an s3 provider (distributed Tempo needs object storage)',
    });
  });

  it("shows waiting when nothing blocks", () => {
    expect(decideStatus([s3AwaitingCredentials("minio")], SUMMARY)).toEqual({
      status: "waiting",
      message: "waiting for minio to share the s3 bucket and credentials",
    });
  });

  it("counts the problems it has no room to show", () => {
    const problems = ["a/0", "a/1", "a/2", "a/3", "a/4"].map((unit) => rejectedWorker(unit, ["bad address"]));
    expect(decideStatus(problems, SUMMARY).message).toBe(
      "a/0: bad address; a/1: bad address; a/2: bad address; and 2 more (see juju debug-log)",
    );
  });

  it("states the replication factor, the ingesters it needs and those it has", () => {
    expect(decideStatus([replicationFactorTooHigh(3, 2)], SUMMARY).message).toBe(
      "replication-factor 3 needs at least 3 ingester units (have 2)",
    );
  });
});

describe("the catalogue of coordinator problems", () => {
  // Every message an operator can see, verbatim: each names what is wrong and the command or
  // relation that fixes it. A change here is a change to what people read at 3 a.m.
  it.each([
    ["no workers: relate tempo-worker applications to the tempo-cluster endpoint", "blocked", noWorkerRelations()],
    ["missing roles: compactor (relate workers with those roles)", "blocked", missingRoles(["compactor"])],
    ['tempo-worker-q: invalid role "querier,ingester" (enable exactly one role-* option on tempo-worker-q)', "blocked", invalidRole("tempo-worker-q", "querier,ingester")],
    ['w/1: address: "a b" contains whitespace', "blocked", rejectedWorker("w/1", ['address: "a b" contains whitespace'])],
    ["relate an s3 provider (distributed Tempo needs object storage)", "blocked", s3NotRelated()],
    ["waiting for minio to share the s3 bucket and credentials", "waiting", s3AwaitingCredentials("minio")],
    ["s3 data from minio is unusable: bucket is missing", "blocked", s3Invalid("minio", ["bucket is missing"])],
    ["replication-factor 3 needs at least 3 ingester units (have 1)", "blocked", replicationFactorTooHigh(3, 1)],
    ["no trace receiver enabled: juju config tempo always_enable_otlp_http=true, or relate a tracing client", "blocked", noReceivers("tempo")],
    ["retention-period must be at least 1 (hours), got 0: juju config tempo retention-period=720", "blocked", invalidConfig("tempo", { option: "retention-period", message: "retention-period must be at least 1 (hours)", got: "0" })],
    ["cannot build the Tempo config: storage.trace.s3.bucket: is empty (+1 more in juju debug-log)", "blocked", tempoConfigRejected(["storage.trace.s3.bucket: is empty", "x: y"])],
  ] as const)("%s (%s)", (message, severity, problem) => {
    expect(problem).toEqual({ severity, message });
  });
});
