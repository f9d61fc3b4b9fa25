/**
 * A worker given a renewed certificate (same key and CA, a new `server_cert`) takes it in with a
 * Tempo restart, and that restart waits for its turn in the application's rollout: Tempo's
 * internal TLS clients load their certificate once at start, so the file alone is not enough.
 */
import { describe, expect, it } from "vitest";
import { workerCharm } from "../../../src/charms/worker/charm.js";
import { GENERATION_KEY, READY_KEY, rolloutGeneration } from "../../../src/charms/worker/rollout.js";
import { SERVER_CERT_PATH } from "../../../src/charms/worker/workload-files.js";
import { on, peerRelation, run, secret, type State, type StateInput } from "../../../src/testing/index.js";
import { KEY_SECRET_ID, clusterRelation, fileOf, providerBag, serviceActions, tempoConfig, tempoContainer } from "./worker-scenario.js";

const PEERS_ID = 8;
const tlsData = (serverCert: string) =>
  providerBag({ worker_config: tempoConfig({ isTlsEnabled: true }), ca_cert: "CA-PEM", server_cert: serverCert, privkey_secret_id: KEY_SECRET_ID });

/** Unit 1 of a two-unit worker application, unit 0's peer bag as given. */
function secondUnit(coordinatorBag: Record<string, string>, peerBag: Record<string, string>): StateInput {
  return {
    unitId: 1,
    relations: [clusterRelation(coordinatorBag), peerRelation({ id: PEERS_ID, endpoint: "peers", peersData: { "0": peerBag } })],
    containers: [tempoContainer()],
    secrets: [secret({ id: KEY_SECRET_ID, trackedContent: { "private-key": "KEY" } })],
  };
}

function withBags(state: State, coordinatorBag: Record<string, string>, peerBag: Record<string, string>): State {
  return {
    ...state,
    relations: state.relations.map((relation) =>
      relation.kind === "peer" ? { ...relation, peersData: { "0": peerBag } } : { ...relation, remoteAppData: coordinatorBag },
    ),
  };
}

describe("a worker given a renewed certificate", () => {
  it("keeps serving the old one while another unit of its application is restarting, then restarts with the new one", async () => {
    const { state: running } = await run(workerCharm, on.relationChanged({ id: 7 }), secondUnit(tlsData("CERT-1"), {}));
    expect(serviceActions(running)).toEqual(["start"]);

    const renewed = tlsData("CERT-2");
    const busyPeer = { [GENERATION_KEY]: rolloutGeneration(renewed, "all"), [READY_KEY]: "false" };
    const { state: waiting } = await run(workerCharm, on.relationChanged({ id: 7 }), withBags(running, renewed, busyPeer));
    expect(serviceActions(waiting)).toEqual(["start"]);
    expect(fileOf(waiting, SERVER_CERT_PATH)?.content).toBe("CERT-1");
    expect(waiting.unitStatus).toEqual({ status: "waiting", message: "rollout: waiting for tempo-worker/0 to be ready" });

    const readyPeer = { ...busyPeer, [READY_KEY]: "true" };
    const { state: turned } = await run(workerCharm, on.relationChanged({ id: PEERS_ID }, { remoteUnit: 0 }), withBags(waiting, renewed, readyPeer));
    expect(serviceActions(turned)).toEqual(["start", "restart"]);
    expect(fileOf(turned, SERVER_CERT_PATH)?.content).toBe("CERT-2");
  });
});
