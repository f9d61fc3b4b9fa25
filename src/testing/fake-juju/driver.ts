/**
 * The fake Juju agent's driver: runs one hook of a charm the way Juju's uniter does, answering its hook
 * commands from a state file, and commits the hook's buffered writes only if it exits 0.
 *
 * Test tooling, not runtime: this module starts the charm's `dispatch` (the runtime's only process
 * spawner is src/juju/hook-commands.ts). See juju-hook-tools.md §1 (how Juju runs dispatch) and §6.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  FakeAgentFile,
  FakeEvent,
  type FakeEventInput,
  type FakeHookContext,
  type FakeJujuState,
  type FakeJujuStateInput,
  FakePendingFile,
  type FakeSecretAccessChange,
  fakeJujuState,
  hookContextFor,
} from "./state.js";
import { fakeJujucServer } from "./jujuc-server.js";

/** Every hook command the fake agent answers. */
export const FAKE_HOOK_COMMANDS = [
  "action-fail",
  "action-get",
  "action-log",
  "action-set",
  "application-version-set",
  "close-port",
  "config-get",
  "is-leader",
  "juju-log",
  "network-get",
  "open-port",
  "opened-ports",
  "relation-get",
  "relation-ids",
  "relation-list",
  "relation-set",
  "secret-add",
  "secret-get",
  "secret-grant",
  "secret-ids",
  "secret-info-get",
  "secret-remove",
  "secret-revoke",
  "secret-set",
  "state-delete",
  "state-get",
  "state-set",
  "status-get",
  "status-set",
] as const;

export interface HookCommandCall {
  readonly command: string;
  readonly args: string[];
}

const TOOL_SCRIPT = fileURLToPath(new URL("./fake-hook-tool.mjs", import.meta.url));
const JUJU_VERSION = "3.6.14";

let toolsDirOfThisProcess: string | undefined;

/**
 * A directory of symlinks named like Juju's hook commands, all pointing at fake-hook-tool.mjs (which
 * dispatches on its argv[1] basename, as jujuc does). Made once per process.
 */
export function fakeHookToolsDir(): string {
  if (toolsDirOfThisProcess !== undefined && existsSync(toolsDirOfThisProcess)) return toolsDirOfThisProcess;
  try {
    accessSync(TOOL_SCRIPT, constants.X_OK);
  } catch {
    // A checkout that lost the executable bit; the symlinks need it.
    chmodSync(TOOL_SCRIPT, 0o755);
  }
  const dir = mkdtempSync(path.join(tmpdir(), "fake-juju-tools-"));
  for (const command of FAKE_HOOK_COMMANDS) symlinkSync(TOOL_SCRIPT, path.join(dir, command));
  toolsDirOfThisProcess = dir;
  return dir;
}

/**
 * The hook's complete environment, replaced rather than inherited (§1.3): no HOME, USER or SHELL.
 * PATH is the tools dir plus the directory of the running `node`, so `dispatch` can start Node.
 */
export function buildHookEnvironment(options: {
  state: FakeJujuState;
  hook: FakeHookContext;
  event: FakeEvent;
  contextId: string;
  charmDir: string;
  toolsDir: string;
  statePath: string;
}): Record<string, string> {
  const { state, hook, event, charmDir } = options;
  const env: Record<string, string> = {
    JUJU_DISPATCH_PATH: `hooks/${hook.name}`,
    JUJU_HOOK_NAME: hook.name,
    JUJU_UNIT_NAME: state.unitName,
    JUJU_MODEL_NAME: state.model.name,
    JUJU_MODEL_UUID: state.model.uuid,
    JUJU_CHARM_DIR: charmDir,
    CHARM_DIR: charmDir,
    JUJU_VERSION,
    JUJU_CONTEXT_ID: options.contextId,
    JUJU_AGENT_SOCKET_ADDRESS: `@fake-juju-${options.contextId}`,
    JUJU_AGENT_SOCKET_NETWORK: "unix",
    JUJU_API_ADDRESSES: "10.0.0.1:17070",
    JUJU_MACHINE_ID: "",
    JUJU_PRINCIPAL_UNIT: "",
    JUJU_AVAILABILITY_ZONE: "",
    JUJU_SLA: "unsupported",
    CLOUD_API_VERSION: "",
    JUJU_CHARM_HTTP_PROXY: "",
    JUJU_CHARM_HTTPS_PROXY: "",
    JUJU_CHARM_FTP_PROXY: "",
    JUJU_CHARM_NO_PROXY: "",
    LANG: "C.UTF-8",
    TERM: "tmux-256color",
    DEBIAN_FRONTEND: "noninteractive",
    APT_LISTCHANGES_FRONTEND: "none",
    PATH: [options.toolsDir, path.dirname(process.execPath)].join(path.delimiter),
    // Not Juju's: how the fake hook commands find this hook's state file.
    FAKE_JUJU_STATE: options.statePath,
  };
  if (hook.relationId !== undefined) {
    const relation = state.relations.find((candidate) => candidate.id === hook.relationId);
    env.JUJU_RELATION = relation?.endpoint ?? "";
    env.JUJU_RELATION_ID = `${relation?.endpoint ?? ""}:${hook.relationId}`;
    env.JUJU_REMOTE_APP = hook.remoteApp ?? "";
    // Present but empty for created, broken and app-data relation-changed (§1.3).
    env.JUJU_REMOTE_UNIT = hook.remoteUnit ?? "";
    // Exported only when non-empty (Juju src worker/uniter/runner/context/context.go HookVars:
    // `if c.departingUnitName != ""`); an event with `departingUnit: ""` plays that case.
    if (hook.departingUnit) env.JUJU_DEPARTING_UNIT = hook.departingUnit;
  }
  if (event.kind === "workload") {
    env.JUJU_WORKLOAD_NAME = event.container;
    if (event.checkName !== undefined) env.JUJU_PEBBLE_CHECK_NAME = event.checkName;
  }
  if (event.kind === "action") {
    env.JUJU_DISPATCH_PATH = `actions/${event.name}`;
    env.JUJU_ACTION_NAME = event.name;
    env.JUJU_ACTION_UUID = event.uuid;
    env.JUJU_ACTION_TAG = `action-${event.uuid}`;
  }
  if (event.kind === "secret") {
    env.JUJU_SECRET_ID = event.secretId;
    env.JUJU_SECRET_LABEL = event.label ?? "";
    if (event.revision !== undefined) env.JUJU_SECRET_REVISION = String(event.revision);
  }
  return env;
}

export interface FakeHookOutcome {
  /** The state after the hook: immediate effects always, buffered ones only if it exited 0. */
  readonly state: FakeJujuState;
  readonly committed: boolean;
  /** Every hook command called, in order. */
  readonly calls: HookCommandCall[];
}

export interface FakeHook {
  /** The hook's environment: give it to `dispatch`, or to an in-process HookCommandsBackend. */
  readonly env: Record<string, string>;
  readonly hook: FakeHookContext;
  /** End the hook: commit on exit code 0, discard otherwise. Later hook-command calls fail. */
  finish(exitCode: number): FakeHookOutcome;
}

/**
 * How the charm reaches the fake agent: Juju's hook tools as processes on PATH (always there), or
 * also the jujuc RPC socket (jujuc-server.ts), which a runtime that speaks the protocol uses first.
 */
export type FakeTransport = "hook-tools" | "jujuc-rpc";

/** Open a hook context without running a charm, e.g. to drive a backend from inside a test process. */
export function startHook(options: { state: FakeJujuStateInput; event: FakeEventInput; charmDir?: string; transport?: FakeTransport }): FakeHook {
  const state = fakeJujuState(options.state);
  const event = FakeEvent.parse(options.event);
  const hook = hookContextFor(state, event);
  const workDir = mkdtempSync(path.join(tmpdir(), "fake-juju-hook-"));
  const statePath = path.join(workDir, "agent.json");
  const contextId = `${state.unitName}-${hook.name}-${randomBytes(16).toString("hex")}`;
  const agent: FakeAgentFile = { contextId, hook, state: event.kind === "action" ? { ...state, action: { results: {}, logs: [] } } : state };
  writeFileSync(statePath, JSON.stringify(agent));
  const env = buildHookEnvironment({
    state,
    hook,
    event,
    contextId,
    charmDir: options.charmDir ?? workDir,
    toolsDir: fakeHookToolsDir(),
    statePath,
  });
  const rpc = options.transport === "jujuc-rpc" ? fakeJujucServer() : undefined;
  if (rpc !== undefined) {
    rpc.register(contextId, statePath);
    env.JUJU_AGENT_SOCKET_ADDRESS = rpc.socketPath;
  }
  let isFinished = false;
  return {
    env,
    hook,
    finish(exitCode: number): FakeHookOutcome {
      if (isFinished) throw new Error("this hook has already finished");
      isFinished = true;
      rpc?.unregister(contextId);
      try {
        const after = FakeAgentFile.parse(JSON.parse(readFileSync(statePath, "utf8"))).state;
        const pendingPath = `${statePath}.pending`;
        const committed = exitCode === 0;
        const pending =
          committed && existsSync(pendingPath)
            ? FakePendingFile.parse(JSON.parse(readFileSync(pendingPath, "utf8")))
            : undefined;
        return {
          state: pending === undefined ? after : commitPending(after, pending),
          committed,
          calls: readCalls(`${statePath}.calls`),
        };
      } finally {
        // Removing the state file is what makes any straggling hook command fail (§6 item 2).
        rmSync(workDir, { recursive: true, force: true });
      }
    },
  };
}

function commitPending(state: FakeJujuState, pending: FakePendingFile): FakeJujuState {
  return {
    ...state,
    relations: state.relations.map((relation) => {
      const own = pending.relations[String(relation.id)];
      return own === undefined ? relation : { ...relation, ...own };
    }),
    openedPorts: pending.openedPorts,
    secrets: withSecretAccess(pending.secrets, pending.secretGrants, pending.secretRevokes),
    unitState: pending.unitState,
  };
}

/**
 * Grants first, then revokes, whatever order the hook called them in: Juju's doFlush sends
 * `AddSecretGrants` before `AddSecretRevokes` (worker/uniter/runner/context/context.go), so a revoke
 * wins over a grant of the same secret to the same grantee in one hook.
 */
function withSecretAccess(
  secrets: FakeJujuState["secrets"],
  grants: readonly FakeSecretAccessChange[],
  revokes: readonly FakeSecretAccessChange[],
): FakeJujuState["secrets"] {
  return secrets.map((secret) => {
    const access = new Map(Object.entries(secret.grants).map(([key, grantees]) => [key, new Set(grantees)]));
    for (const change of grants.filter((candidate) => candidate.id === secret.id)) {
      access.set(change.key, (access.get(change.key) ?? new Set()).add(change.grantee));
    }
    for (const change of revokes.filter((candidate) => candidate.id === secret.id)) access.get(change.key)?.delete(change.grantee);
    const entries = [...access].filter(([, grantees]) => grantees.size > 0).map(([key, grantees]) => [key, [...grantees].sort()]);
    return { ...secret, grants: Object.fromEntries(entries.sort(([a], [b]) => String(a).localeCompare(String(b)))) };
  });
}

function readCalls(callsPath: string): HookCommandCall[] {
  if (!existsSync(callsPath)) return [];
  return readFileSync(callsPath, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as HookCommandCall);
}

export interface DispatchResult extends FakeHookOutcome {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Run `<charmDir>/dispatch` for one event, as Juju does: no arguments, cwd = the charm dir, the
 * environment replaced (§1.1, §1.3), stdin empty.
 */
export function runDispatch(options: {
  charmDir: string;
  state: FakeJujuStateInput;
  event: FakeEventInput;
  transport?: FakeTransport;
}): DispatchResult {
  const charmDir = path.resolve(options.charmDir);
  const hook = startHook({ state: options.state, event: options.event, charmDir, ...(options.transport ? { transport: options.transport } : {}) });
  const child = spawnSync(path.join(charmDir, "dispatch"), [], {
    cwd: charmDir,
    env: hook.env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.error !== undefined) {
    hook.finish(1);
    throw child.error;
  }
  // Killed by a signal counts as a failure, like Juju's ErrTerminated.
  const exitCode = child.status ?? 1;
  return { ...hook.finish(exitCode), exitCode, stdout: child.stdout, stderr: child.stderr };
}

/** Count calls per command, sorted by command name (for benchmarks and assertions). */
export function countCallsByCommand(calls: readonly HookCommandCall[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(call.command, (counts.get(call.command) ?? 0) + 1);
  return Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
}
