/**
 * Actions through Juju's hook commands: HookCommandsBackend against the fake agent's action-get,
 * action-set, action-fail and action-log, in this process (no charm bundle).
 */
import { describe, expect, it } from "vitest";
import { HookCommandsBackend } from "../../src/juju/hook-commands.js";
import { HookCommandError } from "../../src/juju/backend.js";
import { startHook } from "../../src/testing/fake-juju/index.js";

const UNIT = { unitName: "tempo/0", leader: true };

describe("actions under the fake Juju agent", () => {
  it("reads the parameters and records results, progress lines and the failure message", () => {
    const hook = startHook({ state: UNIT, event: { kind: "action", name: "list-receivers", params: { verbose: true } } });
    expect(hook.env.JUJU_DISPATCH_PATH).toBe("actions/list-receivers");
    const backend = new HookCommandsBackend({ env: hook.env });
    expect(backend.actionGet()).toEqual({ verbose: true });
    backend.actionLog("looking");
    backend.actionSet({ "otlp-http": "http://tempo.cos.svc.cluster.local:4318", zipkin: "a=b" });
    backend.actionFail("not ready");
    const outcome = hook.finish(0);
    expect(outcome.state.action).toEqual({
      results: { "otlp-http": "http://tempo.cos.svc.cluster.local:4318", zipkin: "a=b" },
      logs: ["looking"],
      failure: "not ready",
    });
  }, 60_000);

  it("refuses the action commands in a hook, as Juju does", () => {
    const hook = startHook({ state: UNIT, event: { kind: "lifecycle", name: "update-status" } });
    const backend = new HookCommandsBackend({ env: hook.env });
    expect(() => backend.actionSet({ a: "b" })).toThrow(HookCommandError);
    expect(() => backend.actionSet({ a: "b" })).toThrow(/not running an action/);
    hook.finish(0);
  }, 60_000);

  it("refuses a result key Juju refuses", () => {
    const hook = startHook({ state: UNIT, event: { kind: "action", name: "x" } });
    const backend = new HookCommandsBackend({ env: hook.env });
    expect(() => backend.actionSet({ otlp_http: "x" })).toThrow(/must start and end with lowercase alphanumeric/);
    hook.finish(0);
  }, 60_000);
});
