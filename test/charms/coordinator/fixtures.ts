/**
 * Worker relations as a coordinator sees them, built from the worker side's own encoders so the
 * fixtures hold exactly the bytes a real worker writes.
 */
import { encodeRequirerUnitData } from "../../../src/interface/databag-codec.js";
import type { WorkerRelation } from "../../../src/interface/provider.js";
import { requirerAppDatabag } from "../../../src/interface/requirer.js";
import type { Role } from "../../../src/interface/roles.js";

export const MODEL = "cos";
export const MODEL_UUID = "2f9a6c1e-7b3d-4e8a-9c5f-1d2e3f4a5b6c";

export const S3_FIXTURE = {
  "access-key": "key",
  "secret-key": "soverysecret",
  bucket: "tempo",
  endpoint: "http://1.2.3.4:9000",
} as const;

/** The pod FQDN Juju gives unit `n` of `app` on Kubernetes. */
export function podFqdn(app: string, n: number): string {
  return `${app}-${n}.${app}-endpoints.${MODEL}.svc.cluster.local`;
}

export function workerUnitData(app: string, n: number): Record<string, string> {
  return encodeRequirerUnitData({
    juju_topology: { application: app, unit: `${app}/${n}`, charm_name: "tempo-worker", model: MODEL, model_uuid: MODEL_UUID },
    address: podFqdn(app, n),
  });
}

/** A unit databag with any address, even one our own encoder would refuse (as a foreign worker may write). */
export function workerUnitDataWithAddress(app: string, n: number, address: string): Record<string, string> {
  return { ...workerUnitData(app, n), address: JSON.stringify(address) };
}

/** A worker relation with `unitCount` units, each having published valid data. */
export function workerRelation(id: number, app: string, role: Role | Record<string, string>, unitCount: number): WorkerRelation {
  return {
    id,
    app,
    appData: typeof role === "string" ? requirerAppDatabag(role) : role,
    units: Array.from({ length: unitCount }, (_, n) => ({ name: `${app}/${n}`, data: workerUnitData(app, n) })),
  };
}

/** One application per required role, with three ingesters: the recommended distributed shape. */
export function distributedWorkers(): WorkerRelation[] {
  return [
    workerRelation(1, "tempo-compactor", "compactor", 1),
    workerRelation(2, "tempo-distributor", "distributor", 1),
    workerRelation(3, "tempo-ingester", "ingester", 3),
    workerRelation(4, "tempo-querier", "querier", 1),
    workerRelation(5, "tempo-query-frontend", "query-frontend", 1),
  ];
}

/** The cluster DNS the kubelet writes into the pod's resolv.conf. */
export const CLUSTER_DNS = "10.152.183.10";

/**
 * The coordinator's `nginx` container, reachable, as the image and the kubelet leave it: the pod's
 * resolv.conf, and `nginx -s reload` answering as nginx does when it signalled the master (silence, exit 0).
 */
export function nginxContainer(overrides: Record<string, unknown> = {}) {
  return {
    name: "nginx",
    files: [{ path: "/etc/resolv.conf", content: `search cos.svc.cluster.local svc.cluster.local cluster.local\nnameserver ${CLUSTER_DNS}\n` }],
    execs: [{ command: ["nginx", "-s", "reload"] }],
    ...overrides,
  };
}
