/**
 * A minimal `prometheus_remote_write` v0 provider for the simulator, standing in for Prometheus
 * (or Mimir) so that a simulated cluster's metrics-generator has somewhere to write. Every unit
 * puts `remote_write = {"url": "http://<its address>:9090/api/v1/write"}` in its own unit bag on
 * each relation, as the interface asks of every provider unit able to receive writes
 * (neighbour-interfaces/prometheus_remote_write-v0). It reads nothing back: alert rules from the
 * requirer are a real Prometheus's business.
 */
import type { Charm } from "../../juju/charm.js";
import type { CharmMeta } from "../../juju/charm-meta.js";
import type { Model } from "../../juju/model.js";

export const REMOTE_WRITE_ENDPOINT = "receive-remote-write";
export const REMOTE_WRITE_PORT = 9090;

export const REMOTE_WRITE_META: CharmMeta = {
  name: "remote-write-receiver",
  summary: "Accepts Prometheus remote writes (simulator stand-in for Prometheus).",
  description: "Publishes a remote-write URL per unit over prometheus_remote_write.",
  provides: { [REMOTE_WRITE_ENDPOINT]: { interface: "prometheus_remote_write" } },
};

/** The unit bag value for a unit reachable at `address`. */
export function remoteWriteUnitData(address: string): { remote_write: string } {
  return { remote_write: JSON.stringify({ url: `http://${address}:${REMOTE_WRITE_PORT}/api/v1/write` }) };
}

async function reconcile(model: Model): Promise<void> {
  for (const relation of model.relations(REMOTE_WRITE_ENDPOINT)) {
    if (!relation.isActive) continue;
    const address = model.network(REMOTE_WRITE_ENDPOINT, relation.ref).ingressAddresses[0];
    if (address !== undefined) relation.localUnitData().update(remoteWriteUnitData(address));
  }
  model.setUnitStatus({ status: "active", message: "" });
}

export const remoteWriteReceiverCharm: Charm = { meta: REMOTE_WRITE_META, reconcile };
