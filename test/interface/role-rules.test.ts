import { describe, expect, it } from "vitest";
import { GRPC_PORT, HTTP_PORT, MEMBERLIST_PORT, RECEIVER_PORTS, RECEIVER_PROTOCOLS, isReceiverProtocol } from "../../src/interface/ports.js";
import { expandRole, missingRoles, tempoTarget, workerPorts } from "../../src/interface/role-rules.js";
import { ROLES } from "../../src/interface/roles.js";

describe("role rules", () => {
  it("expands all to the six components, not to itself", () => {
    expect(expandRole("all")).toEqual(["querier", "query-frontend", "ingester", "distributor", "compactor", "metrics-generator"]);
  });

  it("expands any other role to itself", () => {
    for (const role of ROLES.filter((r) => r !== "all")) expect(expandRole(role)).toEqual([role]);
  });

  it("runs all as Tempo's scalable-single-binary target and every other role under its own name", () => {
    expect(tempoTarget("all")).toBe("scalable-single-binary");
    expect(tempoTarget("query-frontend")).toBe("query-frontend");
    expect(tempoTarget("metrics-generator")).toBe("metrics-generator");
  });

  it("names every required role, sorted, when nothing is covered", () => {
    expect(missingRoles([])).toEqual(["compactor", "distributor", "ingester", "querier", "query-frontend"]);
  });

  it("needs nothing more when an all worker is present", () => {
    expect(missingRoles(["all"])).toEqual([]);
  });

  it("does not count metrics-generator as required", () => {
    expect(missingRoles(["querier", "query-frontend", "ingester", "distributor", "compactor"])).toEqual([]);
    expect(missingRoles(["metrics-generator"])).toHaveLength(5);
  });

  it("names only the roles still missing", () => {
    expect(missingRoles(["querier", "ingester", "ingester"])).toEqual(["compactor", "distributor", "query-frontend"]);
  });
});

describe("workerPorts", () => {
  const receivers = [RECEIVER_PORTS.otlp_http, RECEIVER_PORTS.zipkin];

  it("opens only HTTP and memberlist for roles that neither ingest nor serve queriers", () => {
    for (const role of ["querier", "ingester", "compactor", "metrics-generator"] as const) {
      expect(workerPorts(role, receivers)).toEqual([HTTP_PORT, MEMBERLIST_PORT]);
    }
  });

  it("adds the enabled receiver ports for a distributor", () => {
    expect(workerPorts("distributor", receivers)).toEqual([3200, 4318, 7946, 9411]);
  });

  it("adds gRPC for a query-frontend", () => {
    expect(workerPorts("query-frontend", receivers)).toEqual([3200, 7946, GRPC_PORT]);
  });

  it("adds receivers and gRPC for all, sorted and unique", () => {
    expect(workerPorts("all", [4318, 4317, 4318, 3200])).toEqual([3200, 4317, 4318, 7946, 9096]);
  });

  it("knows Tempo's default port for each receiver protocol", () => {
    expect(RECEIVER_PORTS).toEqual({ otlp_grpc: 4317, otlp_http: 4318, zipkin: 9411, jaeger_thrift_http: 14268, jaeger_grpc: 14250 });
    expect(RECEIVER_PROTOCOLS).toEqual(["jaeger_grpc", "jaeger_thrift_http", "otlp_grpc", "otlp_http", "zipkin"]);
  });

  it("recognises only the five receiver protocols", () => {
    expect(RECEIVER_PROTOCOLS.every(isReceiverProtocol)).toBe(true);
    expect(isReceiverProtocol("otlp")).toBe(false);
    expect(isReceiverProtocol("toString")).toBe(false);
  });
});
