import { describe, expect, it } from "vitest";
import { parseCoordinatorConfig } from "../../../src/charms/coordinator/config-options.js";

describe("coordinator config options", () => {
  it("takes the declared defaults when Juju hands over no options", () => {
    expect(parseCoordinatorConfig({})).toEqual({
      kind: "valid",
      settings: {
        retentionHours: 720,
        alwaysEnabledReceivers: ["otlp_http"],
        replicationFactor: "auto",
        tempoVersion: "2.7",
      },
    });
  });

  it("turns every always_enable_* option into its receiver protocol, sorted", () => {
    const result = parseCoordinatorConfig({
      "always_enable_zipkin": true,
      "always_enable_otlp_grpc": true,
      "always_enable_otlp_http": false,
      "always_enable_jaeger_thrift_http": true,
      "always_enable_jaeger_grpc": true,
    });
    expect(result.kind === "valid" && result.settings.alwaysEnabledReceivers).toEqual([
      "jaeger_grpc",
      "jaeger_thrift_http",
      "otlp_grpc",
      "zipkin",
    ]);
  });

  it("reads an explicit replication factor as a number and 0 as automatic", () => {
    const explicit = parseCoordinatorConfig({ "replication-factor": 3 });
    const automatic = parseCoordinatorConfig({ "replication-factor": 0 });
    expect(explicit.kind === "valid" && explicit.settings.replicationFactor).toBe(3);
    expect(automatic.kind === "valid" && automatic.settings.replicationFactor).toBe("auto");
  });

  it("names retention-period and the allowed range when it is not positive", () => {
    expect(parseCoordinatorConfig({ "retention-period": 0 })).toEqual({
      kind: "invalid",
      problems: [{ option: "retention-period", message: "retention-period must be at least 1 (hours)", got: "0" }],
    });
  });

  it("names tempo-version and lists the supported versions when it is unknown", () => {
    expect(parseCoordinatorConfig({ "tempo-version": "1.5" })).toEqual({
      kind: "invalid",
      problems: [{ option: "tempo-version", message: "tempo-version must be one of 2.7, 2.8, 2.9, 2.10", got: '"1.5"' }],
    });
  });

  it("rejects a negative replication factor and a fractional retention together", () => {
    const result = parseCoordinatorConfig({ "replication-factor": -1, "retention-period": 1.5 });
    expect(result).toEqual({
      kind: "invalid",
      problems: [
        {
          option: "replication-factor",
          message: "replication-factor must be 0 (automatic) or a positive number of copies",
          got: "-1",
        },
        { option: "retention-period", message: "retention-period must be a whole number of hours", got: "1.5" },
      ],
    });
  });

  it("rejects a receiver flag of the wrong type by its option name", () => {
    expect(parseCoordinatorConfig({ "always_enable_zipkin": "yes" })).toEqual({
      kind: "invalid",
      problems: [{ option: "always_enable_zipkin", message: "always_enable_zipkin must be true or false", got: '"yes"' }],
    });
  });
});
