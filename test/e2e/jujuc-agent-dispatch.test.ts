/**
 * The built charm's `dispatch` against the real Go net/rpc and gob codec: a stand-in agent with
 * Juju 3.6's `Jujuc.Main` shapes and checks (test/fixtures/jujuc-agent/main.go), on a path socket
 * (Juju 4's spelling) and on an abstract one (Juju 3.6's). Our client always sends stdin with the
 * call (`StdinSet`), Juju's jujuc binary only when asked, so the agent's log tells which path ran.
 *
 * The tests run on Node 20, which cannot connect to an abstract socket (libuv < 1.48, jujuc-rpc.md
 * §1.3): the abstract case runs `dispatch` with the Node 22 runtime `npm run pack` ships (downloaded
 * from npm once into dist/.cache), exactly as a packed charm does.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/charm-layout.js";
import { BUNDLED_NODE_PATH, CHARM_BUNDLE_FILE, COMPILE_CACHE_DIR } from "../../scripts/dispatch-script.js";
import { ensureNodeRuntime } from "../../scripts/node-runtime.js";
import { exampleCharm } from "../fixtures/example-charm.js";
import { bundleCharm } from "../helpers/bundle-charm.js";
import { buildJujucAgent, jujucToolsDir, type AgentAnswer, type RunningAgent, startJujucAgent } from "../helpers/jujuc-agent.js";
import { realComponent } from "../helpers/real-component.js";

const go = realComponent("go", "golang-go");
const REL = "example-api:4";

/** What the agent answers for one leader's example-api-relation-changed with two client units. */
const ANSWERS: Record<string, AgentAnswer> = {
  "config-get --format=json": { Stdout: '{"fail-hook":false,"greeting":"hi","port":9000}\n' },
  "is-leader --format=json": { Stdout: "true\n" },
  "relation-ids --format=json example-api": { Stdout: `["${REL}"]\n` },
  [`relation-list --format=json -r ${REL}`]: { Stdout: '["client/0","client/1"]\n' },
  [`relation-get --format=json -r ${REL} - client/0`]: { Stdout: '{"requested":"a"}\n' },
  [`relation-get --format=json -r ${REL} - client/1`]: { Stdout: '{"requested":"b"}\n' },
  [`relation-get --format=json -r ${REL} - example/0`]: { Stdout: "{}\n" },
  [`relation-get --format=json -r ${REL} --app - example`]: { Stdout: "{}\n" },
  "opened-ports --format=json": { Stdout: "[]\n" },
  "status-get --include-data --format=json --application=false": { Stdout: '{"message":"","status":"unknown","status-data":{}}\n' },
  "status-get --include-data --format=json --application=true": {
    Stdout: '{"application-status":{"message":"","status":"unknown","status-data":{}},"units":{}}\n',
  },
};

const TOOLS = ["config-get", "is-leader", "opened-ports", "open-port", "relation-get", "relation-ids", "relation-list", "relation-set", "status-get", "status-set", "juju-log"];

describe.skipIf(!go.available)(`the built charm's dispatch against a Go net/rpc agent (${go.reason})`, () => {
  let binary: string;
  let charmDir: string;
  let node22: string;
  let socketDir: string;
  let agent: RunningAgent | undefined;

  beforeAll(async () => {
    binary = buildJujucAgent(go.path);
    charmDir = await bundleCharm(path.join(REPO_ROOT, "test/fixtures/example-charm-main.ts"), exampleCharm.meta);
    const runtime = await ensureNodeRuntime(path.join(REPO_ROOT, "dist", ".cache"));
    if (runtime.kind === "failed") throw new Error(runtime.reason);
    node22 = runtime.nodeBinary;
    socketDir = mkdtempSync(path.join(os.tmpdir(), "jujuc-socket-"));
  }, 300_000);

  afterAll(async () => {
    await agent?.stop();
    rmSync(path.dirname(charmDir), { recursive: true, force: true });
    rmSync(socketDir, { recursive: true, force: true });
  });

  async function runHook(options: { address: string; withNode22: boolean; pathDirs: string[]; extraEnv?: Record<string, string>; service?: string }) {
    await agent?.stop();
    const contextId = `example/0-example-api-relation-changed-${BigInt(`0x${randomBytes(7).toString("hex")}`)}`;
    agent = await startJujucAgent({ binary, address: options.address, contextId, answers: ANSWERS, ...(options.service ? { service: options.service } : {}) });
    const runtimeLink = path.join(charmDir, BUNDLED_NODE_PATH);
    rmSync(path.join(charmDir, "node"), { recursive: true, force: true });
    if (options.withNode22) {
      mkdirSync(path.dirname(runtimeLink), { recursive: true });
      symlinkSync(node22, runtimeLink);
    }
    const result = spawnSync(path.join(charmDir, "dispatch"), [], {
      cwd: charmDir,
      encoding: "utf8",
      env: {
        JUJU_DISPATCH_PATH: "hooks/example-api-relation-changed",
        JUJU_HOOK_NAME: "example-api-relation-changed",
        JUJU_UNIT_NAME: "example/0",
        JUJU_MODEL_NAME: "test",
        JUJU_MODEL_UUID: "00000000-0000-4000-8000-000000000000",
        JUJU_VERSION: "3.6.14",
        JUJU_CHARM_DIR: charmDir,
        JUJU_CONTEXT_ID: contextId,
        JUJU_AGENT_SOCKET_ADDRESS: options.address,
        JUJU_AGENT_SOCKET_NETWORK: "unix",
        JUJU_RELATION: "example-api",
        JUJU_RELATION_ID: REL,
        JUJU_REMOTE_APP: "client",
        JUJU_REMOTE_UNIT: "client/0",
        PATH: options.pathDirs.join(path.delimiter),
        ...options.extraEnv,
      },
    });
    return { ...result, calls: agent.calls() };
  }

  const node20Dir = path.dirname(process.execPath);

  function expectTheHooksEffects(calls: ReturnType<RunningAgent["calls"]>) {
    const writes = calls.filter((call) => ["relation-set", "open-port", "status-set"].includes(call.CommandName));
    expect(writes.map((call) => [call.CommandName, ...(call.Args ?? []), call.Stdin])).toEqual([
      // Status is immediate; the buffered writes go out after reconcile.
      ["status-set", "--application=false", "active", "--", "serving 2 remote units", ""],
      ["status-set", "--application=true", "active", "--", "", ""],
      ["relation-set", "-r", REL, "--file", "-", '{"greeting":"hi","unit-port":"9000"}'],
      ["relation-set", "-r", REL, "--app", "--file", "-", '{"greeting":"hi","remote-units":"[\\"client/0\\",\\"client/1\\"]","requested":"[\\"a\\",\\"b\\"]"}'],
      ["open-port", "9000/tcp", ""],
    ]);
    expect(new Set(calls.map((call) => call.Dir))).toEqual(new Set([charmDir]));
    // Each bag read once: two remote units, the own unit and the own application.
    expect(calls.filter((call) => call.CommandName === "relation-get")).toHaveLength(4);
  }

  it("runs a whole hook over a path socket with no hook tool on PATH", async () => {
    const result = await runHook({ address: path.join(socketDir, "agent.socket"), withNode22: false, pathDirs: [node20Dir] });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expectTheHooksEffects(result.calls);
    expect(result.calls.every((call) => call.StdinSet)).toBe(true);
  }, 60_000);

  it("runs a whole hook over Juju 3.6's abstract socket with the packed Node 22 runtime", async () => {
    const result = await runHook({ address: `@${path.join(socketDir, "abstract.socket")}`, withNode22: true, pathDirs: [] });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expectTheHooksEffects(result.calls);
    expect(result.calls.every((call) => call.StdinSet)).toBe(true);
  }, 60_000);

  it("starts the second hook from the compile cache the first hook's Node 22 wrote into the charm directory", async () => {
    rmSync(path.join(charmDir, COMPILE_CACHE_DIR), { recursive: true, force: true });
    // Node's own trace of its compile cache (src/compile_cache.cc), on stderr.
    const traced = { NODE_DEBUG_NATIVE: "COMPILE_CACHE" };
    const bundle = `${pathToFileURL(path.join(charmDir, CHARM_BUNDLE_FILE)).href}`;
    // Juju's PATH holds the system directories: dispatch makes the cache directory with mkdir.
    const systemDirs = ["/usr/bin", "/bin"];
    const first = await runHook({ address: `@${path.join(socketDir, "cold.socket")}`, withNode22: true, pathDirs: systemDirs, extraEnv: traced });
    expect(first.status).toBe(0);
    expect(first.stderr).toContain(`writing cache for ${bundle}`);
    expect(first.stderr).not.toContain(`cache for ${bundle} was accepted`);
    const second = await runHook({ address: `@${path.join(socketDir, "warm.socket")}`, withNode22: true, pathDirs: systemDirs, extraEnv: traced });
    expect(second.status).toBe(0);
    expect(second.stderr).toContain(`cache for ${bundle} was accepted`);
    expectTheHooksEffects(second.calls);
  }, 60_000);

  it("spawns Juju's hook tools when Node on PATH is older than 22 and the socket is abstract", async () => {
    const tools = jujucToolsDir(binary, TOOLS);
    try {
      const result = await runHook({ address: `@${path.join(socketDir, "abstract-20.socket")}`, withNode22: false, pathDirs: [tools, node20Dir] });
      expect(result.status).toBe(0);
      expectTheHooksEffects(result.calls);
      // jujuc sends stdin only when the agent asks for it: relation-set --file - alone.
      expect(result.calls.filter((call) => call.StdinSet).map((call) => call.CommandName)).toEqual(["relation-set", "relation-set"]);
    } finally {
      rmSync(tools, { recursive: true, force: true });
    }
  }, 60_000);

  it("spawns the hook tools when CHARM_HOOK_TRANSPORT=tools, even where the socket is reachable", async () => {
    const tools = jujucToolsDir(binary, TOOLS);
    try {
      const result = await runHook({
        address: path.join(socketDir, "forced.socket"),
        withNode22: true,
        pathDirs: [tools],
        extraEnv: { CHARM_HOOK_TRANSPORT: "tools" },
      });
      expect(result.status).toBe(0);
      expectTheHooksEffects(result.calls);
      expect(result.calls.filter((call) => !call.StdinSet)).toHaveLength(result.calls.length - 2);
    } finally {
      rmSync(tools, { recursive: true, force: true });
    }
  }, 60_000);

  it("turns the agent's bad request into jujuc's ERROR line and exit code 1, failing the hook", async () => {
    const result = await runHook({
      address: path.join(socketDir, "token.socket"),
      withNode22: false,
      pathDirs: [node20Dir],
      // The stand-in expects no token, like a local hook; a set one is refused (server.go:186–232).
      extraEnv: { JUJU_AGENT_TOKEN: "not-the-token" },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("config-get: ERROR bad request: token does not match");
    expect(result.calls).toEqual([]);
  }, 60_000);
});
