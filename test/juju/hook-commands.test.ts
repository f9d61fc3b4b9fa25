/**
 * HookCommandsBackend against the project's fake Juju agent: the real processes, argv and JSON, with
 * the hook context opened in this test process (startHook) instead of through a charm's dispatch.
 */
import { afterEach, describe, expect, it } from "vitest";
import { HookCommandError } from "../../src/juju/backend.js";
import { HookCommandsBackend, parseOpenedPort, splitLogMessage, statusNameFrom } from "../../src/juju/hook-commands.js";
import { type FakeHook, type FakeHookOutcome, startHook } from "../../src/testing/fake-juju/driver.js";
import {
  type FakeEvent,
  type FakeJujuStateInput,
  jujuUnitBag,
  singleAddressNetwork,
} from "../../src/testing/fake-juju/state.js";

const CLUSTER = { endpoint: "tempo-cluster", id: 3 } as const;
const PEERS = { endpoint: "peers", id: 1 } as const;

function coordinatorState(overrides: Partial<FakeJujuStateInput> = {}): FakeJujuStateInput {
  return {
    unitName: "tempo/0",
    leader: true,
    config: { "retention-period": 720, "log-level": "info", always_enable_zipkin: false },
    relations: [
      {
        endpoint: "tempo-cluster",
        id: 3,
        remoteApp: "tempo-worker",
        localUnitData: jujuUnitBag("10.1.0.1"),
        localAppData: { worker_config: "old" },
        remoteAppData: { role: '"all"' },
        remoteUnitsData: {
          "tempo-worker/0": jujuUnitBag("10.1.2.3", { address: "w0" }),
          "tempo-worker/1": jujuUnitBag("10.1.2.4"),
        },
      },
      { endpoint: "peers", id: 1, remoteApp: "tempo", isPeer: true, localAppData: { shared: "yes" } },
    ],
    networks: { "tempo-cluster": singleAddressNetwork("10.1.0.1") },
    unitStatus: { status: "active", message: "" },
    appStatus: { status: "waiting", message: "waiting for workers" },
    openedPorts: ["3200/tcp"],
    ...overrides,
  };
}

const UPDATE_STATUS: FakeEvent = { kind: "lifecycle", name: "update-status" };

let open: FakeHook | undefined;
afterEach(() => {
  if (open !== undefined) {
    try {
      open.finish(1);
    } catch {
      // already finished by the test
    }
    open = undefined;
  }
});

function hookWith(state: FakeJujuStateInput, event: FakeEvent = UPDATE_STATUS): { backend: HookCommandsBackend; hook: FakeHook } {
  open = startHook({ state, event });
  return { backend: new HookCommandsBackend({ env: open.env }), hook: open };
}

function finish(hook: FakeHook, exitCode = 0): FakeHookOutcome {
  open = undefined;
  return hook.finish(exitCode);
}

/** `secret:<xid>`, how secret-ids and secret-info-get spell what secret-add printed in full. */
const short = (uri: string) => `secret:${uri.slice(uri.lastIndexOf("/") + 1)}`;

function caught(action: () => unknown): HookCommandError {
  try {
    action();
  } catch (error) {
    if (error instanceof HookCommandError) return error;
    throw error;
  }
  throw new Error("expected a HookCommandError");
}

describe("HookCommandsBackend: relations", () => {
  it("lists relation ids of an endpoint with relation-ids --format=json and parses <endpoint>:<id>", () => {
    const { backend, hook } = hookWith(coordinatorState());
    expect(backend.relationIds("tempo-cluster")).toEqual([CLUSTER]);
    expect(backend.relationIds("unrelated")).toEqual([]);
    expect(finish(hook).calls[0]).toEqual({ command: "relation-ids", args: ["--format=json", "tempo-cluster"] });
  });

  it("returns relation ids in numeric order although Juju sorts them as strings", () => {
    const relations = [9, 10].map((id) => ({ endpoint: "tempo-cluster", id, remoteApp: `w${id}` }));
    const { backend } = hookWith(coordinatorState({ relations }));
    expect(backend.relationIds("tempo-cluster").map((relation) => relation.id)).toEqual([9, 10]);
  });

  it("lists remote units and the remote app with relation-list -r <endpoint>:<id>", () => {
    const { backend, hook } = hookWith(coordinatorState());
    expect(backend.relationList(CLUSTER)).toEqual(["tempo-worker/0", "tempo-worker/1"]);
    expect(backend.relationRemoteApp(CLUSTER)).toBe("tempo-worker");
    expect(finish(hook).calls.map((call) => call.args)).toEqual([
      ["--format=json", "-r", "tempo-cluster:3"],
      ["--format=json", "--app", "-r", "tempo-cluster:3"],
    ]);
  });

  it("reads a remote unit bag and a remote app bag with relation-get --format=json -r <ref> [--app] - <entity>", () => {
    const { backend, hook } = hookWith(coordinatorState());
    expect(backend.relationGet(CLUSTER, "tempo-worker/0", false)).toEqual(jujuUnitBag("10.1.2.3", { address: "w0" }));
    expect(backend.relationGet(CLUSTER, "tempo-worker", true)).toEqual({ role: '"all"' });
    expect(finish(hook).calls.map((call) => call.args)).toEqual([
      ["--format=json", "-r", "tempo-cluster:3", "-", "tempo-worker/0"],
      ["--format=json", "-r", "tempo-cluster:3", "--app", "-", "tempo-worker"],
    ]);
  });

  it("writes a databag with one relation-set --file - carrying JSON, and reads its own writes back", () => {
    const { backend, hook } = hookWith(coordinatorState());
    backend.relationSet(CLUSTER, { worker_config: "new", extra: "1" }, true);
    expect(backend.relationGet(CLUSTER, "tempo", true)).toEqual({ worker_config: "new", extra: "1" });
    const outcome = finish(hook);
    const set = outcome.calls.find((call) => call.command === "relation-set");
    expect(set?.args).toEqual(["-r", "tempo-cluster:3", "--app", "--file", "-"]);
    expect(outcome.state.relations[0]?.localAppData).toEqual({ worker_config: "new", extra: "1" });
  });

  it("deletes a key written with an empty value", () => {
    const { backend, hook } = hookWith(coordinatorState());
    backend.relationSet(CLUSTER, { "private-address": "" }, false);
    const bag = finish(hook).state.relations[0]?.localUnitData;
    expect(bag).not.toHaveProperty("private-address");
    expect(bag).toHaveProperty("ingress-address", "10.1.0.1");
  });

  it("spawns nothing for an empty change set", () => {
    const { backend, hook } = hookWith(coordinatorState());
    backend.relationSet(CLUSTER, {}, false);
    expect(finish(hook).calls).toEqual([]);
  });

  it("classifies an unknown relation as relation-not-found (exit code 2)", () => {
    const { backend } = hookWith(coordinatorState());
    const error = caught(() => backend.relationGet({ endpoint: "tempo-cluster", id: 99 }, "tempo-worker/0", false));
    expect(error.kind).toBe("relation-not-found");
    expect(error.exitCode).toBe(2);
    expect(error.command).toBe("relation-get");
  });

  it("classifies a non-leader reading its own app bag as permission-denied (exit code 1)", () => {
    const { backend } = hookWith(coordinatorState({ leader: false }));
    const error = caught(() => backend.relationGet(CLUSTER, "tempo", true));
    expect(error.kind).toBe("permission-denied");
    expect(error.exitCode).toBe(1);
  });

  it("lets a non-leader read its own app bag of a peer relation", () => {
    const { backend } = hookWith(coordinatorState({ leader: false }));
    expect(backend.relationGet(PEERS, "tempo", true)).toEqual({ shared: "yes" });
  });

  it("classifies a non-leader writing its app bag as not-leader", () => {
    const { backend } = hookWith(coordinatorState({ leader: false }));
    const error = caught(() => backend.relationSet(CLUSTER, { a: "b" }, true));
    expect(error.kind).toBe("not-leader");
    expect(error.stderr).toBe("ERROR cannot write relation settings\n");
  });
});

describe("HookCommandsBackend: leadership, config, status, logs", () => {
  it("reads leadership with is-leader --format=json", () => {
    expect(hookWith(coordinatorState({ leader: true })).backend.isLeader()).toBe(true);
    expect(hookWith(coordinatorState({ leader: false })).backend.isLeader()).toBe(false);
  });

  it("reads config with its types preserved", () => {
    const { backend } = hookWith(coordinatorState());
    expect(backend.configGet()).toEqual({ "retention-period": 720, "log-level": "info", always_enable_zipkin: false });
  });

  it("reads unit and application status, the latter nested under application-status", () => {
    const { backend, hook } = hookWith(coordinatorState());
    expect(backend.statusGet("unit")).toEqual({ status: "active", message: "" });
    expect(backend.statusGet("application")).toEqual({ status: "waiting", message: "waiting for workers" });
    expect(finish(hook).calls.map((call) => call.args)).toEqual([
      ["--include-data", "--format=json", "--application=false"],
      ["--include-data", "--format=json", "--application=true"],
    ]);
  });

  it("reads the `unset` status Juju prints for an application whose leader never set one, and a unit's `terminated`", () => {
    const { backend } = hookWith(coordinatorState({ appStatus: { status: "unset", message: "" }, unitStatus: { status: "terminated", message: "" } }));
    expect(backend.statusGet("application")).toEqual({ status: "unset", message: "" });
    expect(backend.statusGet("unit")).toEqual({ status: "terminated", message: "" });
  });

  it("reads a status name it does not know as unknown instead of failing the hook", () => {
    expect(statusNameFrom("suspended")).toBe("unknown");
    expect(statusNameFrom("unset")).toBe("unset");
    expect(statusNameFrom("active")).toBe("active");
  });

  it("sets status with status-set --application=<bool> <status> -- <message>, immediately", () => {
    const { backend, hook } = hookWith(coordinatorState());
    backend.statusSet("unit", "blocked", "-leading dash survives");
    backend.statusSet("application", "active", "");
    const outcome = finish(hook, 1);
    expect(outcome.calls[0]?.args).toEqual(["--application=false", "blocked", "--", "-leading dash survives"]);
    // Immediate: kept although the hook failed.
    expect(outcome.state.unitStatus).toEqual({ status: "blocked", message: "-leading dash survives" });
    expect(outcome.state.appStatus).toEqual({ status: "active", message: "" });
  });

  it("classifies a non-leader setting application status as not-leader", () => {
    const { backend } = hookWith(coordinatorState({ leader: false }));
    expect(caught(() => backend.statusSet("application", "active", "")).kind).toBe("not-leader");
    expect(caught(() => backend.statusGet("application")).kind).toBe("not-leader");
  });

  it("sets the workload version with application-version-set -- <version>", () => {
    const { backend, hook } = hookWith(coordinatorState());
    backend.applicationVersionSet("2.8.1");
    const outcome = finish(hook);
    expect(outcome.calls[0]).toEqual({ command: "application-version-set", args: ["--", "2.8.1"] });
    expect(outcome.state.workloadVersion).toBe("2.8.1");
  });

  it("logs with juju-log --log-level <level> -- <message>", () => {
    const { backend, hook } = hookWith(coordinatorState());
    backend.log("WARNING", "--not a flag");
    const outcome = finish(hook);
    expect(outcome.calls[0]).toEqual({ command: "juju-log", args: ["--log-level", "WARNING", "--", "--not a flag"] });
    expect(outcome.state.logs).toEqual([{ level: "WARNING", message: "--not a flag" }]);
  });

  it("splits a log message longer than ops's limit into several juju-log calls", () => {
    expect(splitLogMessage("abcdefg", 3)).toEqual(["abc", "def", "g"]);
    expect(splitLogMessage("abc", 3)).toEqual(["abc"]);
  });
});

describe("HookCommandsBackend: network and ports", () => {
  it("reads a binding's network with network-get --format=json <binding>", () => {
    const { backend } = hookWith(coordinatorState());
    expect(backend.networkGet("tempo-cluster")).toEqual({
      bindAddresses: [
        { interfaceName: "eth0", macAddress: "", addresses: [{ hostname: "", value: "10.1.0.1", cidr: "10.1.0.0/16" }] },
      ],
      egressSubnets: ["10.1.0.1/32"],
      ingressAddresses: ["10.1.0.1"],
    });
  });

  it("passes the relation to network-get as -r <id>", () => {
    const { backend, hook } = hookWith(coordinatorState());
    backend.networkGet("tempo-cluster", CLUSTER);
    expect(finish(hook).calls[0]?.args).toEqual(["--format=json", "tempo-cluster", "-r", "3"]);
  });

  it("fails on an unknown binding with a classified error", () => {
    const { backend } = hookWith(coordinatorState());
    const error = caught(() => backend.networkGet("nope"));
    expect(error.kind).toBe("other");
    expect(error.stderr).toContain('no network config found for binding "nope"');
  });

  it("opens and closes ports as <port>/<protocol> and icmp, seen at once by opened-ports", () => {
    const { backend, hook } = hookWith(coordinatorState());
    backend.openPort({ protocol: "tcp", port: 4317 });
    backend.openPort({ protocol: "icmp" });
    backend.closePort({ protocol: "tcp", port: 3200 });
    expect(backend.openedPorts()).toEqual([{ protocol: "icmp" }, { protocol: "tcp", port: 4317 }]);
    const outcome = finish(hook);
    expect(outcome.calls.slice(0, 3).map((call) => [call.command, ...call.args])).toEqual([
      ["open-port", "4317/tcp"],
      ["open-port", "icmp"],
      ["close-port", "3200/tcp"],
    ]);
    expect(outcome.state.openedPorts).toEqual(["4317/tcp", "icmp"]);
  });

  it("parses opened-ports entries, including endpoint suffixes, and refuses real ranges", () => {
    expect(parseOpenedPort("3200/tcp")).toEqual({ protocol: "tcp", port: 3200 });
    expect(parseOpenedPort("53/UDP")).toEqual({ protocol: "udp", port: 53 });
    expect(parseOpenedPort("icmp")).toEqual({ protocol: "icmp" });
    expect(parseOpenedPort("80/tcp (*)")).toEqual({ protocol: "tcp", port: 80 });
    expect(parseOpenedPort("90-90/tcp")).toEqual({ protocol: "tcp", port: 90 });
    expect(() => parseOpenedPort("8000-8100/udp")).toThrow(/not a single port/);
  });
});

describe("HookCommandsBackend: secrets", () => {
  it("adds a secret through key#file= temp files and returns its URI", () => {
    const { backend, hook } = hookWith(coordinatorState());
    const uri = backend.secretAdd({ "access-key": "AK", "secret-key": "SK" }, "application", { label: "s3" });
    // As Juju prints it: the full URI with the model as source (the backend passes it on as printed).
    expect(uri).toMatch(/^secret:\/\/00000000-0000-4000-8000-000000000000\/[0-9a-v]{20}$/);
    const outcome = finish(hook);
    const args = outcome.calls[0]?.args ?? [];
    expect(args.slice(0, 4)).toEqual(["--label", "s3", "--owner", "application"]);
    // The values never appear in argv.
    expect(args.join(" ")).not.toMatch(/AK|SK/);
    expect(args.slice(4).every((arg) => /^[a-z-]+#file=/.test(arg))).toBe(true);
    expect(outcome.state.secrets[0]).toMatchObject({
      id: short(uri),
      owner: "application",
      label: "s3",
      revisions: [{ revision: 1, content: { "access-key": "AK", "secret-key": "SK" } }],
    });
  });

  it("writes secret content under the charm directory when the temp dir is not writable", () => {
    const { backend, hook } = hookWith(coordinatorState());
    // os.tmpdir() follows TMPDIR: point it where nothing can be written, as on a read-only root.
    const savedTmpdir = process.env.TMPDIR;
    process.env.TMPDIR = "/nonexistent/read-only-tmp";
    let uri: string;
    try {
      uri = backend.secretAdd({ password: "hunter2" }, "application");
    } finally {
      if (savedTmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmpdir;
    }
    expect(backend.secretGet({ id: uri })).toEqual({ password: "hunter2" });
    const args = finish(hook).calls.find((call) => call.command === "secret-add")?.args ?? [];
    expect(args.find((arg) => arg.startsWith("password#file="))).toMatch(/^password#file=\/.+\/juju-secret-[^/]+\/0$/);
    expect(args.join(" ")).not.toContain("/nonexistent/");
  });

  it("reads a secret it just added, by id and by label, and lists it in secret-ids", () => {
    const { backend } = hookWith(coordinatorState());
    const uri = backend.secretAdd({ password: "hunter2" }, "unit", { label: "mine" });
    expect(backend.secretGet({ id: uri })).toEqual({ password: "hunter2" });
    expect(backend.secretGet({ label: "mine" }, "peek")).toEqual({ password: "hunter2" });
    expect(backend.secretIds()).toEqual([short(uri)]);
  });

  it("returns an empty list when secret-ids prints null", () => {
    const { backend, hook } = hookWith(coordinatorState());
    expect(backend.secretIds()).toEqual([]);
    expect(finish(hook).calls[0]?.args).toEqual(["--format=json"]);
  });

  it("gives secret ids and secret-info-get ids the secret: prefix although Juju prints bare ids", () => {
    const { backend } = hookWith(coordinatorState());
    const uri = backend.secretAdd({ password: "x1" }, "application", { label: "db", description: "the db" });
    expect(backend.secretIds()).toEqual([short(uri)]);
    expect(backend.secretInfoGet({ id: uri })).toEqual({
      id: short(uri),
      revision: 1,
      owner: "application",
      label: "db",
      description: "the db",
    });
    expect(backend.secretInfoGet({ label: "db" }).id).toBe(short(uri));
  });

  it("makes a new revision on secret-set with changed content and reads it back", () => {
    const { backend, hook } = hookWith(coordinatorState());
    const uri = backend.secretAdd({ password: "one" }, "application");
    backend.secretSet(uri, { password: "two" }, { description: "rotated" });
    expect(backend.secretGet({ id: uri })).toEqual({ password: "two" });
    expect(backend.secretInfoGet({ id: uri }).revision).toBe(2);
    const set = finish(hook).calls.find((call) => call.command === "secret-set");
    expect(set?.args.slice(0, 3)).toEqual(["--description", "rotated", uri]);
    expect(set?.args[3]).toMatch(/^password#file=/);
  });

  it("moves a secret's expire time with secret-set --expire and no content, and reads it back from secret-info-get", () => {
    const { backend, hook } = hookWith(coordinatorState());
    const uri = backend.secretAdd({ password: "one" }, "application", { expire: "2030-01-01T00:00:00Z" });
    backend.secretSet(uri, {}, { expire: "2031-06-01T12:00:00Z" });
    expect(backend.secretInfoGet({ id: uri })).toMatchObject({ revision: 1, expiry: "2031-06-01T12:00:00Z" });
    const calls = finish(hook).calls.filter((call) => call.command === "secret-add" || call.command === "secret-set");
    expect(calls[0]?.args.slice(0, 2)).toEqual(["--expire", "2030-01-01T00:00:00Z"]);
    expect([calls[1]?.command, ...(calls[1]?.args ?? [])]).toEqual(["secret-set", "--expire", "2031-06-01T12:00:00Z", uri]);
  });

  it("grants, revokes and removes with the relation passed as --relation <id>", () => {
    const { backend, hook } = hookWith(coordinatorState());
    const uri = backend.secretAdd({ password: "pw1" }, "application");
    backend.secretGrant(uri, CLUSTER);
    backend.secretGrant(uri, CLUSTER, "tempo-worker/1");
    backend.secretRevoke(uri, CLUSTER, "tempo-worker/1");
    expect(backend.secretIds()).toEqual([short(uri)]);
    backend.secretRemove(uri);
    expect(backend.secretIds()).toEqual([]);
    const calls = finish(hook).calls.filter((call) => /secret-(grant|revoke|remove)/.test(call.command));
    expect(calls.map((call) => [call.command, ...call.args])).toEqual([
      ["secret-grant", "--relation", "3", uri],
      ["secret-grant", "--relation", "3", "--unit", "tempo-worker/1", uri],
      ["secret-revoke", "--relation", "3", "--unit", "tempo-worker/1", uri],
      ["secret-remove", uri],
    ]);
  });

  it("records grants on the secret when the hook commits", () => {
    const { backend, hook } = hookWith(coordinatorState());
    const uri = backend.secretAdd({ password: "pw1" }, "application");
    backend.secretGrant(uri, CLUSTER);
    expect(finish(hook).state.secrets[0]?.grants).toEqual({ "3": ["tempo-worker"] });
  });

  it("classifies a missing secret as secret-not-found", () => {
    const { backend } = hookWith(coordinatorState());
    expect(caught(() => backend.secretGet({ id: "secret:0123456789abcdefghij" })).kind).toBe("secret-not-found");
    expect(caught(() => backend.secretInfoGet({ label: "nope" })).kind).toBe("secret-not-found");
  });

  it("classifies a non-leader adding an application secret as not-leader", () => {
    const { backend } = hookWith(coordinatorState({ leader: false }));
    expect(caught(() => backend.secretAdd({ password: "pw1" }, "application")).kind).toBe("not-leader");
  });

  it("reads a consumed secret at its tracked revision until refresh, and peeks without tracking", () => {
    const consumed = {
      id: "secret:0123456789abcdefghij",
      label: "s3-creds",
      revisions: [
        { revision: 1, content: { key: "old" } },
        { revision: 2, content: { key: "new" } },
      ],
      trackedRevision: 1,
    };
    const { backend, hook } = hookWith(coordinatorState({ secrets: [consumed] }));
    expect(backend.secretGet({ id: consumed.id })).toEqual({ key: "old" });
    expect(backend.secretGet({ label: "s3-creds" }, "peek")).toEqual({ key: "new" });
    expect(backend.secretGet({ id: consumed.id })).toEqual({ key: "old" });
    expect(backend.secretGet({ id: consumed.id }, "refresh")).toEqual({ key: "new" });
    expect(backend.secretGet({ id: consumed.id })).toEqual({ key: "new" });
    expect(finish(hook).calls.map((call) => call.args)).toEqual([
      ["--format=json", consumed.id],
      ["--format=json", "--label", "s3-creds", "--peek"],
      ["--format=json", consumed.id],
      ["--format=json", consumed.id, "--refresh"],
      ["--format=json", consumed.id],
    ]);
  });

  it("classifies secret-set on a secret it does not own as permission-denied", () => {
    const consumed = { id: "secret:0123456789abcdefghij", revisions: [{ revision: 1, content: { key: "v" } }] };
    const { backend } = hookWith(coordinatorState({ secrets: [consumed] }));
    expect(caught(() => backend.secretSet(consumed.id, { key: "w" })).kind).toBe("permission-denied");
  });

  it("removes the temporary content files after the call", async () => {
    const { readdirSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const before = readdirSync(tmpdir()).filter((name) => name.startsWith("juju-secret-")).length;
    const { backend } = hookWith(coordinatorState());
    backend.secretAdd({ password: "pw1" }, "unit");
    const after = readdirSync(tmpdir()).filter((name) => name.startsWith("juju-secret-")).length;
    expect(after).toBe(before);
  });
});

describe("HookCommandsBackend: unit state", () => {
  it("reads, sets and deletes server-side state, buffered until the hook exits 0", () => {
    const { backend, hook } = hookWith(coordinatorState({ unitState: { kept: "1", gone: "2" } }));
    expect(backend.stateGet()).toEqual({ kept: "1", gone: "2" });
    backend.stateSet({ added: "3" });
    backend.stateDelete("gone");
    expect(backend.stateGet()).toEqual({ kept: "1", added: "3" });
    const outcome = finish(hook);
    expect(outcome.calls.map((call) => [call.command, ...call.args])).toEqual([
      ["state-get", "--format=json"],
      ["state-set", "--file", "-"],
      ["state-delete", "--", "gone"],
      ["state-get", "--format=json"],
    ]);
    expect(outcome.state.unitState).toEqual({ kept: "1", added: "3" });
  });

  it("discards buffered writes of every kind when the hook fails", () => {
    const { backend, hook } = hookWith(coordinatorState({ unitState: { kept: "1" } }));
    backend.stateSet({ added: "3" });
    backend.relationSet(CLUSTER, { a: "b" }, false);
    backend.openPort({ protocol: "tcp", port: 9999 });
    backend.secretAdd({ password: "pw1" }, "unit");
    const outcome = finish(hook, 1);
    expect(outcome.committed).toBe(false);
    expect(outcome.state.unitState).toEqual({ kept: "1" });
    expect(outcome.state.relations[0]?.localUnitData).toEqual(jujuUnitBag("10.1.0.1"));
    expect(outcome.state.openedPorts).toEqual(["3200/tcp"]);
    expect(outcome.state.secrets).toEqual([]);
  });
});

describe("HookCommandsBackend: process edge", () => {
  it("fails loudly, not as a classified error, when the hook commands are not on PATH", () => {
    const backend = new HookCommandsBackend({ env: { PATH: "/nonexistent" } });
    expect(() => backend.isLeader()).toThrow(/cannot run hook command is-leader/);
  });

  it("refuses hook commands once the hook has finished", () => {
    const { backend, hook } = hookWith(coordinatorState());
    finish(hook);
    const error = caught(() => backend.isLeader());
    expect(error.exitCode).toBe(1);
    expect(error.stderr).toMatch(/^ERROR no hook context/);
  });
});
