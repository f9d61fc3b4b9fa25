/**
 * The fake agent answers over Juju's jujuc RPC socket by the same state and rules as its hook-tool
 * executables, so a bundled charm gives the same outcome through either transport.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DispatchResult, runDispatch, startHook } from "../../src/testing/fake-juju/driver.js";
import { fakeJujucServer } from "../../src/testing/fake-juju/jujuc-server.js";
import { type FakeJujuStateInput, jujuUnitBag } from "../../src/testing/fake-juju/state.js";
import { exampleCharm } from "../fixtures/example-charm.js";
import { buildJujucAgent, jujucToolsDir } from "../helpers/jujuc-agent.js";
import { realComponent } from "../helpers/real-component.js";
import { bundleCharm } from "../helpers/bundle-charm.js";

const API_ID = 4;
const go = realComponent("go", "golang-go");

function exampleState(config: Record<string, string | number | boolean> = {}): FakeJujuStateInput {
  return {
    unitName: "example/0",
    leader: true,
    config: { port: 8080, greeting: "hello", "fail-hook": false, ...config },
    relations: [
      {
        endpoint: "example-api",
        id: API_ID,
        remoteApp: "client",
        localUnitData: jujuUnitBag("10.1.0.1"),
        remoteUnitsData: {
          "client/0": jujuUnitBag("10.1.1.1", { requested: "feature-a" }),
          "client/1": jujuUnitBag("10.1.1.2", { requested: "feature-b" }),
        },
      },
    ],
  };
}

/** The logged error's first line: Node's async stack frames differ with the event-loop ticks between calls. */
function withoutStackFrames(state: DispatchResult["state"]) {
  return { ...state, logs: state.logs.map((log) => ({ ...log, message: log.message.split("\n")[0] })) };
}

const CHANGED = { kind: "relation", phase: "changed", relationId: API_ID, remoteUnit: "client/0" } as const;

let charmDir: string;
beforeAll(async () => {
  charmDir = await bundleCharm("test/fixtures/example-charm-main.ts", exampleCharm.meta);
}, 120_000);
afterAll(async () => {
  await rm(path.dirname(charmDir), { recursive: true, force: true });
});

describe("the fake agent's two transports", () => {
  it("give the same committed state and the same hook commands", () => {
    const overTools = runDispatch({ charmDir, state: exampleState(), event: CHANGED, transport: "hook-tools" });
    const answeredBefore = fakeJujucServer().callsAnswered();
    const overRpc = runDispatch({ charmDir, state: exampleState(), event: CHANGED, transport: "jujuc-rpc" });
    expect(overRpc.exitCode, overRpc.stderr).toBe(0);
    expect(overRpc.stderr).toBe("");
    expect(overRpc.state).toEqual(overTools.state);
    expect(overRpc.calls).toEqual(overTools.calls);
    // Every one of them went over the socket: none was a process.
    expect(fakeJujucServer().callsAnswered() - answeredBefore).toBe(overRpc.calls.length);
    expect(overRpc.state.relations[0]!.localAppData.requested).toBe('["feature-a","feature-b"]');
  }, 120_000);

  it("discard a failed hook's buffered writes alike, keeping its immediate effects", () => {
    const overTools = runDispatch({ charmDir, state: exampleState({ "fail-hook": true }), event: CHANGED, transport: "hook-tools" });
    const overRpc = runDispatch({ charmDir, state: exampleState({ "fail-hook": true }), event: CHANGED, transport: "jujuc-rpc" });
    expect(overRpc.exitCode).toBe(1);
    expect(overRpc.committed).toBe(false);
    expect(withoutStackFrames(overRpc.state)).toEqual(withoutStackFrames(overTools.state));
    expect(overRpc.state.relations[0]!.localAppData).toEqual({});
    expect(overRpc.state.logs.at(-1)?.message).toContain("fail-hook is set");
  }, 120_000);

  it.skipIf(!go.available)(`answer Juju's own jujuc client, Go's net/rpc and gob (${go.reason})`, () => {
    const binary = buildJujucAgent(go.path);
    const tools = jujucToolsDir(binary, ["relation-get", "relation-set"]);
    const hook = startHook({ state: exampleState(), event: CHANGED, transport: "jujuc-rpc" });
    try {
      const run = (command: string, args: string[], input = "") =>
        spawnSync(path.join(tools, command), args, { env: hook.env, encoding: "utf8", input });
      expect(run("relation-get", ["--format=json", "-r", "example-api:4", "requested", "client/1"])).toMatchObject({ status: 0, stdout: '"feature-b"\n' });
      // jujuc sends stdin only once the agent asks for it (lazy stdin, §1.5).
      expect(run("relation-set", ["-r", "example-api:4", "--file", "-"], '{"greeting":"hey"}')).toMatchObject({ status: 0, stderr: "" });
      expect(run("relation-get", ["-r", "example-api:99", "-", "client/1"])).toMatchObject({
        status: 2,
        stderr: 'ERROR invalid value "example-api:99" for option -r: relation not found\n',
      });
      expect(hook.finish(0).state.relations[0]!.localUnitData.greeting).toBe("hey");
    } finally {
      rmSync(tools, { recursive: true, force: true });
    }
  }, 120_000);
});
