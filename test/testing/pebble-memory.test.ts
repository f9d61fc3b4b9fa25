import { describe, expect, it } from "vitest";
import { PebbleApiError, PebbleChangeError, PebbleConnectionError, type Layer } from "../../src/juju/pebble.js";
import { MemoryPebble, memoryPebbleStateProblems } from "../../src/testing/pebble-memory.js";

const baseLayer: Layer = {
  summary: "base",
  services: {
    tempo: {
      override: "replace",
      command: "/bin/tempo -config.file=/etc/tempo/tempo.yaml",
      startup: "enabled",
      environment: { A: "1", B: "2" },
    },
    sidecar: { override: "replace", command: "/bin/sidecar", startup: "disabled" },
  },
  checks: {
    ready: { override: "replace", level: "ready", http: { url: "http://localhost:3200/ready" } },
  },
};

async function pebbleWithBase(): Promise<MemoryPebble> {
  const pebble = new MemoryPebble();
  await pebble.addLayer("base", baseLayer);
  return pebble;
}

function apiErrorOf(promise: Promise<unknown>): Promise<PebbleApiError> {
  return promise.then(
    () => {
      throw new Error("expected a PebbleApiError");
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(PebbleApiError);
      return error as PebbleApiError;
    },
  );
}

describe("MemoryPebble layers", () => {
  it("flattens a single layer into the plan", async () => {
    const pebble = await pebbleWithBase();
    const plan = await pebble.getPlan();
    expect(Object.keys(plan.services)).toEqual(["sidecar", "tempo"]);
    expect(plan.services.tempo?.command).toBe("/bin/tempo -config.file=/etc/tempo/tempo.yaml");
    expect(plan.checks.ready?.level).toBe("ready");
    expect(plan["log-targets"]).toEqual({});
  });

  it("refuses to add a label that already exists without combine", async () => {
    const pebble = await pebbleWithBase();
    const error = await apiErrorOf(pebble.addLayer("base", baseLayer));
    expect(error.statusCode).toBe(400);
    expect(error.message).toBe('layer "base" already exists');
  });

  it("merges a combined layer into the existing one: maps merge, scalars overwrite", async () => {
    const pebble = await pebbleWithBase();
    await pebble.addLayer("base", { services: { tempo: { override: "merge", environment: { B: "3", C: "4" } } } }, { combine: true });
    const plan = await pebble.getPlan();
    expect(plan.services.tempo?.environment).toEqual({ A: "1", B: "3", C: "4" });
    expect(plan.services.tempo?.command).toBe("/bin/tempo -config.file=/etc/tempo/tempo.yaml");
    expect(pebble.layerLabels).toEqual(["base"]);
  });

  it("replaces a service wholesale when the override is replace", async () => {
    const pebble = await pebbleWithBase();
    await pebble.addLayer("override", { services: { tempo: { override: "replace", command: "/bin/other" } } });
    const plan = await pebble.getPlan();
    expect(plan.services.tempo).toEqual({ override: "replace", command: "/bin/other" });
    expect(pebble.layerLabels).toEqual(["base", "override"]);
  });

  it("later layers win over earlier ones in the flattened plan", async () => {
    const pebble = await pebbleWithBase();
    await pebble.addLayer("extra", { services: { tempo: { override: "merge", command: "/bin/tempo-next" } } });
    expect((await pebble.getPlan()).services.tempo?.command).toBe("/bin/tempo-next");
  });

  it("rejects a service without an override and leaves the plan unchanged", async () => {
    const pebble = await pebbleWithBase();
    const error = await apiErrorOf(pebble.addLayer("bad", { services: { x: { command: "/bin/x" } } }));
    expect(error.message).toBe('layer "bad" must define "override" for service "x"');
    expect(pebble.layerLabels).toEqual(["base"]);
  });

  it("rejects a field Pebble does not know, as its strict YAML decoding does", async () => {
    const pebble = new MemoryPebble();
    const error = await apiErrorOf(pebble.addLayer("typo", { services: { x: { override: "replace", command: "/x", enviroment: {} } as never } }));
    expect(error.message).toBe('cannot parse layer YAML: cannot parse layer "typo" section "services": field enviroment not found in type plan.Service');
  });

  it("fills in the default check threshold of 3 in the plan", async () => {
    const pebble = new MemoryPebble();
    await pebble.addLayer("c", { checks: { up: { override: "replace", tcp: { port: 80 } } } });
    expect((await pebble.getPlan()).checks.up).toEqual({ override: "replace", tcp: { port: 80 }, threshold: 3 });
  });

  it("rejects a log target naming a service the plan does not have", async () => {
    const pebble = await pebbleWithBase();
    const error = await apiErrorOf(
      pebble.addLayer("logs", { "log-targets": { loki: { override: "replace", type: "loki", location: "http://l", services: ["ghost"] } } }),
    );
    expect(error.message).toBe('log target "loki" specifies unknown service "ghost"');
  });

  it("rejects a plan where a service has no command", async () => {
    const pebble = new MemoryPebble();
    const error = await apiErrorOf(pebble.addLayer("bad", { services: { x: { override: "replace", startup: "enabled" } } }));
    expect(error.message).toContain('"command"');
  });
});

describe("MemoryPebble services", () => {
  it("reports plan services as inactive until started", async () => {
    const pebble = await pebbleWithBase();
    expect(await pebble.getServices()).toEqual([
      { name: "sidecar", startup: "disabled", current: "inactive" },
      { name: "tempo", startup: "enabled", current: "inactive" },
    ]);
  });

  it("replan starts enabled services and leaves disabled ones alone", async () => {
    const pebble = await pebbleWithBase();
    await pebble.replan();
    expect((await pebble.getServices()).map((s) => [s.name, s.current])).toEqual([
      ["sidecar", "inactive"],
      ["tempo", "active"],
    ]);
    expect(pebble.journal).toEqual([{ action: "replan", services: ["tempo"], restarted: [] }]);
  });

  it("replan restarts only the services whose configuration changed since they started", async () => {
    const pebble = await pebbleWithBase();
    await pebble.startServices(["sidecar"]);
    await pebble.replan();
    await pebble.addLayer("base", { services: { tempo: { override: "merge", environment: { A: "changed" } } } }, { combine: true });
    await pebble.replan();
    expect(pebble.restartCount("tempo")).toBe(1);
    expect(pebble.restartCount("sidecar")).toBe(0);
    expect(pebble.journal.at(-1)).toEqual({ action: "replan", services: ["tempo"], restarted: ["tempo"] });
  });

  it("replan starts a stopped service whose configuration changed since it last ran, as Pebble does", async () => {
    const pebble = await pebbleWithBase();
    await pebble.startServices(["sidecar"]);
    await pebble.stopServices(["sidecar"]);
    await pebble.replan();
    expect((await pebble.getServices(["sidecar"]))[0]?.current).toBe("inactive");
    await pebble.addLayer("base", { services: { sidecar: { override: "merge", command: "/bin/sidecar --v2" } } }, { combine: true });
    await pebble.replan();
    expect((await pebble.getServices(["sidecar"]))[0]?.current).toBe("active");
    expect(pebble.journal.at(-1)).toEqual({ action: "replan", services: ["sidecar"], restarted: [] });
  });

  it("a replan with nothing changed restarts nothing", async () => {
    const pebble = await pebbleWithBase();
    await pebble.replan();
    await pebble.addLayer("base", { services: { tempo: { override: "merge", environment: { A: "1" } } } }, { combine: true });
    await pebble.replan();
    expect(pebble.restartCount("tempo")).toBe(0);
    expect(pebble.journal.at(-1)).toEqual({ action: "replan", services: [], restarted: [] });
  });

  it("journals start, stop and restart with the names asked for", async () => {
    const pebble = await pebbleWithBase();
    await pebble.startServices(["tempo"]);
    await pebble.restartServices(["tempo"]);
    await pebble.stopServices(["tempo", "sidecar"]);
    expect(pebble.journal).toEqual([
      { action: "start", services: ["tempo"] },
      { action: "restart", services: ["tempo"] },
      { action: "stop", services: ["tempo", "sidecar"] },
    ]);
    expect(pebble.restartCount("tempo")).toBe(1);
    expect((await pebble.getServices(["tempo"]))[0]?.current).toBe("inactive");
  });

  it("refuses to start a service that is not in the plan", async () => {
    const pebble = await pebbleWithBase();
    const error = await apiErrorOf(pebble.startServices(["nope"]));
    expect(error.message).toBe('cannot start services: service "nope" does not exist');
    expect(pebble.journal).toEqual([]);
  });

  it("throws PebbleConnectionError from every call when it cannot connect", async () => {
    const pebble = await pebbleWithBase();
    pebble.canConnect = false;
    await expect(pebble.systemInfo()).rejects.toBeInstanceOf(PebbleConnectionError);
    await expect(pebble.getPlan()).rejects.toBeInstanceOf(PebbleConnectionError);
    await expect(pebble.replan()).rejects.toBeInstanceOf(PebbleConnectionError);
    await expect(pebble.push("/a", "x")).rejects.toBeInstanceOf(PebbleConnectionError);
    await expect(pebble.getChecks()).rejects.toBeInstanceOf(PebbleConnectionError);
  });
});

describe("MemoryPebble checks (checkstate, simulated time)", () => {
  it("reports a new check up with no successes until its first probe, one period later", async () => {
    const pebble = await pebbleWithBase();
    await pebble.replan();
    expect((await pebble.getChecks())[0]).toMatchObject({ name: "ready", status: "up", successes: 0, failures: 0, threshold: 3 });
    pebble.advanceTime(9_999);
    expect((await pebble.getChecks())[0]).toMatchObject({ successes: 0 });
    pebble.advanceTime(1);
    expect((await pebble.getChecks())[0]).toMatchObject({ status: "up", successes: 1, failures: 0 });
  });

  it("stays up while failures are under the threshold and goes down at it, with a check-failed event", async () => {
    const pebble = await pebbleWithBase(); // tempo never started: every probe is refused
    pebble.advanceTime(20_000);
    expect((await pebble.getChecks())[0]).toMatchObject({ status: "up", successes: 0, failures: 2 });
    expect(pebble.takeCheckEvents()).toEqual([]);
    pebble.advanceTime(10_000);
    expect((await pebble.getChecks())[0]).toMatchObject({ status: "down", failures: 3 });
    expect(pebble.takeCheckEvents()).toEqual([{ kind: "pebble-check-failed", check: "ready", atMs: 30_000 }]);
  });

  it("recovers on the first success with successes 1, a new change and a check-recovered event", async () => {
    const pebble = await pebbleWithBase();
    pebble.advanceTime(30_000);
    const down = (await pebble.getChecks())[0]!;
    pebble.takeCheckEvents();
    await pebble.replan();
    pebble.advanceTime(10_000);
    const recovered = (await pebble.getChecks())[0]!;
    expect(recovered).toMatchObject({ status: "up", successes: 1, failures: 0 });
    expect(recovered.changeId).not.toBe(down.changeId);
    expect(pebble.takeCheckEvents()).toEqual([{ kind: "pebble-check-recovered", check: "ready", atMs: 40_000 }]);
  });

  it("fails an http check until the workload has run its readyAfterMs", async () => {
    const pebble = await pebbleWithBase();
    pebble.setWorkload("tempo", { readyAfterMs: 70_000 });
    await pebble.replan();
    pebble.advanceTime(60_000);
    expect((await pebble.getChecks())[0]).toMatchObject({ status: "down", successes: 0 });
    pebble.advanceTime(10_000);
    expect((await pebble.getChecks())[0]).toMatchObject({ status: "up", successes: 1 });
  });

  it("restarts a check from nothing when its config changes", async () => {
    const pebble = await pebbleWithBase();
    await pebble.replan();
    pebble.advanceTime(30_000);
    expect((await pebble.getChecks())[0]?.successes).toBe(3);
    await pebble.addLayer("base", { checks: { ready: { override: "merge", period: "5s" } } }, { combine: true });
    expect((await pebble.getChecks())[0]).toMatchObject({ status: "up", successes: 0 });
    pebble.advanceTime(5_000);
    expect((await pebble.getChecks())[0]?.successes).toBe(1);
  });

  it("runs an exec check's command as the container's fake command", async () => {
    const pebble = new MemoryPebble();
    let isPassing = false;
    pebble.setExecHandler("curl", () => ({ exitCode: isPassing ? 0 : 22 }));
    await pebble.addLayer("l", { checks: { ready: { override: "replace", threshold: 1, exec: { command: "curl --fail https://x/ready" } } } });
    pebble.advanceTime(10_000);
    expect((await pebble.getChecks())[0]?.status).toBe("down");
    isPassing = true;
    pebble.advanceTime(10_000);
    expect((await pebble.getChecks())[0]).toMatchObject({ status: "up", successes: 1 });
  });

  it("verifies an https check with the roots Pebble loaded first, as Go caches them", async () => {
    const pebble = await pebbleWithBase();
    await pebble.push("/etc/ssl/certs/ca-certificates.crt", "CA-1", { makeDirs: true });
    await pebble.addLayer("base", { checks: { ready: { override: "replace", threshold: 1, http: { url: "https://tempo:3200/ready" } } } }, { combine: true });
    await pebble.replan();
    pebble.advanceTime(10_000);
    expect((await pebble.getChecks())[0]?.status).toBe("up");
    await pebble.push("/etc/ssl/certs/ca-certificates.crt", "CA-2");
    pebble.advanceTime(30_000);
    expect((await pebble.getChecks())[0]).toMatchObject({ status: "down", failures: 3 });
  });

  it("lets a test force a running workload's check down", async () => {
    const pebble = await pebbleWithBase();
    await pebble.replan();
    pebble.setCheckStatus("ready", "down");
    pebble.advanceTime(30_000);
    expect((await pebble.getChecks({ level: "ready" }))[0]?.status).toBe("down");
    expect(await pebble.getChecks({ level: "alive" })).toEqual([]);
  });

  it("ties a check to the services that name it in on-check-failure", async () => {
    const pebble = await pebbleWithBase();
    await pebble.addLayer("owned", {
      services: { sidecar: { override: "merge", "on-check-failure": { ready: "restart" } } },
    });
    await pebble.replan(); // starts tempo only
    pebble.advanceTime(10_000);
    expect((await pebble.getChecks({ names: ["ready"] }))[0]).toMatchObject({ successes: 0, failures: 1 });
    await pebble.startServices(["sidecar"]);
    pebble.advanceTime(10_000);
    expect((await pebble.getChecks({ names: ["ready"] }))[0]).toMatchObject({ successes: 1, failures: 0 });
  });

  it("keeps the clock and check runs across a snapshot", async () => {
    const pebble = await pebbleWithBase();
    await pebble.replan();
    pebble.advanceTime(25_000);
    const restored = MemoryPebble.fromState(pebble.toState());
    expect(restored.now).toBe(25_000);
    restored.advanceTime(5_000);
    expect((await restored.getChecks())[0]?.successes).toBe(3);
  });
});

describe("MemoryPebble services over time (servstate)", () => {
  it("fails the start change of a process that exits within a second, and backs off", async () => {
    const pebble = await pebbleWithBase();
    pebble.setWorkload("tempo", { exitAfterMs: 50, exitCode: 1, output: ["level=error msg=\"listen tcp :3200: bind: address already in use\""] });
    const error = await pebble.startServices(["tempo"]).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(PebbleChangeError);
    expect((error as PebbleChangeError).message).toBe(
      'cannot perform the following tasks:\n- Start service "tempo" (service start attempt: exited quickly with code 1, will restart)',
    );
    expect((await pebble.getServices(["tempo"]))[0]?.current).toBe("backoff");
  });

  it("restarts a crashed process after 500 ms, then doubles the delay", async () => {
    const pebble = await pebbleWithBase();
    pebble.setWorkload("tempo", { exitAfterMs: 50, output: ["boom"] });
    await pebble.startServices(["tempo"]).catch(() => undefined);
    pebble.advanceTime(549);
    expect((await pebble.getLogs(["tempo"], 10)).length).toBe(1);
    pebble.advanceTime(1); // 50 ms run + 500 ms backoff
    expect((await pebble.getLogs(["tempo"], 10)).length).toBe(2);
    pebble.advanceTime(50 + 999);
    expect((await pebble.getLogs(["tempo"], 10)).length).toBe(2);
    pebble.advanceTime(1); // then 1 s
    expect((await pebble.getLogs(["tempo"], 10)).length).toBe(3);
  });

  it("starts the backoff over after a process ran for the backoff limit", async () => {
    const pebble = await pebbleWithBase();
    pebble.setWorkload("tempo", { exitAfterMs: 40_000, output: ["up"] });
    await pebble.replan();
    pebble.advanceTime(40_000 + 500); // exits after 40 s: the first backoff, 500 ms
    expect((await pebble.getLogs(["tempo"], 10)).length).toBe(2);
    pebble.advanceTime(40_000 + 499); // ran 40 s again: 500 ms once more, not 1 s
    expect((await pebble.getLogs(["tempo"], 10)).length).toBe(2);
    pebble.advanceTime(1);
    expect((await pebble.getLogs(["tempo"], 10)).length).toBe(3);
  });

  it("serves the last n lines of a service's output as the logs API does", async () => {
    const pebble = await pebbleWithBase();
    pebble.setWorkload("tempo", { output: ["one", "two", "three"] });
    await pebble.replan();
    expect(await pebble.getLogs(["tempo"], 2)).toEqual([
      { time: "1970-01-01T00:00:00.000Z", service: "tempo", message: "two" },
      { time: "1970-01-01T00:00:00.000Z", service: "tempo", message: "three" },
    ]);
    expect(await pebble.getLogs(["sidecar"], 30)).toEqual([]);
  });

  it("starts a service in backoff afresh on an explicit start", async () => {
    const pebble = await pebbleWithBase();
    pebble.setWorkload("tempo", { exitAfterMs: 5_000 });
    await pebble.replan();
    pebble.advanceTime(5_000);
    expect((await pebble.getServices(["tempo"]))[0]?.current).toBe("backoff");
    pebble.setWorkload("tempo", undefined);
    await pebble.startServices(["tempo"]);
    expect((await pebble.getServices(["tempo"]))[0]?.current).toBe("active");
  });
});

describe("MemoryPebble files", () => {
  it("pushes with default permissions 0o644 and pulls the same bytes", async () => {
    const pebble = new MemoryPebble();
    await pebble.push("/etc/tempo.yaml", "a: 1\n", { makeDirs: true, user: "tempo", group: "tempo" });
    expect(new TextDecoder().decode(await pebble.pull("/etc/tempo.yaml"))).toBe("a: 1\n");
    expect(pebble.stat("/etc/tempo.yaml")).toMatchObject({ permissions: 0o644, user: "tempo", group: "tempo", size: 5, type: "file" });
    expect(pebble.stat("/etc")).toMatchObject({ type: "directory", permissions: 0o755 });
  });

  it("refuses to push into a missing directory without make-dirs", async () => {
    const pebble = new MemoryPebble();
    const error = await apiErrorOf(pebble.push("/missing/file", "x"));
    expect(error.kind).toBe("not-found");
  });

  it("reports not-found when pulling a missing file", async () => {
    const pebble = new MemoryPebble();
    const error = await apiErrorOf(pebble.pull("/nope"));
    expect([error.statusCode, error.kind]).toEqual([404, "not-found"]);
  });

  it("lists a directory's children sorted by name, filtered by pattern", async () => {
    const pebble = new MemoryPebble();
    await pebble.push("/d/b.yaml", "b", { makeDirs: true });
    await pebble.push("/d/a.yaml", "a");
    await pebble.push("/d/c.txt", "c");
    await pebble.makeDir("/d/sub");
    expect((await pebble.listFiles("/d")).map((f) => f.name)).toEqual(["a.yaml", "b.yaml", "c.txt", "sub"]);
    expect((await pebble.listFiles("/d", { pattern: "*.yaml" })).map((f) => f.name)).toEqual(["a.yaml", "b.yaml"]);
    expect((await pebble.listFiles("/d", { itself: true })).map((f) => f.path)).toEqual(["/d"]);
  });

  it("removes a non-empty directory only when recursive", async () => {
    const pebble = new MemoryPebble();
    await pebble.push("/d/x/y", "y", { makeDirs: true });
    expect((await apiErrorOf(pebble.removePath("/d"))).message).toContain("directory not empty");
    await pebble.removePath("/d", { recursive: true });
    expect(pebble.stat("/d")).toBeUndefined();
    expect(pebble.stat("/d/x/y")).toBeUndefined();
  });

  it("makes a directory with parents and refuses an existing one without make-parents", async () => {
    const pebble = new MemoryPebble();
    await pebble.makeDir("/a/b/c", { makeParents: true, permissions: 0o700 });
    expect(pebble.stat("/a/b/c")?.permissions).toBe(0o700);
    await pebble.makeDir("/a/b/c", { makeParents: true });
    expect((await apiErrorOf(pebble.makeDir("/a/b/c"))).message).toContain("file exists");
  });
});

describe("MemoryPebble snapshot", () => {
  it("round-trips through toState and fromState", async () => {
    const pebble = await pebbleWithBase();
    await pebble.replan();
    await pebble.push("/etc/t.yaml", "x: 1\n", { makeDirs: true, permissions: 0o600 });
    await pebble.push("/bin/blob", new Uint8Array([0xff, 0x00, 0xfe]), { makeDirs: true });
    pebble.setCheckStatus("ready", "down");
    const state = pebble.toState();
    const restored = MemoryPebble.fromState(state);
    expect(restored.toState()).toEqual(state);
    expect(Array.from(await restored.pull("/bin/blob"))).toEqual([0xff, 0x00, 0xfe]);
    await restored.replan();
    expect(restored.restartCount("tempo")).toBe(0);
  });

  it("treats an active service given without its start config as running the current plan", async () => {
    const pebble = MemoryPebble.fromState({ layers: [{ label: "base", layer: baseLayer }], services: { tempo: { current: "active" } } });
    await pebble.replan();
    expect(pebble.journal).toEqual([{ action: "replan", services: [], restarted: [] }]);
  });
});

describe("MemoryPebble combining checks and log targets", () => {
  it("merges a check's probe fields, keeping the rest and the original override", async () => {
    const pebble = await pebbleWithBase();
    await pebble.addLayer("more", {
      checks: { ready: { override: "merge", threshold: 7, http: { url: "http://localhost:3200/ready", headers: { A: "1" } } } },
    });
    expect((await pebble.getPlan()).checks.ready).toEqual({
      override: "replace",
      level: "ready",
      threshold: 7,
      http: { url: "http://localhost:3200/ready", headers: { A: "1" } },
    });
  });

  it("appends a log target's services on merge, duplicates kept as Pebble keeps them", async () => {
    const pebble = await pebbleWithBase();
    await pebble.addLayer("a", { "log-targets": { loki: { override: "replace", type: "loki", location: "http://l", services: ["tempo"] } } });
    await pebble.addLayer("b", { "log-targets": { loki: { override: "merge", type: "loki", location: "http://l", services: ["tempo", "all"] } } });
    expect((await pebble.getPlan())["log-targets"].loki?.services).toEqual(["tempo", "tempo", "all"]);
  });
});

describe("MemoryPebble start failures", () => {
  it("fails the change and leaves the service in error when its command fails", async () => {
    const pebble = await pebbleWithBase();
    pebble.setStartFailure("tempo", "exited quickly with code 1");
    await expect(pebble.replan()).rejects.toBeInstanceOf(PebbleChangeError);
    expect((await pebble.getServices(["tempo"]))[0]?.current).toBe("error");
    pebble.setStartFailure("tempo", undefined);
    await pebble.replan();
    expect((await pebble.getServices(["tempo"]))[0]?.current).toBe("active");
  });
});

describe("MemoryPebble snapshot problems", () => {
  it("names a service state that no layer defines", () => {
    expect(memoryPebbleStateProblems({ services: { ghost: { current: "active" } } })).toEqual([
      'container services: "ghost" has a state but no layer defines it',
    ]);
  });

  it("names a layer Pebble would refuse", () => {
    const problems = memoryPebbleStateProblems({ layers: [{ label: "l", layer: { services: { x: { command: "/x" } } } }] });
    expect(problems).toEqual(['container layers do not form a valid plan: layer "l" must define "override" for service "x"']);
  });

  it("accepts a consistent snapshot", () => {
    expect(memoryPebbleStateProblems({ layers: [{ label: "base", layer: baseLayer }], services: { tempo: { current: "active" } } })).toEqual([]);
  });
});
