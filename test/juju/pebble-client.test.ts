import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PebbleApiError, PebbleChangeError, PebbleConnectionError, type Layer } from "../../src/juju/pebble.js";
import { containerSocketPath, PebbleHttpClient } from "../../src/juju/pebble-client.js";
import { MemoryPebble } from "../../src/testing/pebble-memory.js";
import { startTestPebbleServer, type TestPebbleServer } from "../../src/testing/pebble-server.js";

const tempoLayer: Layer = {
  summary: "tempo",
  services: {
    tempo: {
      override: "replace",
      command: "/bin/tempo -config.file=/etc/tempo/tempo.yaml",
      startup: "enabled",
      environment: { GOMAXPROCS: "2" },
    },
  },
  checks: {
    "tempo-ready": { override: "replace", level: "ready", http: { url: "http://localhost:3200/ready" }, threshold: 5 },
    "tempo-alive": { override: "replace", level: "alive", tcp: { port: 3200 } },
  },
};

let directory: string;
let socketPath: string;
let pebble: MemoryPebble;
let server: TestPebbleServer;
let client: PebbleHttpClient;

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), "pebble-client-"));
  socketPath = join(directory, "pebble.socket");
  pebble = new MemoryPebble();
  server = await startTestPebbleServer(socketPath, pebble);
  client = new PebbleHttpClient(socketPath, { requestTimeoutMs: 5_000, changeTimeoutMs: 10_000 });
});

afterEach(async () => {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

async function apiErrorOf(promise: Promise<unknown>): Promise<PebbleApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PebbleApiError);
    return error as PebbleApiError;
  }
  throw new Error("expected a PebbleApiError");
}

/** A raw request to the test server, to check the wire format the client relies on. */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ statusCode: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ statusCode: res.statusCode ?? 0, contentType: String(res.headers["content-type"]), body: Buffer.concat(chunks).toString("utf-8") }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("PebbleHttpClient against the test Pebble server", () => {
  it("puts the container's socket where Juju mounts it", () => {
    expect(containerSocketPath("tempo")).toBe("/charm/containers/tempo/pebble.socket");
    expect(PebbleHttpClient.forContainer("tempo").socketPath).toBe("/charm/containers/tempo/pebble.socket");
  });

  it("reads the system info", async () => {
    expect((await client.systemInfo()).version).toMatch(/^v/);
    expect(server.requests).toEqual([{ method: "GET", path: "/v1/system-info", query: "" }]);
  });

  it("adds a layer as YAML and reads the flattened plan back", async () => {
    await client.addLayer("tempo", tempoLayer);
    const plan = await client.getPlan();
    expect(plan.services.tempo).toEqual(tempoLayer.services!.tempo);
    expect(plan.checks["tempo-ready"]?.http).toEqual({ url: "http://localhost:3200/ready" });
    expect(plan["log-targets"]).toEqual({});
    expect(pebble.layerLabels).toEqual(["tempo"]);
    expect(server.requests.map((r) => `${r.method} ${r.path}?${r.query}`)).toEqual(["POST /v1/layers?", "GET /v1/plan?format=yaml"]);
  });

  it("merges a layer into an existing label with combine", async () => {
    await client.addLayer("tempo", tempoLayer);
    await client.addLayer("tempo", { services: { tempo: { override: "merge", environment: { EXTRA: "1" } } } }, { combine: true });
    expect((await client.getPlan()).services.tempo?.environment).toEqual({ GOMAXPROCS: "2", EXTRA: "1" });
  });

  it("reports an existing label without combine as a 400 error", async () => {
    await client.addLayer("tempo", tempoLayer);
    const error = await apiErrorOf(client.addLayer("tempo", tempoLayer));
    expect([error.statusCode, error.message]).toEqual([400, 'layer "tempo" already exists']);
  });

  it("reports a bad layer (no override) as a 400 error and keeps the plan", async () => {
    const error = await apiErrorOf(client.addLayer("bad", { services: { x: { command: "/bin/x" } } }));
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain('must define "override" for service "x"');
    expect(await client.getPlan()).toEqual({ services: {}, checks: {}, "log-targets": {} });
  });

  it("replans and lists services with their startup and current state", async () => {
    await client.addLayer("tempo", tempoLayer);
    expect(await client.getServices()).toEqual([{ name: "tempo", startup: "enabled", current: "inactive" }]);
    await client.replan();
    expect(await client.getServices(["tempo"])).toEqual([{ name: "tempo", startup: "enabled", current: "active" }]);
    expect(pebble.journal).toEqual([{ action: "replan", services: ["tempo"], restarted: [] }]);
    expect(server.requests.filter((r) => r.path.startsWith("/v1/changes/")).map((r) => r.path)).toEqual(["/v1/changes/1/wait"]);
  });

  it("starts, restarts and stops services, each through a change it waits on", async () => {
    await client.addLayer("tempo", tempoLayer);
    await client.startServices(["tempo"]);
    await client.restartServices(["tempo"]);
    await client.stopServices(["tempo"]);
    expect(pebble.journal.map((record) => record.action)).toEqual(["start", "restart", "stop"]);
    expect(pebble.restartCount("tempo")).toBe(1);
    expect((await client.getServices())[0]?.current).toBe("inactive");
    expect(server.requests.filter((r) => r.path.endsWith("/wait"))).toHaveLength(3);
  });

  it("keeps waiting on a change while Pebble's wait times out, then returns once it is done", async () => {
    await server.close();
    server = await startTestPebbleServer(socketPath, pebble, { slowChangeWaits: 2 });
    await client.addLayer("tempo", tempoLayer);
    await client.replan();
    expect(server.requests.filter((r) => r.path === "/v1/changes/1/wait")).toHaveLength(3);
    expect(server.requests.at(-1)?.query).toMatch(/^timeout=\d+ms$/);
    expect((await client.getServices())[0]?.current).toBe("active");
  });

  it("rejects starting an unknown service with Pebble's message", async () => {
    await client.addLayer("tempo", tempoLayer);
    const error = await apiErrorOf(client.startServices(["nope"]));
    expect([error.statusCode, error.message]).toEqual([400, 'cannot start services: service "nope" does not exist']);
  });

  it("surfaces a failed change's err as PebbleChangeError", async () => {
    await client.addLayer("tempo", tempoLayer);
    pebble.setStartFailure("tempo", "exited quickly with code 1");
    const error = await apiErrorOf(client.replan());
    expect(error).toBeInstanceOf(PebbleChangeError);
    expect(error.message).toContain('Start service "tempo" (exited quickly with code 1)');
    expect((await client.getServices())[0]?.current).toBe("error");
  });

  it("pushes a file as multipart with permissions and owner that MemoryPebble keeps", async () => {
    await client.push("/etc/tempo/tempo.yaml", "server:\n  http_listen_port: 3200\n", { makeDirs: true, permissions: 0o600, user: "tempo", group: "tempo" });
    expect(pebble.stat("/etc/tempo/tempo.yaml")).toMatchObject({ permissions: 0o600, user: "tempo", group: "tempo" });
    expect(pebble.readText("/etc/tempo/tempo.yaml")).toBe("server:\n  http_listen_port: 3200\n");
  });

  it("pushes with Pebble's default permissions 0o644 and pulls the same bytes back", async () => {
    const bytes = new Uint8Array([0, 1, 2, 13, 10, 45, 45, 255]);
    await client.push("/data/blob", bytes, { makeDirs: true });
    expect(pebble.stat("/data/blob")?.permissions).toBe(0o644);
    expect(Array.from(await client.pull("/data/blob"))).toEqual(Array.from(bytes));
  });

  it("reports a push into a missing directory without make-dirs as not-found", async () => {
    const error = await apiErrorOf(client.push("/missing/file", "x"));
    expect([error.statusCode, error.kind]).toEqual([404, "not-found"]);
  });

  it("reports pulling a missing file as a not-found error", async () => {
    const error = await apiErrorOf(client.pull("/etc/none.yaml"));
    expect([error.statusCode, error.kind]).toEqual([404, "not-found"]);
  });

  it("lists a directory with octal permissions decoded", async () => {
    await client.push("/etc/tempo/b.yaml", "b", { makeDirs: true, permissions: 0o640 });
    await client.push("/etc/tempo/a.yaml", "aa");
    await client.makeDir("/etc/tempo/rules");
    const listing = await client.listFiles("/etc/tempo");
    expect(listing.map((f) => [f.name, f.type, f.permissions, f.size])).toEqual([
      ["a.yaml", "file", 0o644, 2],
      ["b.yaml", "file", 0o640, 1],
      ["rules", "directory", 0o755, 0],
    ]);
    expect((await client.listFiles("/etc/tempo", { pattern: "a*" })).map((f) => f.path)).toEqual(["/etc/tempo/a.yaml"]);
    expect((await client.listFiles("/etc/tempo", { itself: true })).map((f) => f.type)).toEqual(["directory"]);
  });

  it("reports listing a missing path as not-found", async () => {
    const error = await apiErrorOf(client.listFiles("/nope"));
    expect([error.statusCode, error.kind]).toEqual([404, "not-found"]);
  });

  it("makes directories with parents and permissions", async () => {
    await client.makeDir("/var/lib/tempo/wal", { makeParents: true, permissions: 0o700 });
    expect(pebble.stat("/var/lib/tempo/wal")).toMatchObject({ type: "directory", permissions: 0o700 });
    const error = await apiErrorOf(client.makeDir("/var/lib/tempo/wal"));
    expect(error.kind).toBe("generic-file-error");
  });

  it("removes paths, recursively only when asked", async () => {
    await client.push("/tmp/x/y/z", "z", { makeDirs: true });
    expect((await apiErrorOf(client.removePath("/tmp/x"))).message).toContain("directory not empty");
    await client.removePath("/tmp/x", { recursive: true });
    expect(pebble.stat("/tmp/x")).toBeUndefined();
    expect((await apiErrorOf(client.removePath("/tmp/x"))).kind).toBe("not-found");
  });

  it("reads checks filtered by level and names", async () => {
    await client.addLayer("tempo", tempoLayer);
    await client.replan();
    pebble.setCheckStatus("tempo-ready", "down");
    pebble.advanceTime(50_000);
    expect(await client.getChecks()).toEqual([
      { name: "tempo-alive", level: "alive", status: "up", successes: 5, failures: 0, threshold: 3, changeId: expect.any(String) },
      { name: "tempo-ready", level: "ready", status: "down", successes: 0, failures: 5, threshold: 5, changeId: expect.any(String) },
    ]);
    expect((await client.getChecks({ level: "alive" })).map((c) => c.name)).toEqual(["tempo-alive"]);
    expect((await client.getChecks({ names: ["tempo-ready"] })).map((c) => c.name)).toEqual(["tempo-ready"]);
    expect(server.requests.at(-1)).toEqual({ method: "GET", path: "/v1/checks", query: "names=tempo-ready" });
  });

  it("keeps a check's successes: up with none before its first probe, counted after", async () => {
    await client.addLayer("tempo", tempoLayer);
    await client.replan();
    expect((await client.getChecks({ names: ["tempo-ready"] }))[0]).toMatchObject({ status: "up", successes: 0 });
    pebble.advanceTime(20_000);
    expect((await client.getChecks({ names: ["tempo-ready"] }))[0]).toMatchObject({ status: "up", successes: 2 });
  });

  it("reads the last lines of a service's log from the logs API", async () => {
    pebble.setWorkload("tempo", { output: ["starting", "listen tcp :3200: bind: address already in use"] });
    await client.addLayer("tempo", tempoLayer);
    await client.replan();
    expect(await client.getLogs(["tempo"], 1)).toEqual([
      { time: "1970-01-01T00:00:00.000Z", service: "tempo", message: "listen tcp :3200: bind: address already in use" },
    ]);
    expect(server.requests.at(-1)).toEqual({ method: "GET", path: "/v1/logs", query: "services=tempo&n=1" });
  });

  it("reports a service that exits at once as Pebble's failed start change", async () => {
    pebble.setWorkload("tempo", { exitAfterMs: 10, exitCode: 1 });
    await client.addLayer("tempo", tempoLayer);
    const error = await client.startServices(["tempo"]).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(PebbleChangeError);
    expect((error as Error).message).toContain("exited quickly with code 1, will restart");
    expect((await client.getServices(["tempo"]))[0]?.current).toBe("backoff");
  });

  it("throws PebbleConnectionError when the server drops connections", async () => {
    pebble.canConnect = false;
    await expect(client.systemInfo()).rejects.toBeInstanceOf(PebbleConnectionError);
  });
});

describe("PebbleHttpClient without a server", () => {
  it("throws PebbleConnectionError when the socket does not exist", async () => {
    const missing = new PebbleHttpClient(join(directory, "absent.socket"), { requestTimeoutMs: 2_000 });
    await expect(missing.systemInfo()).rejects.toBeInstanceOf(PebbleConnectionError);
    await expect(missing.replan()).rejects.toBeInstanceOf(PebbleConnectionError);
  });

  it("throws PebbleConnectionError when the server has gone away", async () => {
    await server.close();
    server = { close: async () => undefined, requests: [] };
    await expect(client.getPlan()).rejects.toBeInstanceOf(PebbleConnectionError);
  });
});

describe("the test Pebble server's wire format", () => {
  it("answers with Pebble's sync envelope", async () => {
    const reply = await rawGet("/v1/services");
    expect(reply.contentType).toBe("application/json");
    expect(JSON.parse(reply.body)).toEqual({ type: "sync", "status-code": 200, status: "OK", result: [] });
  });

  it("answers an unknown endpoint with Pebble's error envelope", async () => {
    const reply = await rawGet("/v1/nope");
    expect(reply.statusCode).toBe(404);
    expect(JSON.parse(reply.body)).toMatchObject({ type: "error", "status-code": 404, result: { message: "not found" } });
  });

  it("refuses a file read that does not accept multipart", async () => {
    const reply = await rawGet("/v1/files?action=read&path=/x");
    expect(reply.statusCode).toBe(400);
    expect(JSON.parse(reply.body).result.message).toBe("must accept multipart/form-data");
  });

  it("answers a read of a missing file with 200 multipart carrying the per-path error", async () => {
    const reply = await rawGet("/v1/files?action=read&path=/x", { Accept: "multipart/form-data" });
    expect(reply.statusCode).toBe(200);
    expect(reply.contentType).toMatch(/^multipart\/form-data; boundary=.{32,}$/);
    expect(reply.body).toContain('name="response"');
    expect(reply.body).toContain('"kind":"not-found"');
  });
});

describe("PebbleHttpClient against a Pebble that never answers", () => {
  it("gives up after its request timeout with PebbleConnectionError instead of hanging", async () => {
    const { createServer } = await import("node:net");
    const silentSocket = join(directory, "silent.socket");
    const connections: import("node:net").Socket[] = [];
    const silent = createServer((connection) => connections.push(connection)); // accepts, never replies
    await new Promise<void>((resolve) => silent.listen(silentSocket, resolve));
    try {
      const impatient = new PebbleHttpClient(silentSocket, { requestTimeoutMs: 200 });
      const error = await impatient.systemInfo().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PebbleConnectionError);
      expect((error as Error).message).toContain("did not answer");
    } finally {
      for (const connection of connections) connection.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
