/**
 * Operator steps as one line of text, the way a person types them after `--then`: the Juju
 * command's own words, without `juju`. Parsing is separate from applying so that bad input is
 * reported before anything runs.
 *
 *   add-unit APP [N]          remove-unit UNIT           remove-application APP
 *   relate A B                remove-relation A B        config APP key=value …
 *   set-leader UNIT           fail-hook UNIT HOOK        wait DURATION
 *
 * `wait 61d` is not a Juju command: time passes and Juju's timers fire (secret expiry,
 * update-status), which is how a certificate comes up for renewal.
 */
import { parseAssignments } from "./config-values.js";
import { parseDuration } from "./duration.js";
import type { Outcome, Simulator } from "./simulator.js";

export type Step =
  | { readonly kind: "add-unit"; readonly app: string; readonly count: number }
  | { readonly kind: "remove-unit"; readonly unit: string }
  | { readonly kind: "remove-application"; readonly app: string }
  | { readonly kind: "relate"; readonly a: string; readonly b: string }
  | { readonly kind: "remove-relation"; readonly a: string; readonly b: string }
  | { readonly kind: "config"; readonly app: string; readonly values: Readonly<Record<string, string>> }
  | { readonly kind: "set-leader"; readonly unit: string }
  | { readonly kind: "fail-hook"; readonly unit: string; readonly hook: string }
  | { readonly kind: "wait"; readonly duration: string; readonly ms: number };

export const STEP_USAGE = [
  "add-unit APP [N]",
  "remove-unit UNIT",
  "remove-application APP",
  "relate A B",
  "remove-relation A B",
  "config APP key=value …",
  "set-leader UNIT",
  "fail-hook UNIT HOOK",
  "wait DURATION",
] as const;

export type StepParse = { kind: "valid"; step: Step } | { kind: "invalid"; reason: string };

const UNIT = /^[a-z][a-z0-9-]*\/\d+$/;

export function parseStep(text: string): StepParse {
  const words = text.trim().split(/\s+/).filter((word) => word !== "");
  const [verb, ...rest] = words;
  const invalid = (reason: string): StepParse => ({ kind: "invalid", reason: `"${text}": ${reason}` });
  const expect = (count: number, shape: string) => (rest.length === count ? undefined : invalid(`expected ${shape}`));
  const unitArgument = (value: string | undefined) => (value !== undefined && UNIT.test(value) ? undefined : invalid(`"${value ?? ""}" is not a unit name (app/N)`));
  switch (verb) {
    case "add-unit": {
      if (rest.length < 1 || rest.length > 2) return invalid("expected add-unit APP [N]");
      const countText = rest[1] ?? "1";
      if (!/^\d+$/.test(countText) || Number(countText) < 1 || Number(countText) > 5000) return invalid(`"${countText}" is not a unit count from 1 to 5000`);
      return { kind: "valid", step: { kind: "add-unit", app: rest[0]!, count: Number(countText) } };
    }
    case "remove-unit":
      return expect(1, "remove-unit UNIT") ?? unitArgument(rest[0]) ?? { kind: "valid", step: { kind: "remove-unit", unit: rest[0]! } };
    case "remove-application":
      return expect(1, "remove-application APP") ?? { kind: "valid", step: { kind: "remove-application", app: rest[0]! } };
    case "relate":
    case "integrate":
      return expect(2, "relate A B") ?? { kind: "valid", step: { kind: "relate", a: rest[0]!, b: rest[1]! } };
    case "remove-relation":
      return expect(2, "remove-relation A B") ?? { kind: "valid", step: { kind: "remove-relation", a: rest[0]!, b: rest[1]! } };
    case "config": {
      if (rest.length < 2) return invalid("expected config APP key=value …");
      const assignments = parseAssignments(rest.slice(1));
      if (assignments.kind === "invalid") return invalid(assignments.reasons.join("; "));
      return { kind: "valid", step: { kind: "config", app: rest[0]!, values: assignments.values } };
    }
    case "set-leader":
      return expect(1, "set-leader UNIT") ?? unitArgument(rest[0]) ?? { kind: "valid", step: { kind: "set-leader", unit: rest[0]! } };
    case "fail-hook":
      return expect(2, "fail-hook UNIT HOOK") ?? unitArgument(rest[0]) ?? { kind: "valid", step: { kind: "fail-hook", unit: rest[0]!, hook: rest[1]! } };
    case "wait": {
      const wrongCount = expect(1, "wait DURATION (e.g. wait 61d)");
      if (wrongCount) return wrongCount;
      const duration = parseDuration(rest[0]!);
      if (duration.kind === "invalid") return invalid(duration.reason);
      return { kind: "valid", step: { kind: "wait", duration: rest[0]!, ms: duration.ms } };
    }
    default:
      return invalid(`unknown step "${verb ?? ""}"; steps: ${STEP_USAGE.join(", ")}`);
  }
}

/** Apply a parsed step to the model (nothing runs yet). */
export function applyStep(sim: Simulator, step: Step): Outcome<unknown> {
  switch (step.kind) {
    case "add-unit":
      return sim.addUnits(step.app, step.count);
    case "remove-unit":
      return sim.removeUnit(step.unit);
    case "remove-application":
      return sim.removeApplication(step.app);
    case "relate":
      return sim.relate(step.a, step.b);
    case "remove-relation":
      return sim.removeRelation(step.a, step.b);
    case "config":
      return sim.configure(step.app, step.values);
    case "set-leader":
      return sim.setLeader(step.unit);
    case "fail-hook":
      return sim.failNextHook(step.unit, step.hook);
    case "wait":
      return sim.passTime(step.ms, { updateStatus: true });
  }
}

export function describeStep(step: Step): string {
  switch (step.kind) {
    case "add-unit":
      return `add-unit ${step.app}${step.count === 1 ? "" : ` ${step.count}`}`;
    case "remove-unit":
      return `remove-unit ${step.unit}`;
    case "remove-application":
      return `remove-application ${step.app}`;
    case "relate":
      return `relate ${step.a} ${step.b}`;
    case "remove-relation":
      return `remove-relation ${step.a} ${step.b}`;
    case "config":
      return `config ${step.app} ${Object.entries(step.values).map(([key, value]) => `${key}=${value}`).join(" ")}`;
    case "set-leader":
      return `set-leader ${step.unit}`;
    case "fail-hook":
      return `fail-hook ${step.unit} ${step.hook}`;
    case "wait":
      return `wait ${step.duration}`;
  }
}
