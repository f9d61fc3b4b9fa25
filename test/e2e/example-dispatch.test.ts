/**
 * The real path, end to end: the example charm bundled by esbuild into a charm directory with its
 * `dispatch`, run under the fake Juju agent for a sequence of events. Each hook gets the state the
 * previous one committed, as a unit would in a model; remote changes are applied between hooks.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countCallsByCommand, type DispatchResult, runDispatch } from "../../src/testing/fake-juju/driver.js";
import {
  type FakeEvent,
  type FakeJujuState,
  type FakeJujuStateInput,
  type FakeRelation,
  jujuUnitBag,
} from "../../src/testing/fake-juju/state.js";
import { exampleCharm } from "../fixtures/example-charm.js";
import { bundleCharm } from "../helpers/bundle-charm.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const API_ID = 4;

let charmDir: string;
const cleanup: string[] = [];

beforeAll(async () => {
  charmDir = await bundleCharm(path.join(repoRoot, "test/fixtures/example-charm-main.ts"), exampleCharm.meta);
  cleanup.push(path.dirname(charmDir));
});
afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

const CONFIG = { port: 8080, greeting: "hello", "fail-hook": false };

function freshUnit(overrides: Partial<FakeJujuStateInput> = {}): FakeJujuStateInput {
  return {
    unitName: "example/0",
    leader: true,
    config: CONFIG,
    relations: [{ endpoint: "replicas", id: 1, remoteApp: "example", isPeer: true, localUnitData: jujuUnitBag("10.1.0.1") }],
    ...overrides,
  };
}

function apiRelation(remoteUnitsData: FakeRelation["remoteUnitsData"] = {}): FakeRelation {
  return {
    endpoint: "example-api",
    id: API_ID,
    remoteApp: "client",
    isPeer: false,
    localUnitData: jujuUnitBag("10.1.0.1"),
    localAppData: {},
    remoteAppData: {},
    remoteUnitsData,
    departedUnits: [],
  };
}

function dispatchOk(state: FakeJujuStateInput, event: FakeEvent): DispatchResult {
  const result = runDispatch({ charmDir, state, event });
  if (result.exitCode !== 0) throw new Error(`hook failed (${result.exitCode}):\n${result.stderr}`);
  return result;
}

function api(state: FakeJujuState): FakeRelation {
  const relation = state.relations.find((candidate) => candidate.id === API_ID);
  if (relation === undefined) throw new Error("no example-api relation");
  return relation;
}

function withRemoteUnit(state: FakeJujuState, unit: string, bag: Record<string, string>): FakeJujuState {
  return {
    ...state,
    relations: state.relations.map((relation) =>
      relation.id === API_ID ? { ...relation, remoteUnitsData: { ...relation.remoteUnitsData, [unit]: bag } } : relation,
    ),
  };
}

// Every dispatch starts Node for the charm and once more per hook command: allow a slow, shared CI machine.
const MANY_DISPATCHES = { timeout: 300_000 };

describe("the example charm under the fake Juju agent", () => {
  it("runs install, relation-created, joined and changed, and leaves the expected databags, status and ports", MANY_DISPATCHES, () => {
    const installed = dispatchOk(freshUnit(), { kind: "lifecycle", name: "install" });
    expect(installed.state.unitStatus).toEqual({ status: "blocked", message: "relate a client: juju integrate example <client>" });
    expect(installed.state.openedPorts).toEqual(["8080/tcp"]);

    const related = { ...installed.state, relations: [...installed.state.relations, apiRelation()] };
    const created = dispatchOk(related, { kind: "relation", phase: "created", relationId: API_ID });
    expect(api(created.state).localAppData).toEqual({ greeting: "hello", "remote-units": "[]", requested: "[]" });

    const joining = withRemoteUnit(created.state, "client/0", jujuUnitBag("10.1.9.1", { requested: "metrics" }));
    const joined = dispatchOk(joining, { kind: "relation", phase: "joined", relationId: API_ID, remoteUnit: "client/0" });
    const secondJoined = dispatchOk(
      withRemoteUnit(joined.state, "client/1", jujuUnitBag("10.1.9.2", { requested: "logs" })),
      { kind: "relation", phase: "joined", relationId: API_ID, remoteUnit: "client/1" },
    );

    const changed = dispatchOk(
      withRemoteUnit(secondJoined.state, "client/0", jujuUnitBag("10.1.9.1", { requested: "traces" })),
      { kind: "relation", phase: "changed", relationId: API_ID, remoteUnit: "client/0" },
    );

    const relation = api(changed.state);
    expect(relation.localUnitData).toEqual(jujuUnitBag("10.1.0.1", { greeting: "hello", "unit-port": "8080" }));
    expect(relation.localAppData).toEqual({
      greeting: "hello",
      "remote-units": '["client/0","client/1"]',
      requested: '["logs","traces"]',
    });
    expect(changed.state.unitStatus).toEqual({ status: "active", message: "serving 2 remote units" });
    expect(changed.state.appStatus).toEqual({ status: "active", message: "" });
    expect(changed.state.openedPorts).toEqual(["8080/tcp"]);
  });

  it("sends one relation-get per databag read and one relation-set per databag written", () => {
    const state = freshUnit({
      relations: [
        apiRelation({
          "client/0": jujuUnitBag("10.1.9.1", { requested: "a" }),
          "client/1": jujuUnitBag("10.1.9.2", { requested: "b" }),
          "client/2": jujuUnitBag("10.1.9.3"),
        }),
      ],
    });
    const result = dispatchOk(state, { kind: "relation", phase: "changed", relationId: API_ID, remoteUnit: "client/2" });
    const gets = result.calls.filter((call) => call.command === "relation-get").map((call) => call.args.at(-1));
    // Three remote unit bags, plus the own unit bag and own app bag loaded once to diff the writes.
    expect([...gets].sort()).toEqual(["client/0", "client/1", "client/2", "example", "example/0"]);
    const sets = result.calls.filter((call) => call.command === "relation-set").map((call) => call.args.join(" "));
    expect(sets.sort()).toEqual(["-r example-api:4 --app --file -", "-r example-api:4 --file -"]);
    expect(countCallsByCommand(result.calls)["is-leader"]).toBe(1);
  });

  it("writes nothing when a hook changes nothing", MANY_DISPATCHES, () => {
    const first = dispatchOk(
      freshUnit({ relations: [apiRelation({ "client/0": jujuUnitBag("10.1.9.1") })] }),
      { kind: "lifecycle", name: "update-status" },
    );
    const second = dispatchOk(first.state, { kind: "lifecycle", name: "update-status" });
    const writes = second.calls.filter((call) => ["relation-set", "open-port", "close-port"].includes(call.command));
    expect(writes).toEqual([]);
    expect(second.state.relations).toEqual(first.state.relations);
  });

  it("discards the databag and port writes of a failing hook, keeping what Juju applies at once", MANY_DISPATCHES, () => {
    const before = dispatchOk(
      freshUnit({ relations: [apiRelation({ "client/0": jujuUnitBag("10.1.9.1") })] }),
      { kind: "lifecycle", name: "config-changed" },
    );
    const failing = runDispatch({
      charmDir,
      state: { ...before.state, config: { ...CONFIG, port: 9090, greeting: "bye", "fail-hook": true } },
      event: { kind: "lifecycle", name: "config-changed" },
    });
    expect(failing.exitCode).not.toBe(0);
    expect(failing.committed).toBe(false);
    expect(api(failing.state).localUnitData).toEqual(api(before.state).localUnitData);
    expect(api(failing.state).localAppData).toEqual(api(before.state).localAppData);
    expect(failing.state.openedPorts).toEqual(["8080/tcp"]);
    // juju-log is immediate: the uncaught error reached the unit log at ERROR.
    expect(failing.state.logs.some((log) => log.level === "ERROR" && log.message.includes("fail-hook is set"))).toBe(true);

    const recovered = dispatchOk(
      { ...failing.state, config: { ...CONFIG, port: 9090, greeting: "bye" } },
      { kind: "lifecycle", name: "config-changed" },
    );
    expect(recovered.state.openedPorts).toEqual(["9090/tcp"]);
    expect(api(recovered.state).localUnitData["unit-port"]).toBe("9090");
    expect(api(recovered.state).localAppData.greeting).toBe("bye");
  });

  it("has a non-leader write only its unit bag and never touch its application bag", () => {
    const result = dispatchOk(
      freshUnit({ leader: false, relations: [apiRelation({ "client/0": jujuUnitBag("10.1.9.1") })] }),
      { kind: "relation", phase: "joined", relationId: API_ID, remoteUnit: "client/0" },
    );
    expect(api(result.state).localAppData).toEqual({});
    expect(api(result.state).localUnitData["unit-port"]).toBe("8080");
    const appCalls = result.calls.filter((call) => call.command.startsWith("relation-") && call.args.includes("--app"));
    expect(appCalls).toEqual([]);
    expect(result.state.unitStatus.status).toBe("active");
  });
});

describe("a charm that writes its application bag without being the leader", () => {
  let staleLeaderDir: string;

  beforeAll(async () => {
    // The model refuses this before any hook command; this charm goes around it to the backend, as a
    // charm that believed a stale leadership answer would, to show that Juju's own refusal comes back.
    const entryDir = mkdtempSync(path.join(tmpdir(), "stale-leader-entry-"));
    cleanup.push(entryDir);
    const entry = path.join(entryDir, "stale-leader-main.ts");
    const importPath = (file: string) => JSON.stringify(path.join(repoRoot, file));
    writeFileSync(
      entry,
      [
        `import { dispatch } from ${importPath("src/juju/charm.ts")};`,
        `import { HookCommandsBackend } from ${importPath("src/juju/hook-commands.ts")};`,
        `import { exampleCharm } from ${importPath("test/fixtures/example-charm.ts")};`,
        "const backend = new HookCommandsBackend();",
        "await dispatch({ meta: exampleCharm.meta, async reconcile() {",
        `  backend.relationSet({ endpoint: "example-api", id: ${API_ID} }, { claimed: "yes" }, true);`,
        "} }, { backend });",
      ].join("\n"),
    );
    staleLeaderDir = await bundleCharm(entry, exampleCharm.meta);
    cleanup.push(path.dirname(staleLeaderDir));
  });

  it("is denied by the fake agent, fails the hook and leaves the bag untouched", () => {
    const result = runDispatch({
      charmDir: staleLeaderDir,
      state: freshUnit({ leader: false, relations: [apiRelation({ "client/0": jujuUnitBag("10.1.9.1") })] }),
      event: { kind: "relation", phase: "changed", relationId: API_ID, remoteUnit: "client/0" },
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("ERROR cannot write relation settings");
    expect(api(result.state).localAppData).toEqual({});
  });
});
