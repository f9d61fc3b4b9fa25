import { describe, expect, it } from "vitest";
import { describeStep, parseStep } from "../../src/sim/steps.js";

describe("operator steps typed after --then", () => {
  it.each([
    ["add-unit tempo-querier", { kind: "add-unit", app: "tempo-querier", count: 1 }],
    ["add-unit tempo-querier 3", { kind: "add-unit", app: "tempo-querier", count: 3 }],
    ["remove-unit tempo-ingester/2", { kind: "remove-unit", unit: "tempo-ingester/2" }],
    ["remove-application tempo-compactor", { kind: "remove-application", app: "tempo-compactor" }],
    ["relate tempo:tempo-cluster tempo-ingester:tempo-cluster", { kind: "relate", a: "tempo:tempo-cluster", b: "tempo-ingester:tempo-cluster" }],
    ["remove-relation tempo tempo-ingester", { kind: "remove-relation", a: "tempo", b: "tempo-ingester" }],
    ["config tempo retention-period=72 tempo-version=2.8", { kind: "config", app: "tempo", values: { "retention-period": "72", "tempo-version": "2.8" } }],
    ["set-leader tempo-ingester/1", { kind: "set-leader", unit: "tempo-ingester/1" }],
    ["  fail-hook   tempo/0   config-changed ", { kind: "fail-hook", unit: "tempo/0", hook: "config-changed" }],
    ["wait 61d", { kind: "wait", duration: "61d", ms: 61 * 86_400_000 }],
    ["wait 90m", { kind: "wait", duration: "90m", ms: 90 * 60_000 }],
  ])("reads %j", (text, step) => {
    const parsed = parseStep(text);
    expect(parsed).toEqual({ kind: "valid", step });
    if (parsed.kind === "valid") expect(parseStep(describeStep(parsed.step))).toEqual(parsed);
  });

  it.each([
    ["", 'unknown step ""'],
    ["scale tempo 3", 'unknown step "scale"'],
    ["add-unit", "expected add-unit APP [N]"],
    ["add-unit tempo-querier many", '"many" is not a unit count'],
    ["add-unit tempo-querier 0", '"0" is not a unit count'],
    ["remove-unit tempo-ingester", '"tempo-ingester" is not a unit name'],
    ["remove-unit a/1 b/2", "expected remove-unit UNIT"],
    ["config tempo", "expected config APP key=value"],
    ["config tempo =3", 'expected key=value, got "=3"'],
    ["fail-hook tempo/0", "expected fail-hook UNIT HOOK"],
    ["wait", "expected wait DURATION"],
    ["wait 61", '"61" is not a duration'],
    ["wait soon", '"soon" is not a duration'],
  ])("rejects %j, naming the problem", (text, reason) => {
    const parsed = parseStep(text);
    expect(parsed.kind).toBe("invalid");
    if (parsed.kind === "invalid") expect(parsed.reason).toContain(reason);
  });
});
