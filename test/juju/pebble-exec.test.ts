import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PebbleApiError, PebbleChangeError, PebbleConnectionError } from "../../src/juju/pebble.js";
import { PebbleHttpClient } from "../../src/juju/pebble-client.js";
import { execRequestBody, exitCodeFromChange, isEndOfStream, taskWebsocketUrl } from "../../src/juju/pebble-exec.js";
import { MemoryPebble } from "../../src/testing/pebble-memory.js";
import { startTestPebbleServer, type TestPebbleServer } from "../../src/testing/pebble-server.js";

let directory: string;
let socketPath: string;
let pebble: MemoryPebble;
let server: TestPebbleServer;
let client: PebbleHttpClient;

async function serve(options: Parameters<typeof startTestPebbleServer>[2] = {}): Promise<void> {
  server = await startTestPebbleServer(socketPath, pebble, options);
}

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), "pebble-exec-"));
  socketPath = join(directory, "pebble.socket");
  pebble = new MemoryPebble();
  client = new PebbleHttpClient(socketPath, { requestTimeoutMs: 5_000, changeTimeoutMs: 10_000 });
});

afterEach(async () => {
  await server?.close();
  rmSync(directory, { recursive: true, force: true });
});

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

function rawPost(path: string, json: unknown): Promise<{ statusCode: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(JSON.stringify(json));
    const req = request({ socketPath, path, method: "POST", headers: { "Content-Type": "application/json", "Content-Length": body.byteLength } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ statusCode: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf-8")) as Record<string, unknown> }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("the exec request", () => {
  it("asks Pebble to keep stderr apart and states the timeout as a Go duration", () => {
    expect(execRequestBody(["update-ca-certificates", "--fresh"], { timeoutMs: 60_000, environment: { LANG: "C" }, user: "root" })).toEqual({
      command: ["update-ca-certificates", "--fresh"],
      environment: { LANG: "C" },
      timeout: "60000ms",
      user: "root",
      "split-stderr": true,
    });
  });

  it("reaches the task websockets through the Unix socket with a ws+unix URL", () => {
    expect(taskWebsocketUrl("/charm/containers/tempo/pebble.socket", "42", "stdio")).toBe(
      "ws+unix:///charm/containers/tempo/pebble.socket:/v1/tasks/42/websocket/stdio",
    );
  });

  it("reads the exit code from the exec task's data", () => {
    expect(exitCodeFromChange({ id: "3", tasks: [{ id: "5", data: { "exit-code": 7 } }] })).toBe(7);
  });

  it("treats a change without an exit code as Pebble's failure", () => {
    expect(() => exitCodeFromChange({ id: "3", tasks: [] })).toThrow(PebbleApiError);
  });

  it("recognises only the end command as the end of a stream", () => {
    expect(isEndOfStream('{"command":"end"}')).toBe(true);
    expect(isEndOfStream('{"command":"resize"}')).toBe(false);
    expect(isEndOfStream("end")).toBe(false);
  });
});

describe("PebbleHttpClient.exec against the test Pebble server", () => {
  it("returns the command's stdout, stderr and exit code", async () => {
    pebble.setExecHandler("/bin/tempo", (argv) => ({ exitCode: 0, stdout: `tempo, version 2.7.1 (args: ${argv.slice(1).join(" ")})\n`, stderr: "a warning\n" }));
    await serve();
    const result = await client.exec(["/bin/tempo", "-version"]);
    expect(result).toEqual({ exitCode: 0, stdout: "tempo, version 2.7.1 (args: -version)\n", stderr: "a warning\n" });
  });

  it("returns a non-zero exit code as the command's answer rather than an error", async () => {
    pebble.setExecHandler("update-ca-certificates", () => ({ exitCode: 1, stderr: "cannot write /etc/ssl/certs\n" }));
    await serve();
    const result = await client.exec(["update-ca-certificates", "--fresh"]);
    expect(result).toEqual({ exitCode: 1, stdout: "", stderr: "cannot write /etc/ssl/certs\n" });
  });

  it("sends stdin to the command and ends it", async () => {
    pebble.setExecHandler("cat", (_argv, stdin) => ({ exitCode: 0, stdout: Buffer.from(stdin).toString("utf-8").toUpperCase() }));
    await serve();
    expect((await client.exec(["cat"], { stdin: "hello pebble" })).stdout).toBe("HELLO PEBBLE");
  });

  it("passes the command's options through to Pebble", async () => {
    pebble.setExecHandler("env", () => ({ exitCode: 0 }));
    await serve();
    await client.exec(["env"], { environment: { A: "1" }, workingDir: "/tmp", timeoutMs: 1_500, user: "tempo", group: "tempo" });
    expect(pebble.execJournal).toEqual([
      { command: ["env"], stdin: "", environment: { A: "1" }, workingDir: "/tmp", timeoutMs: 1_500, user: "tempo", group: "tempo", outcome: 0 },
    ]);
  });

  it("fails with Pebble's refusal when the executable is missing", async () => {
    await serve();
    const error = await rejectionOf(client.exec(["update-ca-certificates", "--fresh"]));
    expect(error).toBeInstanceOf(PebbleApiError);
    expect(error).not.toBeInstanceOf(PebbleChangeError);
    expect((error as PebbleApiError).statusCode).toBe(400);
    expect(error.message).toBe('cannot find executable "update-ca-certificates"');
    expect(pebble.execJournal).toEqual([]);
  });

  it("fails with the change's error when the command outlives its timeout", async () => {
    pebble.setExecHandler("sleep", () => ({ exitCode: 0, durationMs: 10_000 }));
    await serve();
    const error = await rejectionOf(client.exec(["sleep", "10"], { timeoutMs: 1_000 }));
    expect(error).toBeInstanceOf(PebbleChangeError);
    expect(error.message).toBe('cannot perform the following tasks:\n- Execute command "sleep" (timed out after 1s: context deadline exceeded)');
  });

  it("cannot reach Pebble while the container is down", async () => {
    pebble.setExecHandler("true", () => ({ exitCode: 0 }));
    pebble.canConnect = false;
    await serve();
    expect(await rejectionOf(client.exec(["true"]))).toBeInstanceOf(PebbleConnectionError);
  });
});

describe("the test Pebble server's exec endpoint", () => {
  it("answers an exec with an async change naming the task whose websockets carry the I/O", async () => {
    pebble.setExecHandler("true", () => ({ exitCode: 0 }));
    await serve({ execConnectTimeoutMs: 1 });
    const reply = await rawPost("/v1/exec", { command: ["true"] });
    expect(reply.statusCode).toBe(202);
    expect(reply.body).toMatchObject({ type: "async", change: expect.any(String), result: { "task-id": expect.any(String) } });
  });

  it("fails the change when the client never connects the websockets, as Pebble does", async () => {
    pebble.setExecHandler("true", () => ({ exitCode: 0 }));
    await serve({ execConnectTimeoutMs: 1 });
    const reply = await rawPost("/v1/exec", { command: ["true"] });
    const changeId = reply.body["change"] as string;
    const taskId = (reply.body["result"] as { "task-id": string })["task-id"];
    const waited = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = request({ socketPath, path: `/v1/changes/${changeId}/wait?timeout=10s`, method: "GET" }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf-8")) as Record<string, unknown>));
      });
      req.on("error", reject);
      req.end();
    });
    expect(waited["result"]).toMatchObject({
      status: "Error",
      ready: true,
      err: `cannot perform the following tasks:\n- Execute command "true" (exec ${taskId}: timeout waiting for websocket connections: context deadline exceeded)`,
      tasks: [{ data: { "exit-code": -1 } }],
    });
    expect(pebble.execJournal).toEqual([]);
  });

  it("refuses an exec with no command", async () => {
    await serve();
    const reply = await rawPost("/v1/exec", { command: [] });
    expect(reply.statusCode).toBe(400);
    expect(reply.body["result"]).toEqual({ message: "must specify command" });
  });
});
