/**
 * The built coordinator charm, run the way Juju runs it: its `dispatch` under the fake Juju agent
 * (hook commands as processes on PATH, writes committed only on exit 0). There is no Pebble socket,
 * as before the nginx container is up: the coordinator must still publish and open its ports, and
 * wait for its front door in the status.
 */
import { spawnSync } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeRequirerDatabag } from "../../src/charms/coordinator/integrations/tls-certificates-databags.js";
import { COORDINATOR_META } from "../../src/charms/coordinator/meta.js";
import { encodeRequirerUnitData } from "../../src/interface/databag-codec.js";
import { requirerAppDatabag } from "../../src/interface/requirer.js";
import { runDispatch } from "../../src/testing/fake-juju/driver.js";
import { type FakeJujuStateInput, jujuUnitBag } from "../../src/testing/fake-juju/state.js";
import { validateTempoConfigText } from "../../src/tempo/validate.js";
import { bundleCharm } from "../helpers/bundle-charm.js";
import { realComponent } from "../helpers/real-component.js";
import { decodeValues, publishedValidators } from "../interface/published-schemas.js";

const WORKER_ADDRESS = "tempo-worker-0.tempo-worker-endpoints.cos.svc.cluster.local";

function coordinatorState(overrides: Partial<FakeJujuStateInput> = {}): FakeJujuStateInput {
  return {
    model: { name: "cos", uuid: "2f9a6c1e-7b3d-4e8a-9c5f-1d2e3f4a5b6c", type: "kubernetes" },
    unitName: "tempo-coordinator/0",
    leader: true,
    relations: [
      {
        endpoint: "tempo-cluster",
        id: 3,
        remoteApp: "tempo-worker",
        localUnitData: jujuUnitBag("10.1.0.10"),
        remoteAppData: requirerAppDatabag("all"),
        remoteUnitsData: {
          "tempo-worker/0": {
            ...jujuUnitBag("10.1.0.20"),
            ...encodeRequirerUnitData({
              juju_topology: { application: "tempo-worker", unit: "tempo-worker/0", charm_name: "tempo-worker" },
              address: WORKER_ADDRESS,
            }),
          },
        },
      },
      {
        endpoint: "s3",
        id: 4,
        remoteApp: "s3-integrator",
        localUnitData: jujuUnitBag("10.1.0.10"),
        remoteAppData: { "access-key": "key", "secret-key": "soverysecret", bucket: "tempo", endpoint: "http://1.2.3.4:9000" },
        remoteUnitsData: { "s3-integrator/0": jujuUnitBag("10.1.0.30") },
      },
      { endpoint: "peers", id: 1, remoteApp: "tempo-coordinator", isPeer: true, localUnitData: jujuUnitBag("10.1.0.10") },
    ],
    ...overrides,
  };
}

const JOINED = { kind: "relation", phase: "joined", relationId: 3, remoteUnit: "tempo-worker/0" } as const;

let charmDir: string;
/** The status with no Pebble socket for the nginx container, which the fake agent never provides. */
const NO_NGINX_YET = { status: "waiting", message: "waiting for the nginx container (front door): Pebble is not reachable yet" };

/** One leader hook, shared by the assertions about it (each dispatch spawns a dozen processes). */
let leaderJoined: ReturnType<typeof runDispatch>;
beforeAll(async () => {
  charmDir = await bundleCharm("src/charms/coordinator/main.ts", COORDINATOR_META);
  leaderJoined = runDispatch({ charmDir, state: coordinatorState(), event: JOINED });
}, 120_000);
afterAll(async () => {
  await rm(path.dirname(charmDir), { recursive: true, force: true });
});

describe("the built coordinator charm under the fake Juju agent", () => {
  it("publishes a schema-valid provider databag whose worker_config Tempo would accept", () => {
    const result = leaderJoined;
    expect(result.exitCode, result.stderr).toBe(0);
    const published = result.state.relations.find((relation) => relation.id === 3)?.localAppData ?? {};
    const decoded = decodeValues(published);
    const validate = publishedValidators().providerApp;
    expect(validate(decoded), JSON.stringify(validate.errors)).toBe(true);
    expect(validateTempoConfigText(decoded.worker_config as string, "2.7")).toEqual([]);
    expect(decoded.worker_config).toContain(`${WORKER_ADDRESS}:7946`);
  });

  it("waits for its nginx container without failing the hook, and opens the front-door ports", () => {
    const result = leaderJoined;
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.state.unitStatus).toEqual({
      status: "waiting",
      message: "waiting for the nginx container (front door): Pebble is not reachable yet",
    });
    expect(result.calls.filter((call) => call.command === "open-port").map((call) => call.args.join(" "))).toEqual([
      "3200/tcp",
      "4318/tcp",
      "9096/tcp",
    ]);
  });

  it("runs its first leader hook on a new application, whose status Juju prints as unset, and sets it", () => {
    const result = runDispatch({ charmDir, state: coordinatorState({ appStatus: { status: "unset", message: "" } }), event: JOINED });
    expect(result.exitCode, result.stderr).toBe(0);
    // Set to what the charm decided: waiting, since the fake agent gives it no Pebble for nginx.
    expect(result.state.appStatus).toEqual(NO_NGINX_YET);
  });

  it("runs its first hook after its pod restarted, while Juju shows the unit as terminated, and sets its status", () => {
    // Juju marks a Kubernetes unit whose pod stopped `terminated` ("unit stopped by the cloud"), and the
    // restarted pod's first hooks read that status back.
    const restarted = coordinatorState({ unitStatus: { status: "terminated", message: "unit stopped by the cloud" } });
    const result = runDispatch({ charmDir, state: restarted, event: { kind: "lifecycle", name: "upgrade-charm" } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.state.unitStatus).toEqual(NO_NGINX_YET);
  });

  it("runs relation-departed when Juju leaves JUJU_DEPARTING_UNIT out of the environment", () => {
    const departed = { kind: "relation", phase: "departed", relationId: 3, remoteUnit: "tempo-worker/0", departingUnit: "" } as const;
    const result = runDispatch({ charmDir, state: coordinatorState(), event: departed });
    expect(result.exitCode, result.stderr).toBe(0);
  });

  it("asks the s3 provider for its bucket and leaves its own unit bags alone", () => {
    const s3 = leaderJoined.state.relations.find((relation) => relation.id === 4);
    expect(s3?.localAppData).toEqual({ bucket: "tempo-coordinator" });
    expect(s3?.localUnitData).toEqual(jujuUnitBag("10.1.0.10"));
  });

  it("answers list-receivers through dispatch with the receivers at the coordinator's service", () => {
    const result = runDispatch({ charmDir, state: coordinatorState(), event: { kind: "action", name: "list-receivers" } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.state.action?.failure).toBeUndefined();
    expect(result.state.action?.results).toEqual({ "otlp-http": "http://tempo-coordinator.cos.svc.cluster.local:4318" });
  });

  it("as a non-leader, sets only its unit status and its peer FQDN, and writes no application data", () => {
    const result = runDispatch({ charmDir, state: coordinatorState({ leader: false, unitName: "tempo-coordinator/1" }), event: JOINED });
    expect(result.exitCode, result.stderr).toBe(0);
    const sets = result.calls.filter((call) => call.command === "relation-set");
    expect(sets.map((call) => call.args)).toEqual([["-r", "peers:1", "--file", "-"]]);
    expect(result.state.unitStatus.status).toBe("waiting");
  });
});

describe("the built coordinator charm with a certificates relation", () => {
  // Without openssl (outside CI) the CSR is still made and read back by the built charm; only the independent check is skipped.
  const openssl = realComponent("openssl");
  const CERTIFICATES = {
    endpoint: "certificates",
    id: 7,
    remoteApp: "self-signed-certificates",
    localUnitData: jujuUnitBag("10.1.0.10"),
    remoteUnitsData: { "self-signed-certificates/0": jujuUnitBag("10.1.0.40") },
  };
  const withCertificates = (): FakeJujuStateInput => {
    const state = coordinatorState();
    return { ...state, relations: [...(state.relations ?? []), CERTIFICATES] };
  };
  const csrIn = (result: ReturnType<typeof runDispatch>): string => {
    const bag = result.state.relations.find((relation) => relation.id === CERTIFICATES.id)?.localAppData ?? {};
    const decoded = decodeRequirerDatabag(bag);
    if (decoded.kind !== "valid" || decoded.data.length !== 1) throw new Error(`no single CSR in ${JSON.stringify(bag)}`);
    return decoded.data[0] as string;
  };

  it("carries node-forge's and ws's source only in their own files beside the bundle", async () => {
    const bundle = await readFile(path.join(charmDir, "charm.mjs"), "utf8");
    // esbuild names each bundled CommonJS module by its path under node_modules.
    expect(bundle).not.toContain("node_modules/node-forge/");
    expect(bundle).not.toContain("node_modules/ws/");
    expect(await readFile(path.join(charmDir, "lib", "node-forge.cjs"), "utf8")).toContain("node_modules/node-forge/lib/pki.js");
    expect(await readFile(path.join(charmDir, "lib", "ws.cjs"), "utf8")).toContain("node_modules/ws/lib/websocket.js");
  });

  it("asks for its certificate with a CSR that openssl verifies, and keeps it on the next hook", () => {
    const created = runDispatch({ charmDir, state: withCertificates(), event: { kind: "relation", phase: "created", relationId: CERTIFICATES.id } });
    expect(created.exitCode, created.stderr).toBe(0);
    const csr = csrIn(created);
    if (openssl.available) {
      const read = spawnSync(openssl.path, ["req", "-verify", "-noout", "-text"], { input: `${csr}\n`, encoding: "utf8" });
      expect(read.status, read.stderr).toBe(0);
      expect(read.stderr + read.stdout).toContain("verify OK");
      expect(read.stdout).toContain("Subject: CN = tempo-coordinator.cos.svc.cluster.local");
      expect(read.stdout).toContain("DNS:*.tempo-worker-endpoints.cos.svc.cluster.local");
    }
    // The next hook reads the CSR back with node-forge (any hook with the relation does) and keeps it:
    // it still asks for the same names with the same key.
    const changed = runDispatch({ charmDir, state: created.state, event: { kind: "relation", phase: "changed", relationId: CERTIFICATES.id, remoteUnit: "self-signed-certificates/0" } });
    expect(changed.exitCode, changed.stderr).toBe(0);
    expect(csrIn(changed)).toBe(csr);
  }, 60_000);
});
