/**
 * The fake Juju agent's own rules, checked by calling its hook commands the way any charm would:
 * as processes on PATH, with argv, stdin, stdout, stderr and exit codes (juju-hook-tools.md §2, §3, §6).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type FakeHook, runDispatch, startHook } from "../../src/testing/fake-juju/driver.js";
import { type FakeEvent, type FakeJujuStateInput, fakeJujuState, jujuUnitBag } from "../../src/testing/fake-juju/state.js";

function workerState(overrides: Partial<FakeJujuStateInput> = {}): FakeJujuStateInput {
  return {
    unitName: "tempo-worker/1",
    leader: false,
    config: { role: "all", replicas: 3 },
    relations: [
      {
        endpoint: "tempo-cluster",
        id: 7,
        remoteApp: "tempo",
        localUnitData: jujuUnitBag("10.1.2.4"),
        localAppData: { role: "all" },
        remoteAppData: { worker_config: "{}" },
        remoteUnitsData: { "tempo/0": jujuUnitBag("10.1.0.1"), "tempo/1": jujuUnitBag("10.1.0.2") },
      },
      {
        endpoint: "peers",
        id: 2,
        remoteApp: "tempo-worker",
        isPeer: true,
        localAppData: { ring: "r1" },
        remoteUnitsData: { "tempo-worker/0": jujuUnitBag("10.1.2.3") },
      },
    ],
    ...overrides,
  };
}

const changedFromUnit: FakeEvent = { kind: "relation", phase: "changed", relationId: 7, remoteUnit: "tempo/0" };
const UPDATE_STATUS: FakeEvent = { kind: "lifecycle", name: "update-status" };

let hooks: FakeHook[] = [];
afterEach(() => {
  for (const hook of hooks) {
    try {
      hook.finish(1);
    } catch {
      // finished by the test
    }
  }
  hooks = [];
});

function begin(state: FakeJujuStateInput, event: FakeEvent = changedFromUnit): FakeHook {
  const hook = startHook({ state, event });
  hooks.push(hook);
  return hook;
}

function tool(hook: FakeHook, command: string, args: string[], stdin = "") {
  const child = spawnSync(command, args, { env: hook.env, encoding: "utf8", input: stdin });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe("fake agent: argv the Go way", () => {
  it("accepts flags before, between and after positionals (ops A and C orders)", () => {
    const hook = begin(workerState());
    const older = tool(hook, "relation-get", ["-r", "7", "-", "tempo/0", "--format=json"]);
    const newer = tool(hook, "relation-get", ["--format=json", "-r", "tempo-cluster:7", "-", "tempo/0"]);
    expect(older).toEqual(newer);
    expect(newer.code).toBe(0);
  });

  it("answers the same whatever the order of flags around the positionals", () => {
    const hook = begin(workerState({ leader: true }));
    const expected = tool(hook, "relation-get", ["--format=json", "-r", "tempo-cluster:7", "--app", "-", "tempo-worker"]);
    expect(expected.stdout).toBe('{"role":"all"}\n');
    const flagGroups = [["--format=json"], ["-r", "tempo-cluster:7"], ["--app"]];
    // Each flag group goes into one of the three gaps around the two positionals, in any order.
    const placements = fc.tuple(
      fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
      fc.shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 }),
    );
    fc.assert(
      fc.property(placements, ([gaps, order]) => {
        const argv: string[] = [];
        for (const gap of [0, 1, 2]) {
          for (const group of order) if (gaps[group] === gap) argv.push(...flagGroups[group]!);
          if (gap === 0) argv.push("-");
          if (gap === 1) argv.push("tempo-worker");
        }
        expect(tool(hook, "relation-get", argv)).toEqual(expected);
      }),
      { numRuns: 12 },
    );
  });

  it("accepts Go booleans in any case and rejects others with exit 2", () => {
    const hook = begin(workerState());
    expect(tool(hook, "relation-get", ["--format=json", "--app=True", "-r", "7", "-", "tempo"]).stdout).toBe(
      '{"worker_config":"{}"}\n',
    );
    expect(tool(hook, "relation-list", ["--format=json", "--app=0", "-r", "7"]).stdout).toBe(
      '["tempo/0","tempo/1"]\n',
    );
    const bad = tool(hook, "relation-list", ["--app=maybe", "-r", "7"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^ERROR invalid value "maybe" for flag --app/);
  });

  it("rejects an undefined flag with exit 2", () => {
    const result = tool(begin(workerState()), "is-leader", ["--nope"]);
    expect(result).toEqual({ code: 2, stdout: "", stderr: "ERROR flag provided but not defined: --nope\n" });
  });

  it("treats everything after -- as positionals", () => {
    const hook = begin(workerState());
    expect(tool(hook, "juju-log", ["--log-level", "DEBUG", "--", "-r", "--app"]).code).toBe(0);
    expect(hook.finish(0).state.logs).toEqual([{ level: "DEBUG", message: "tempo-cluster:7: -r --app" }]);
  });
});

describe("fake agent: relation rules", () => {
  it("answers an unknown -r with exit 2 and Juju's exact message", () => {
    const result = tool(begin(workerState()), "relation-get", ["--format=json", "-r", "tempo-cluster:99", "-", "tempo/0"]);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: 'ERROR invalid value "tempo-cluster:99" for option -r: relation not found\n',
    });
  });

  it("treats -r with the wrong endpoint as relation not found, and a non-numeric id as invalid", () => {
    const hook = begin(workerState());
    expect(tool(hook, "relation-list", ["-r", "peers:7"]).stderr).toContain("relation not found");
    expect(tool(hook, "relation-list", ["-r", "seven"]).stderr).toBe(
      'ERROR invalid value "seven" for option -r: invalid relation id\n',
    );
  });

  it("requires -r outside relation hooks", () => {
    const result = tool(begin(workerState(), UPDATE_STATUS), "relation-list", ["--format=json"]);
    expect(result).toEqual({ code: 2, stdout: "", stderr: "ERROR no relation id specified\n" });
  });

  it("denies a non-leader reading its own app bag with exit 1 ERROR permission denied", () => {
    const result = tool(begin(workerState()), "relation-get", ["--format=json", "-r", "7", "--app", "-", "tempo-worker"]);
    expect(result).toEqual({ code: 1, stdout: "", stderr: "ERROR permission denied\n" });
  });

  it("lets a non-leader read its own app bag in a peer relation", () => {
    const result = tool(begin(workerState()), "relation-get", ["--format=json", "-r", "2", "--app", "-", "tempo-worker"]);
    expect(result.stdout).toBe('{"ring":"r1"}\n');
  });

  it("lets the leader read its own app bag", () => {
    const result = tool(begin(workerState({ leader: true })), "relation-get", ["--format=json", "-r", "7", "--app", "-", "tempo-worker"]);
    expect(result.stdout).toBe('{"role":"all"}\n');
  });

  it("denies a non-leader relation-set --app with exit 1 ERROR cannot write relation settings", () => {
    const result = tool(begin(workerState()), "relation-set", ["-r", "7", "--app", "--file", "-"], '{"role":"x"}');
    expect(result).toEqual({ code: 1, stdout: "", stderr: "ERROR cannot write relation settings\n" });
  });

  it("denies reading a unit that is not in the relation", () => {
    const result = tool(begin(workerState()), "relation-get", ["-r", "7", "-", "other/0"]);
    expect(result).toEqual({ code: 1, stdout: "", stderr: "ERROR permission denied\n" });
  });

  it("refuses an application name without --app", () => {
    const result = tool(begin(workerState()), "relation-get", ["-r", "7", "-", "tempo"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('ERROR expected unit name, got application name "tempo"\n');
  });

  it("defaults the target to JUJU_REMOTE_UNIT, or to the remote app in an app-data relation-changed", () => {
    expect(tool(begin(workerState()), "relation-get", ["--format=json", "ingress-address"]).stdout).toBe('"10.1.0.1"\n');
    const appChanged: FakeEvent = { kind: "relation", phase: "changed", relationId: 7 };
    const hook = begin(workerState(), appChanged);
    expect(hook.env.JUJU_REMOTE_UNIT).toBe("");
    expect(tool(hook, "relation-get", ["--format=json"]).stdout).toBe('{"worker_config":"{}"}\n');
  });

  it("prints null for a missing key and sorted compact JSON for a bag", () => {
    const hook = begin(workerState());
    expect(tool(hook, "relation-get", ["--format=json", "-r", "7", "missing", "tempo/0"]).stdout).toBe("null\n");
    expect(tool(hook, "relation-get", ["--format=json", "-r", "7", "-", "tempo/0"]).stdout).toBe(
      '{"egress-subnets":"10.1.0.1/32","ingress-address":"10.1.0.1","private-address":"10.1.0.1"}\n',
    );
  });

  it("sorts relation ids as strings, so x:10 comes before x:9", () => {
    const relations = [9, 10].map((id) => ({ endpoint: "tempo-cluster", id, remoteApp: `w${id}` }));
    const result = tool(begin(workerState({ relations }), UPDATE_STATUS), "relation-ids", ["--format=json", "tempo-cluster"]);
    expect(result.stdout).toBe('["tempo-cluster:10","tempo-cluster:9"]\n');
  });

  it("leaves the relation being broken out of relation-ids and lists no units in it", () => {
    const hook = begin(workerState(), { kind: "relation", phase: "broken", relationId: 7 });
    expect(tool(hook, "relation-ids", ["--format=json"]).stdout).toBe("[]\n");
    expect(tool(hook, "relation-list", ["--format=json", "-r", "7"]).stdout).toBe("[]\n");
    expect(tool(hook, "relation-list", ["--format=json", "--app", "-r", "7"]).stdout).toBe('"tempo"\n');
  });

  it("leaves the departing unit out of relation-list but keeps its bag readable", () => {
    const hook = begin(workerState(), { kind: "relation", phase: "departed", relationId: 7, remoteUnit: "tempo/1" });
    expect(hook.env.JUJU_DEPARTING_UNIT).toBe("tempo/1");
    expect(tool(hook, "relation-list", ["--format=json"]).stdout).toBe('["tempo/0"]\n');
    expect(tool(hook, "relation-get", ["--format=json", "-", "tempo/1"]).code).toBe(0);
  });

  it("lists no units in relation-created", () => {
    const hook = begin(workerState(), { kind: "relation", phase: "created", relationId: 7 });
    expect(tool(hook, "relation-list", ["--format=json"]).stdout).toBe("[]\n");
  });
});

describe("fake agent: relation-set input", () => {
  it("reads JSON and YAML from stdin, lets positional pairs override, and deletes empty values", () => {
    const hook = begin(workerState());
    expect(tool(hook, "relation-set", ["-r", "7", "--file", "-", "b=from-argv "], '{"a":"1","b":"2","n":3}').code).toBe(0);
    expect(tool(hook, "relation-set", ["-r", "7", "--file", "-"], "c: 'three'\nprivate-address: ''\n").code).toBe(0);
    const bag = tool(hook, "relation-get", ["--format=json", "-r", "7", "-", "tempo-worker/1"]).stdout;
    expect(JSON.parse(bag)).toEqual({
      a: "1",
      b: "from-argv",
      c: "three",
      n: "3",
      "egress-subnets": "10.1.2.4/32",
      "ingress-address": "10.1.2.4",
    });
  });

  it("refuses nested values with exit 1 and malformed pairs with exit 2", () => {
    const hook = begin(workerState());
    const nested = tool(hook, "relation-set", ["-r", "7", "--file", "-"], '{"a":{"b":"c"}}');
    expect(nested.code).toBe(1);
    expect(nested.stderr).toMatch(/^ERROR yaml: unmarshal errors/);
    expect(tool(hook, "relation-set", ["-r", "7", "novalue"]).stderr).toBe('ERROR expected "key=value", got "novalue"\n');
    expect(tool(hook, "relation-set", ["-r", "7", "k=1", "k=2"]).code).toBe(2);
  });
});

describe("fake agent: commit on exit 0 only", () => {
  it("discards buffered writes of a failing hook but keeps its immediate ones", () => {
    const hook = begin(workerState({ leader: true }));
    tool(hook, "relation-set", ["-r", "7", "--app", "--file", "-"], '{"role":"querier"}');
    tool(hook, "open-port", ["3200/tcp"]);
    tool(hook, "state-set", ["k=v"]);
    tool(hook, "status-set", ["--application=False", "blocked", "--", "broken on purpose"]);
    tool(hook, "application-version-set", ["--", "2.8.1"]);
    const outcome = hook.finish(1);
    expect(outcome.committed).toBe(false);
    expect(outcome.state.relations[0]?.localAppData).toEqual({ role: "all" });
    expect(outcome.state.openedPorts).toEqual([]);
    expect(outcome.state.unitState).toEqual({});
    expect(outcome.state.unitStatus).toEqual({ status: "blocked", message: "broken on purpose" });
    expect(outcome.state.workloadVersion).toBe("2.8.1");
  });

  it("commits the same writes when the hook exits 0", () => {
    const hook = begin(workerState({ leader: true }));
    tool(hook, "relation-set", ["-r", "7", "--app", "--file", "-"], '{"role":"querier"}');
    tool(hook, "open-port", ["3200/tcp"]);
    const outcome = hook.finish(0);
    expect(outcome.state.relations[0]?.localAppData).toEqual({ role: "querier" });
    expect(outcome.state.openedPorts).toEqual(["3200/tcp"]);
  });
});

describe("fake agent: other commands", () => {
  it("prints is-leader as JSON and in the smart format", () => {
    const hook = begin(workerState({ leader: true }));
    expect(tool(hook, "is-leader", ["--format=json"]).stdout).toBe("true\n");
    expect(tool(hook, "is-leader", []).stdout).toBe("True\n");
  });

  it("prints config with types and null for an unknown key", () => {
    const hook = begin(workerState());
    expect(tool(hook, "config-get", ["--format=json"]).stdout).toBe('{"replicas":3,"role":"all"}\n');
    expect(tool(hook, "config-get", ["--format=json", "nope"]).stdout).toBe("null\n");
  });

  it("refuses a status Juju cannot set with exit 2", () => {
    const result = tool(begin(workerState()), "status-set", ["error", "x"]);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: 'ERROR invalid status "error", expected one of [maintenance blocked waiting active]\n',
    });
  });

  it("prints null for secret-ids with no secrets and {} for empty unit state", () => {
    const hook = begin(workerState());
    expect(tool(hook, "secret-ids", ["--format=json"]).stdout).toBe("null\n");
    expect(tool(hook, "state-get", ["--format=json"]).stdout).toBe("{}\n");
  });

  it("refuses port ranges on Kubernetes and overlapping ranges on machines", () => {
    expect(tool(begin(workerState()), "open-port", ["8000-8100/udp"]).stderr).toBe(
      "ERROR port ranges are not supported for k8s applications, please specify a single port\n",
    );
    const machine = begin(workerState({ model: { type: "machine" } }));
    expect(tool(machine, "open-port", ["80-90/tcp"]).code).toBe(0);
    expect(tool(machine, "open-port", ["85/tcp"])).toEqual({
      code: 1,
      stdout: "",
      stderr:
        'ERROR cannot open 85/tcp (unit "tempo-worker/1"): port range conflicts with 80-90/tcp (unit "tempo-worker/1") requested earlier\n',
    });
  });

  it("cancels a pending open with a close in the same hook", () => {
    const hook = begin(workerState());
    tool(hook, "open-port", ["4317/TCP"]);
    tool(hook, "close-port", ["4317/tcp"]);
    expect(tool(hook, "opened-ports", ["--format=json"]).stdout).toBe("[]\n");
    expect(tool(hook, "opened-ports", []).stdout).toBe("");
  });

  it("prints the full secret://<model-uuid>/<xid> from secret-add, and keys secret-info-get by the bare xid", () => {
    const state = workerState({ leader: true });
    const hook = begin(state);
    const uri = tool(hook, "secret-add", ["--owner", "application", "--label", "l1", "password=pw"]).stdout.trim();
    const modelUuid = fakeJujuState(state).model.uuid;
    expect(uri).toMatch(new RegExp(`^secret://${modelUuid}/[0-9a-v]{20}$`));
    const xid = uri.slice(uri.lastIndexOf("/") + 1);
    const info = tool(hook, "secret-info-get", ["--format=json", `secret:${xid}`]).stdout;
    expect(info).toBe(`{"${xid}":{"revision":1,"label":"l1","owner":"application"}}\n`);
  });

  it("moves an expire time with secret-set --expire alone, and drops it when new content comes without --expire, as Juju's state does", () => {
    const state = workerState({ leader: true });
    const hook = begin(state);
    const uri = tool(hook, "secret-add", ["--owner", "application", "--expire", "2030-01-01T00:00:00Z", "password=pw"]).stdout.trim();
    const xid = uri.slice(uri.lastIndexOf("/") + 1);
    const expiry = () => (JSON.parse(tool(hook, "secret-info-get", ["--format=json", uri]).stdout) as Record<string, { expiry?: string; revision: number }>)[xid];
    expect(tool(hook, "secret-set", ["--expire", "2031-01-01T00:00:00Z", uri]).code).toBe(0);
    expect(expiry()).toMatchObject({ revision: 1, expiry: "2031-01-01T00:00:00Z" });
    expect(tool(hook, "secret-set", [uri, "password=changed"]).code).toBe(0);
    expect(expiry()?.expiry).toBeUndefined();
  });

  it("commits a hook's secret grants before its revokes, as Juju does, so a revoke of what the hook granted wins", () => {
    const state = workerState({ leader: true });
    const hook = begin(state);
    const uri = tool(hook, "secret-add", ["--owner", "application", "password=pw"]).stdout.trim();
    const relationId = String(fakeJujuState(state).relations[0]!.id);
    expect(tool(hook, "secret-revoke", ["--relation", relationId, uri]).code).toBe(0);
    expect(tool(hook, "secret-grant", ["--relation", relationId, uri]).code).toBe(0);
    const outcome = hook.finish(0);
    expect(outcome.state.secrets[0]!.grants).toEqual({});
  });

  it("rejects calls made after the hook has finished", () => {
    const hook = begin(workerState());
    hook.finish(0);
    const result = tool(hook, "is-leader", ["--format=json"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ERROR no hook context/);
  });
});

describe("fake agent: running dispatch", () => {
  const charmDir = mkdtempSync(path.join(tmpdir(), "fake-juju-env-charm-"));
  afterAll(() => rmSync(charmDir, { recursive: true, force: true }));
  // A charm that prints what Juju gave it: argument count, working directory, environment.
  writeFileSync(path.join(charmDir, "dispatch"), '#!/bin/sh\necho "args=$#"\necho "cwd=$(pwd)"\nenv\n');
  chmodSync(path.join(charmDir, "dispatch"), 0o755);

  function dispatchEnv(event: FakeEvent): Map<string, string> {
    const result = runDispatch({ charmDir, state: workerState(), event });
    expect(result.exitCode).toBe(0);
    return new Map(
      result.stdout
        .split("\n")
        .filter((line) => line.includes("="))
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
  }

  it("runs dispatch with no arguments, cwd = the charm dir, and a replaced environment without HOME", () => {
    const env = dispatchEnv(changedFromUnit);
    expect(env.get("args")).toBe("0");
    expect(env.get("cwd")).toBe(charmDir);
    expect(env.has("HOME")).toBe(false);
    expect(env.has("USER")).toBe(false);
    expect(env.get("JUJU_DISPATCH_PATH")).toBe("hooks/tempo-cluster-relation-changed");
    expect(env.get("JUJU_HOOK_NAME")).toBe("tempo-cluster-relation-changed");
    expect(env.get("JUJU_UNIT_NAME")).toBe("tempo-worker/1");
    expect(env.get("JUJU_RELATION")).toBe("tempo-cluster");
    expect(env.get("JUJU_RELATION_ID")).toBe("tempo-cluster:7");
    expect(env.get("JUJU_REMOTE_APP")).toBe("tempo");
    expect(env.get("JUJU_REMOTE_UNIT")).toBe("tempo/0");
    expect(env.get("JUJU_CHARM_DIR")).toBe(charmDir);
    expect(env.get("JUJU_VERSION")).toMatch(/^3\.6\./);
    expect(env.get("JUJU_CONTEXT_ID")).toMatch(/^tempo-worker\/1-tempo-cluster-relation-changed-[0-9a-f]{32}$/);
  });

  it("sets JUJU_REMOTE_UNIT present but empty for relation-created", () => {
    const env = dispatchEnv({ kind: "relation", phase: "created", relationId: 7 });
    expect(env.get("JUJU_REMOTE_UNIT")).toBe("");
  });

  it("sets no relation variables for a lifecycle hook", () => {
    const env = dispatchEnv(UPDATE_STATUS);
    expect(env.has("JUJU_RELATION")).toBe(false);
    expect(env.has("JUJU_REMOTE_UNIT")).toBe(false);
  });

  it("reports the dispatch's exit code and discards on failure", () => {
    const failing = mkdtempSync(path.join(tmpdir(), "fake-juju-failing-charm-"));
    writeFileSync(
      path.join(failing, "dispatch"),
      "#!/bin/sh\necho '{\"a\":\"b\"}' | relation-set -r 7 --file -\nstatus-set maintenance -- trying\nexit 3\n",
    );
    chmodSync(path.join(failing, "dispatch"), 0o755);
    const result = runDispatch({ charmDir: failing, state: workerState(), event: changedFromUnit });
    rmSync(failing, { recursive: true, force: true });
    expect(result.exitCode).toBe(3);
    expect(result.calls.map((call) => call.command)).toEqual(["relation-set", "status-set"]);
    expect(result.state.relations[0]?.localUnitData).toEqual(jujuUnitBag("10.1.2.4"));
    expect(result.state.unitStatus).toEqual({ status: "maintenance", message: "trying" });
  });
});
