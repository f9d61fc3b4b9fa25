/**
 * Actions through the runtime: parameters in, results and failure out, Juju's key rules enforced.
 */
import { describe, expect, it } from "vitest";
import { resultKeyProblem } from "../../src/juju/action.js";
import type { Charm } from "../../src/juju/charm.js";
import { on, run } from "../../src/testing/index.js";

const echo: Charm = {
  meta: {
    name: "echo",
    summary: "",
    description: "",
    actions: { echo: { description: "Says the text back.", params: { text: { type: "string" } } } },
  },
  async reconcile(model) {
    model.setUnitStatus({ status: "active", message: "reconciled" });
  },
  async runAction(model) {
    const action = model.action()!;
    const text = action.params().text;
    if (typeof text !== "string") return action.fail("text must be a string");
    action.log("echoing");
    action.setResults({ said: text, "nested.length": String(text.length) });
  },
};

describe("running an action", () => {
  it("hands the action its parameters and returns its results and progress lines", async () => {
    const result = await run(echo, on.action("echo", { text: "hi" }), {});
    expect(result.action).toEqual({ results: { said: "hi", "nested.length": "2" }, logs: ["echoing"] });
    expect(result.env.JUJU_DISPATCH_PATH).toBe("actions/echo");
  });

  it("reports action-fail as the action's failure", async () => {
    const result = await run(echo, on.action("echo", { text: 3 }), {});
    expect(result.action?.failure).toBe("text must be a string");
  });

  it("runs the action instead of the reconcile", async () => {
    const result = await run(echo, on.action("echo", { text: "hi" }), {});
    expect(result.statusHistory).toEqual([]);
  });

  it("refuses result keys Juju would refuse, naming the key", () => {
    expect(resultKeyProblem("otlp-http")).toBeUndefined();
    expect(resultKeyProblem("a.b-c")).toBeUndefined();
    expect(resultKeyProblem("otlp_http")).toMatch(/"otlp_http" must be lowercase/);
    expect(resultKeyProblem("Upper")).toMatch(/must be lowercase/);
    expect(resultKeyProblem("stdout")).toMatch(/reserved/);
  });
});
