import { describe, expect, it } from "vitest";
import { PebbleApiError, PebbleChangeError, PebbleConnectionError } from "../../src/juju/pebble.js";
import { formatGoDuration, MemoryPebble } from "../../src/testing/pebble-memory.js";
import { parseGoDurationMs } from "../../src/testing/pebble-server.js";

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

describe("MemoryPebble exec", () => {
  it("runs a registered handler with the argv and stdin and returns its output", async () => {
    const pebble = new MemoryPebble();
    pebble.setExecHandler("wc", (argv, stdin) => ({ exitCode: 0, stdout: `${argv.join(" ")}: ${stdin.byteLength}\n` }));
    expect(await pebble.exec(["wc", "-c"], { stdin: "four" })).toEqual({ exitCode: 0, stdout: "wc -c: 4\n", stderr: "" });
  });

  it("refuses a command nobody registered, in Pebble's words, and does not journal it", async () => {
    const pebble = new MemoryPebble();
    const error = await rejectionOf(pebble.exec(["update-ca-certificates", "--fresh"]));
    expect(error).toBeInstanceOf(PebbleApiError);
    expect((error as PebbleApiError).statusCode).toBe(400);
    expect(error.message).toBe('cannot find executable "update-ca-certificates"');
    expect(pebble.execJournal).toEqual([]);
  });

  it("matches argv[0] exactly, as a path and a bare name are different lookups", async () => {
    const pebble = new MemoryPebble();
    pebble.setExecHandler("/bin/tempo", () => ({ exitCode: 0 }));
    expect(pebble.hasExecutable("/bin/tempo")).toBe(true);
    expect(pebble.hasExecutable("tempo")).toBe(false);
    await expect(pebble.exec(["tempo", "-version"])).rejects.toThrow('cannot find executable "tempo"');
  });

  it("journals every command it ran, with its options and exit code, in order", async () => {
    const pebble = new MemoryPebble();
    pebble.setExecHandler("false", () => ({ exitCode: 1 }));
    pebble.setExecHandler("true", () => ({ exitCode: 0 }));
    await pebble.exec(["false"]);
    await pebble.exec(["true", "x"], { timeoutMs: 500, environment: { A: "b" } });
    expect(pebble.execJournal).toEqual([
      { command: ["false"], stdin: "", outcome: 1 },
      { command: ["true", "x"], stdin: "", environment: { A: "b" }, timeoutMs: 500, outcome: 0 },
    ]);
  });

  it("kills a command that runs longer than the exec's timeout and fails the change", async () => {
    const pebble = new MemoryPebble();
    pebble.setExecHandler("sleep", () => ({ exitCode: 0, durationMs: 90_000 }));
    const error = await rejectionOf(pebble.exec(["sleep", "90"], { timeoutMs: 60_000 }));
    expect(error).toBeInstanceOf(PebbleChangeError);
    expect(error.message).toBe('cannot perform the following tasks:\n- Execute command "sleep" (timed out after 1m0s: context deadline exceeded)');
    expect(pebble.execJournal.map((record) => record.outcome)).toEqual(["timed-out"]);
  });

  it("lets a command finish when it has no timeout however long it runs", async () => {
    const pebble = new MemoryPebble();
    pebble.setExecHandler("sleep", () => ({ exitCode: 0, durationMs: 90_000 }));
    expect((await pebble.exec(["sleep", "90"])).exitCode).toBe(0);
  });

  it("cannot exec while the container is unreachable", async () => {
    const pebble = new MemoryPebble({ canConnect: false });
    pebble.setExecHandler("true", () => ({ exitCode: 0 }));
    await expect(pebble.exec(["true"])).rejects.toBeInstanceOf(PebbleConnectionError);
  });

  it("removes a handler when given undefined", async () => {
    const pebble = new MemoryPebble();
    pebble.setExecHandler("true", () => ({ exitCode: 0 }));
    pebble.setExecHandler("true", undefined);
    expect(pebble.hasExecutable("true")).toBe(false);
  });

  it("answers from canned execs in the snapshot by command prefix, handlers first", async () => {
    const pebble = MemoryPebble.fromState({
      execs: [
        { command: ["/bin/tempo", "-version"], stdout: "tempo, version 2.7.1\n" },
        { command: ["/bin/tempo"], exitCode: 2, stderr: "usage\n" },
      ],
    });
    expect(await pebble.exec(["/bin/tempo", "-version"])).toEqual({ exitCode: 0, stdout: "tempo, version 2.7.1\n", stderr: "" });
    expect((await pebble.exec(["/bin/tempo", "-help"])).exitCode).toBe(2);
    pebble.setExecHandler("/bin/tempo", () => ({ exitCode: 0, stdout: "handler\n" }));
    expect((await pebble.exec(["/bin/tempo", "-version"])).stdout).toBe("handler\n");
  });

  it("keeps canned execs and the exec journal through a snapshot round trip", async () => {
    const pebble = MemoryPebble.fromState({ execs: [{ command: ["update-ca-certificates"] }] });
    await pebble.exec(["update-ca-certificates", "--fresh"]);
    const state = pebble.toState();
    expect(state.execs).toEqual([{ command: ["update-ca-certificates"], exitCode: 0, stdout: "", stderr: "", durationMs: 0 }]);
    expect(state.execJournal).toEqual([{ command: ["update-ca-certificates", "--fresh"], stdin: "", outcome: 0 }]);
    expect(MemoryPebble.fromState(state).toState()).toEqual(state);
  });
});

describe("Go durations in exec messages", () => {
  it("prints durations as Go's time.Duration does", () => {
    expect([500, 1_000, 1_500, 60_000, 90_000, 3_600_000].map(formatGoDuration)).toEqual(["500ms", "1s", "1.5s", "1m0s", "1m30s", "1h0m0s"]);
  });

  it("reads back the durations it prints", () => {
    for (const ms of [500, 1_000, 1_500, 60_000, 90_000, 3_600_000]) expect(parseGoDurationMs(formatGoDuration(ms))).toBe(ms);
  });
});
