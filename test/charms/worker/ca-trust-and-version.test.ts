import { describe, expect, it } from "vitest";
import { workerCharm } from "../../../src/charms/worker/charm.js";
import { readyCheckUrl } from "../../../src/charms/worker/layer.js";
import { CA_TRUST_PENDING_PATH, TRUSTED_CA_PATH } from "../../../src/charms/worker/workload-files.js";
import { on, run, secret, type State, type StateInput } from "../../../src/testing/index.js";
import {
  KEY_SECRET_ID,
  TEMPO_IMAGE_EXECS,
  clusterRelation,
  execsRun,
  fileOf,
  providerBag,
  serviceActions,
  tempoConfig,
  tempoContainer,
  tempoState,
  withExecs,
  withProviderData,
  afterSeconds,
} from "./worker-scenario.js";

const FQDN = "tempo-worker-0.tempo-worker-endpoints.test-model.svc.cluster.local";
const UPDATE_CA = "update-ca-certificates --fresh";
const keySecret = secret({ id: KEY_SECRET_ID, trackedContent: { "private-key": "KEY-1" } });

function tlsData(ca: string): Record<string, string> {
  return providerBag({ worker_config: tempoConfig({ isTlsEnabled: true }), ca_cert: ca, server_cert: "CERT-PEM", privkey_secret_id: KEY_SECRET_ID });
}

/** A leader worker running Tempo on plain HTTP, with the Tempo image's commands. */
async function runningWithoutTls(extra: Partial<StateInput> = {}): Promise<State> {
  const state: StateInput = {
    leader: true,
    relations: [clusterRelation(providerBag({ worker_config: tempoConfig() }))],
    containers: [tempoContainer()],
    secrets: [keySecret],
    ...extra,
  };
  return changed(state);
}

async function changed(state: StateInput | State): Promise<State> {
  return (await run(workerCharm, on.relationChanged({ id: 7 }), state)).state;
}

function readyUrl(state: State): string | undefined {
  return readyCheckUrl(tempoState(state).layers.find((entry) => entry.label === "tempo")?.layer.checks?.["ready"]);
}

describe("tempo-worker and the coordinator's CA", () => {
  it("trusts the CA with update-ca-certificates when TLS arrives and moves the ready check to HTTPS", async () => {
    const before = await runningWithoutTls();
    const after = await changed(withProviderData(before, tlsData("CA-1")));
    expect(fileOf(after, TRUSTED_CA_PATH)?.content).toBe("CA-1");
    expect(execsRun(after).filter((command) => command === UPDATE_CA)).toHaveLength(1);
    expect(readyUrl(after)).toBe(`https://${FQDN}:3200/ready`);
    expect(fileOf(after, CA_TRUST_PENDING_PATH)).toBeUndefined();
    const { state: later } = await run(workerCharm, on.updateStatus(), afterSeconds(after, 5).state);
    expect(later.unitStatus.status).toBe("active");
  });

  it("does not run update-ca-certificates again on the next hook with the same CA", async () => {
    const trusted = await changed(withProviderData(await runningWithoutTls(), tlsData("CA-1")));
    const again = await changed(trusted);
    expect(execsRun(again).filter((command) => command === UPDATE_CA)).toHaveLength(1);
  });

  it("runs it again when the coordinator's CA changes", async () => {
    const trusted = await changed(withProviderData(await runningWithoutTls(), tlsData("CA-1")));
    const rotated = await changed(withProviderData(trusted, tlsData("CA-2")));
    expect(execsRun(rotated).filter((command) => command === UPDATE_CA)).toHaveLength(2);
  });

  it("blocks naming the failed update and keeps Tempo running, its ready check reading the CA file itself", async () => {
    const failing = [{ command: ["update-ca-certificates"], exitCode: 1, stderr: "cannot open /etc/ssl/certs: read-only file system\n" }, ...TEMPO_IMAGE_EXECS.slice(1)];
    const before = withExecs(await runningWithoutTls(), failing);
    const after = await changed(withProviderData(before, tlsData("CA-1")));
    expect(after.unitStatus).toEqual({
      status: "blocked",
      message:
        "cannot trust the coordinator's CA: update-ca-certificates failed (exit 1): cannot open /etc/ssl/certs: read-only file system; " +
        "the container's system trust store lacks it until it does (retried every hook)",
    });
    expect(serviceActions(after)).toEqual(["start", "restart"]);
    expect(readyUrl(after)).toBe(`https://${FQDN}:3200/ready`);
    expect(fileOf(after, CA_TRUST_PENDING_PATH)).toBeDefined();
  });

  it("blocks naming the missing command when the image has no update-ca-certificates", async () => {
    const before = withExecs(await runningWithoutTls(), TEMPO_IMAGE_EXECS.slice(1));
    const after = await changed(withProviderData(before, tlsData("CA-1")));
    expect(after.unitStatus.status).toBe("blocked");
    expect(after.unitStatus.message).toContain(`update-ca-certificates failed: cannot find executable "update-ca-certificates"`);
  });

  it("retries on the next hook after a failed update and goes active once it succeeds", async () => {
    const failing = [{ command: ["update-ca-certificates"], exitCode: 1 }, ...TEMPO_IMAGE_EXECS.slice(1)];
    const blocked = await changed(withProviderData(withExecs(await runningWithoutTls(), failing), tlsData("CA-1")));
    const { state: fixed } = await run(workerCharm, on.updateStatus(), afterSeconds(withExecs(blocked, TEMPO_IMAGE_EXECS), 5).state);
    expect(execsRun(fixed).filter((command) => command === UPDATE_CA)).toHaveLength(2);
    expect(fileOf(fixed, CA_TRUST_PENDING_PATH)).toBeUndefined();
    expect(readyUrl(fixed)).toBe(`https://${FQDN}:3200/ready`);
    expect(fixed.unitStatus.status).toBe("active");
  });
});

describe("tempo-worker's workload version", () => {
  it("sets the workload version from /bin/tempo -version on pebble-ready", async () => {
    const { state } = await run(workerCharm, on.pebbleReady("tempo"), { leader: true, containers: [tempoContainer()] });
    expect(state.workloadVersion).toBe("2.7.1");
    expect(execsRun(state)).toEqual(["/bin/tempo -version"]);
  });

  it("does not ask Tempo again while the container keeps the answer", async () => {
    const { state: first } = await run(workerCharm, on.pebbleReady("tempo"), { leader: true, containers: [tempoContainer()] });
    const { state: second, workloadVersionHistory } = await run(workerCharm, on.updateStatus(), first);
    expect(execsRun(second)).toEqual(["/bin/tempo -version"]);
    expect(workloadVersionHistory).toEqual([]);
    expect(second.workloadVersion).toBe("2.7.1");
  });

  it("logs why and carries on when Tempo cannot say its version", async () => {
    const { state, logs } = await run(workerCharm, on.pebbleReady("tempo"), { leader: true, containers: [tempoContainer({ execs: [] })] });
    expect(state.workloadVersion).toBe("");
    expect(logs).toContainEqual({ level: "WARNING", message: 'cannot tell the workload version: /bin/tempo failed: cannot find executable "/bin/tempo"' });
  });
});
