import { describe, expect, it } from "vitest";
import { planWorkload, type DesiredWorkload } from "../../../src/charms/worker/restart-plan.js";
import {
  applyWorkloadActions,
  learnWorkloadVersion,
  observeWorkload,
  runWorkloadCommand,
  type WorkloadApplyReport,
} from "../../../src/charms/worker/workload-sync.js";
import { workerLayer } from "../../../src/charms/worker/layer.js";
import {
  CA_TRUST_PENDING_PATH,
  CONFIG_PATH,
  PRIVATE_KEY_PATH,
  RESTART_PENDING_PATH,
  TRUSTED_CA_PATH,
  WORKLOAD_VERSION_PATH,
} from "../../../src/charms/worker/workload-files.js";
import { PebbleChangeError } from "../../../src/juju/pebble.js";
import { MemoryPebble } from "../../../src/testing/pebble-memory.js";
import { TEMPO_VERSION_OUTPUT } from "./worker-scenario.js";

const layer = workerLayer({
  role: "all",
  isTlsEnabled: false,
  unitAddress: "w-0.w-endpoints.m.svc.cluster.local",
  identity: { model: "m", modelUuid: "u", application: "w", unit: "w/0", charmName: "tempo-worker" },
});

type RunWorkload = Extract<DesiredWorkload, { kind: "run" }>;

function desired(configText: string): RunWorkload {
  return { kind: "run", serviceName: "tempo", layer, files: [{ path: CONFIG_PATH, content: configText, permissions: 0o600 }] };
}

/** A Pebble whose next restart fails, as a real one does when the service will not stop in time. */
class PebbleFailingNextRestart extends MemoryPebble {
  failNextRestart = false;
  override async restartServices(names: readonly string[]): Promise<void> {
    if (this.failNextRestart) {
      this.failNextRestart = false;
      throw new Error("cannot restart: timed out");
    }
    await super.restartServices(names);
  }
}

async function sync(pebble: MemoryPebble, want: DesiredWorkload): Promise<WorkloadApplyReport> {
  const actions = planWorkload(await observeWorkload(pebble, "tempo"), want);
  return applyWorkloadActions(pebble, "tempo", "tempo", actions);
}

const httpsLayer = workerLayer({
  role: "all",
  isTlsEnabled: true,
  unitAddress: "w-0.w-endpoints.m.svc.cluster.local",
  identity: { model: "m", modelUuid: "u", application: "w", unit: "w/0", charmName: "tempo-worker" },
});

/** TLS on: the CA in the system trust directory and the ready check on HTTPS. */
function desiredWithCa(configText: string, ca: string): RunWorkload {
  return {
    kind: "run",
    serviceName: "tempo",
    layer: httpsLayer,
    files: [
      { path: CONFIG_PATH, content: configText, permissions: 0o600 },
      { path: TRUSTED_CA_PATH, content: ca, permissions: 0o644 },
    ],
  };
}

/** The ready check's probe in the plan right now (read without Pebble calls, from the snapshot). */
function readyProbeNow(pebble: MemoryPebble): string | undefined {
  const check = pebble.toState().layers.find((entry) => entry.label === "tempo")?.layer.checks?.["ready"];
  return check?.http?.url ?? check?.exec?.command;
}

describe("applyWorkloadActions and the CA trust store", () => {
  it("runs update-ca-certificates after writing the CA, and adds the TLS layer", async () => {
    const pebble = new MemoryPebble();
    await sync(pebble, desired("a: 1\n"));
    const seenAtExec: Array<string | undefined> = [];
    pebble.setExecHandler("update-ca-certificates", () => {
      seenAtExec.push(pebble.readText(TRUSTED_CA_PATH));
      return { exitCode: 0 };
    });
    const report = await sync(pebble, desiredWithCa("a: 1\n", "CA-1"));
    expect(report).toEqual({ caTrust: { kind: "trusted" }, didStart: true });
    expect(seenAtExec).toEqual(["CA-1"]);
    expect(readyProbeNow(pebble)).toContain("--cacert /etc/worker/ca.cert");
    expect(pebble.execJournal.map((record) => record.command)).toEqual([["update-ca-certificates", "--fresh"]]);
    expect(pebble.readText(CA_TRUST_PENDING_PATH)).toBeUndefined();
  });

  it("does not run it again while the CA stays the same", async () => {
    const pebble = new MemoryPebble();
    pebble.setExecHandler("update-ca-certificates", () => ({ exitCode: 0 }));
    await sync(pebble, desiredWithCa("a: 1\n", "CA-1"));
    await sync(pebble, desiredWithCa("a: 2\n", "CA-1"));
    expect(pebble.execJournal).toHaveLength(1);
    await sync(pebble, desiredWithCa("a: 2\n", "CA-2"));
    expect(pebble.execJournal).toHaveLength(2);
  });

  it("keeps the marker when the update fails, and clears it once it succeeds", async () => {
    const pebble = new MemoryPebble();
    await sync(pebble, desired("a: 1\n"));
    pebble.setExecHandler("update-ca-certificates", () => ({ exitCode: 1, stderr: "run-parts: /etc/ca-certificates/update.d exited with 1\n" }));
    const failed = await sync(pebble, desiredWithCa("a: 1\n", "CA-1"));
    expect(failed.caTrust).toEqual({ kind: "failed", reason: "update-ca-certificates failed (exit 1): run-parts: /etc/ca-certificates/update.d exited with 1" });
    expect(pebble.readText(CA_TRUST_PENDING_PATH)).toBeDefined();
    pebble.setExecHandler("update-ca-certificates", () => ({ exitCode: 0 }));
    const retried = await sync(pebble, desiredWithCa("a: 1\n", "CA-1"));
    expect(retried.caTrust).toEqual({ kind: "trusted" });
    expect(pebble.readText(CA_TRUST_PENDING_PATH)).toBeUndefined();
  });
});

describe("applyWorkloadActions when Tempo does not stay up", () => {
  it("reports Pebble's failed start instead of throwing, and leaves the retrying to Pebble", async () => {
    const pebble = new MemoryPebble();
    pebble.setWorkload("tempo", { exitAfterMs: 20, exitCode: 1 });
    const report = await sync(pebble, desired("a: 1\n"));
    expect(report).toEqual({
      caTrust: { kind: "not-needed" },
      didStart: true,
      startError: 'cannot perform the following tasks: - Start service "tempo" (service start attempt: exited quickly with code 1, will restart)',
    });
    expect(pebble.readText(RESTART_PENDING_PATH)).toBeUndefined();
    expect((await pebble.getServices(["tempo"]))[0]?.current).toBe("backoff");
  });

  it("keeps the restart marker when the restart change failed with the old process still running", async () => {
    class PebbleStopTimingOut extends MemoryPebble {
      override async restartServices(): Promise<void> {
        throw new PebbleChangeError("9", 'cannot perform the following tasks:\n- Restart service "tempo" (cannot stop service: timed out)');
      }
    }
    const pebble = new PebbleStopTimingOut();
    await sync(pebble, desired("a: 1\n"));
    const report = await sync(pebble, desired("a: 2\n"));
    expect(report.startError).toContain("cannot stop service: timed out");
    expect(pebble.readText(RESTART_PENDING_PATH)).toBeDefined();
  });

  it("does not start or restart a Tempo that Pebble is backing off on the next hook", async () => {
    const pebble = new MemoryPebble();
    pebble.setWorkload("tempo", { exitAfterMs: 20, exitCode: 1 });
    await sync(pebble, desired("a: 1\n"));
    const next = await sync(pebble, desired("a: 1\n"));
    expect(next.didStart).toBe(false);
    expect(pebble.journal.map((record) => record.action)).toEqual(["start"]);
  });
});

describe("runWorkloadCommand", () => {
  it("describes a timeout in one line", async () => {
    const pebble = new MemoryPebble();
    pebble.setExecHandler("update-ca-certificates", () => ({ exitCode: 0, durationMs: 600_000 }));
    expect(await runWorkloadCommand(pebble, ["update-ca-certificates", "--fresh"])).toEqual({
      kind: "failed",
      reason: 'update-ca-certificates failed: cannot perform the following tasks: - Execute command "update-ca-certificates" (timed out after 1m0s: context deadline exceeded)',
    });
  });

  it("names the exit code alone when the command printed nothing", async () => {
    const pebble = new MemoryPebble();
    pebble.setExecHandler("false", () => ({ exitCode: 1 }));
    expect(await runWorkloadCommand(pebble, ["false"])).toEqual({ kind: "failed", reason: "false failed (exit 1)" });
  });
});

describe("learnWorkloadVersion", () => {
  it("asks Tempo once and keeps the answer in the container", async () => {
    const pebble = new MemoryPebble();
    pebble.setExecHandler("/bin/tempo", () => ({ exitCode: 0, stdout: TEMPO_VERSION_OUTPUT }));
    expect(await learnWorkloadVersion(pebble)).toEqual({ kind: "known", version: "2.7.1", isNew: true });
    expect(await learnWorkloadVersion(pebble)).toEqual({ kind: "known", version: "2.7.1", isNew: false });
    expect(pebble.execJournal.map((record) => record.command)).toEqual([["/bin/tempo", "-version"]]);
    expect(pebble.readText(WORKLOAD_VERSION_PATH)).toBe("2.7.1\n");
  });

  it("says why when Tempo gives no version, and asks again next time", async () => {
    const pebble = new MemoryPebble();
    pebble.setExecHandler("/bin/tempo", () => ({ exitCode: 0, stdout: "flag provided but not defined\n" }));
    expect(await learnWorkloadVersion(pebble)).toEqual({ kind: "unknown", reason: "/bin/tempo -version printed no version: flag provided but not defined" });
    await learnWorkloadVersion(pebble);
    expect(pebble.execJournal).toHaveLength(2);
  });
});

describe("applyWorkloadActions", () => {
  it("reads back exactly what it wrote, so a second pass does nothing", async () => {
    const pebble = new MemoryPebble();
    await sync(pebble, desired("a: 1\n"));
    const observed = await observeWorkload(pebble, "tempo");
    expect(observed.files.get(CONFIG_PATH)).toEqual({ content: "a: 1\n", permissions: 0o600 });
    expect(observed.serviceState).toBe("active");
    expect(planWorkload(observed, desired("a: 1\n")).service).toBe("none");
  });

  it("leaves no restart marker behind after a successful restart", async () => {
    const pebble = new MemoryPebble();
    await sync(pebble, desired("a: 1\n"));
    await sync(pebble, desired("a: 2\n"));
    expect(pebble.readText(RESTART_PENDING_PATH)).toBeUndefined();
    expect(pebble.restartCount("tempo")).toBe(1);
  });

  it("restarts in the next hook when a restart failed after the new config was written", async () => {
    const pebble = new PebbleFailingNextRestart();
    await sync(pebble, desired("a: 1\n"));
    pebble.failNextRestart = true;
    await expect(sync(pebble, desired("a: 2\n"))).rejects.toThrow("timed out");
    expect(pebble.readText(CONFIG_PATH)).toBe("a: 2\n");
    expect(pebble.readText(RESTART_PENDING_PATH)).toBeDefined();
    await sync(pebble, desired("a: 2\n"));
    expect(pebble.restartCount("tempo")).toBe(1);
    expect(pebble.readText(RESTART_PENDING_PATH)).toBeUndefined();
  });

  it("stops Tempo before removing its files on teardown", async () => {
    const pebble = new MemoryPebble();
    await sync(pebble, { ...desired("a: 1\n"), files: [{ path: CONFIG_PATH, content: "a: 1\n", permissions: 0o600 }, { path: PRIVATE_KEY_PATH, content: "K", permissions: 0o600 }] });
    await sync(pebble, { kind: "stopped", serviceName: "tempo" });
    expect(pebble.journal.map((record) => record.action)).toEqual(["start", "stop"]);
    expect(pebble.readText(CONFIG_PATH)).toBeUndefined();
    expect(pebble.readText(PRIVATE_KEY_PATH)).toBeUndefined();
  });
});
