/**
 * The direct transport in this process against the Go stand-in agent (real net/rpc and gob, Juju
 * 3.6's shapes: test/fixtures/jujuc-agent/main.go) on a path socket, which Node 20 can reach.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HookCommandError } from "../../src/juju/backend.js";
import { HookCommandsBackend } from "../../src/juju/hook-commands.js";
import { connectDirectHookCommands, socketPath } from "../../src/juju/jujuc-client.js";
import { buildJujucAgent, type RunningAgent, startJujucAgent } from "../helpers/jujuc-agent.js";
import { realComponent } from "../helpers/real-component.js";

const go = realComponent("go", "golang-go");
const CONTEXT_ID = "tempo/0-update-status-5577006791947779410";

describe("socket addresses", () => {
  it("reads a leading @ as Linux's abstract namespace and anything else as a path", () => {
    expect(socketPath("@/var/lib/juju/agents/unit-tempo-0/agent.socket")).toBe("\0/var/lib/juju/agents/unit-tempo-0/agent.socket");
    expect(socketPath("/run/juju/agent.socket")).toBe("/run/juju/agent.socket");
  });
});

describe("hook commands spawn the tools without a usable socket", () => {
  it("when the switch forces the tools", async () => {
    const result = await connectDirectHookCommands({ CHARM_HOOK_TRANSPORT: "tools", JUJU_CONTEXT_ID: "x", JUJU_AGENT_SOCKET_ADDRESS: "/x" });
    expect(result).toEqual({ kind: "tools", reason: "CHARM_HOOK_TRANSPORT=tools" });
  });

  it("when nothing listens on the socket", async () => {
    const result = await connectDirectHookCommands({
      JUJU_CONTEXT_ID: "x",
      JUJU_AGENT_SOCKET_ADDRESS: path.join(os.tmpdir(), "no-agent-here.socket"),
      JUJU_AGENT_SOCKET_NETWORK: "unix",
    });
    expect(result.kind).toBe("tools");
  });

  it("when the network is Juju's remote tcp", async () => {
    const result = await connectDirectHookCommands({ JUJU_CONTEXT_ID: "x", JUJU_AGENT_SOCKET_ADDRESS: "10.0.0.1:30000", JUJU_AGENT_SOCKET_NETWORK: "tcp" });
    expect(result).toEqual({ kind: "tools", reason: 'network "tcp" is not unix' });
  });
});

describe.skipIf(!go.available)(`hook commands over a Go net/rpc agent (${go.reason})`, () => {
  let binary: string;
  let dir: string;
  let agent: RunningAgent | undefined;
  const closers: Array<() => void> = [];

  beforeAll(() => {
    binary = buildJujucAgent(go.path);
    dir = mkdtempSync(path.join(os.tmpdir(), "jujuc-client-"));
  }, 120_000);
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await agent?.stop();
    agent = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function backendFor(options: { service?: string; toolsDir?: string } = {}) {
    const address = path.join(dir, `agent-${Math.random().toString(36).slice(2)}.socket`);
    agent = await startJujucAgent({
      binary,
      address,
      contextId: CONTEXT_ID,
      answers: {
        "is-leader --format=json": { Stdout: "true\n" },
        "config-get --format=json": { Stdout: '{"log-level":"info"}\n' },
        "relation-get --format=json -r tempo-cluster:9 - tempo-worker/0": { Code: 2, Stderr: 'ERROR invalid value "tempo-cluster:9" for option -r: relation not found\n' },
      },
      ...(options.service ? { service: options.service } : {}),
    });
    const env = { JUJU_CONTEXT_ID: CONTEXT_ID, JUJU_AGENT_SOCKET_ADDRESS: address, JUJU_AGENT_SOCKET_NETWORK: "unix", PATH: options.toolsDir ?? "" };
    const fallbacks: string[] = [];
    const connected = await connectDirectHookCommands(env, { onFallback: (reason) => fallbacks.push(reason) });
    if (connected.kind !== "direct") throw new Error(connected.reason);
    closers.push(() => connected.commands.close());
    return { backend: new HookCommandsBackend({ env, direct: connected.commands }), fallbacks, commands: connected.commands };
  }

  it("answers many sequential calls on one connection, each seen by the agent once", async () => {
    const { backend } = await backendFor();
    for (let index = 0; index < 50; index += 1) expect(backend.isLeader()).toBe(true);
    expect(backend.configGet()).toEqual({ "log-level": "info" });
    expect(agent!.calls()).toHaveLength(51);
    expect(agent!.calls().every((call) => call.ContextId === CONTEXT_ID && call.Dir === process.cwd())).toBe(true);
  });

  it("sends stdin with the call, so relation-set needs no second round", async () => {
    const { backend } = await backendFor();
    backend.relationSet({ endpoint: "tempo-cluster", id: 3 }, { b: "2", a: "1" }, true);
    expect(agent!.calls().map((call) => [call.Args, call.StdinSet, call.Stdin])).toEqual([
      [["-r", "tempo-cluster:3", "--app", "--file", "-"], true, '{"a":"1","b":"2"}'],
    ]);
  });

  it("classifies the agent's exit code and ERROR line as the spawned tool's", async () => {
    const { backend } = await backendFor();
    let thrown: unknown;
    try {
      backend.relationGet({ endpoint: "tempo-cluster", id: 9 }, "tempo-worker/0", false);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HookCommandError);
    expect(thrown).toMatchObject({ kind: "relation-not-found", exitCode: 2 });
  });

  it("spawns the tools for the rest of the hook after an rpc: error", async () => {
    const tools = mkdtempSync(path.join(os.tmpdir(), "jujuc-tools-"));
    writeFileSync(path.join(tools, "is-leader"), "#!/bin/sh\necho false\n", { mode: 0o755 });
    try {
      const { backend, fallbacks, commands } = await backendFor({ service: "NotJujuc", toolsDir: tools });
      expect(backend.isLeader()).toBe(false);
      expect(backend.isLeader()).toBe(false);
      expect(fallbacks).toEqual(["agent answered: rpc: can't find service Jujuc.Main"]);
      expect(commands.fallbackReason).toBe("agent answered: rpc: can't find service Jujuc.Main");
      expect(agent!.calls()).toEqual([]);
    } finally {
      rmSync(tools, { recursive: true, force: true });
    }
  });
});
