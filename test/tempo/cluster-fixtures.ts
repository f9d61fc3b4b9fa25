/** Small builders for `ClusterView` fixtures, as the interface parser would produce them. */
import type { ClusterView, WorkerApplication, WorkerUnit } from "../../src/interface/cluster-view.js";
import type { Role } from "../../src/interface/roles.js";
import { TempoSettings, type TempoSettingsInput } from "../../src/tempo/settings.js";

export const MODEL = "cos";

/** A Kubernetes pod FQDN as Juju gives it: `<app>-<n>.<app>-endpoints.<model>.svc.cluster.local`. */
export function podFqdn(application: string, index: number, model = MODEL): string {
  return `${application}-${index}.${application}-endpoints.${model}.svc.cluster.local`;
}

export function workerUnit(application: string, index: number, address = podFqdn(application, index)): WorkerUnit {
  const name = `${application}/${index}`;
  return { name, address, topology: { application, unit: name, charm_name: "tempo-worker-k8s", model: MODEL } };
}

export function workerApp(
  application: string,
  role: Role,
  unitCount: number,
  options: { relationId?: number; address?: (index: number) => string } = {},
): WorkerApplication {
  const units = Array.from({ length: unitCount }, (_, index) =>
    workerUnit(application, index, options.address ? options.address(index) : podFqdn(application, index)),
  ).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { relationId: options.relationId ?? 1, application, role, units };
}

export function clusterOf(...applications: WorkerApplication[]): ClusterView {
  return {
    applications: [...applications].sort((a, b) => (a.application < b.application ? -1 : a.application > b.application ? 1 : 0)),
    rejected: [],
  };
}

/** One unit of every role, `ingesters` ingester units, pod FQDN addresses (python-reference §3.2 shape). */
export function distributedCluster(ingesters = 3): ClusterView {
  return clusterOf(
    workerApp("tempo-compactor", "compactor", 1, { relationId: 1 }),
    workerApp("tempo-distributor", "distributor", 1, { relationId: 2 }),
    workerApp("tempo-ingester", "ingester", ingesters, { relationId: 3 }),
    workerApp("tempo-metrics-generator", "metrics-generator", 1, { relationId: 4 }),
    workerApp("tempo-querier", "querier", 1, { relationId: 5 }),
    workerApp("tempo-query-frontend", "query-frontend", 1, { relationId: 6 }),
  );
}

export const S3_MINIO = {
  kind: "s3",
  endpoint: "http://minio.minio.svc.cluster.local:9000",
  bucket: "tempo",
  accessKey: "AK",
  secretKey: "SK",
} as const;

export function settingsWith(overrides: Partial<TempoSettingsInput> = {}): TempoSettings {
  return TempoSettings.parse({
    storage: S3_MINIO,
    clusterLabel: "2f1a7c3e-5b7d-4c1e-9a0f-0123456789ab-tempo",
    modelName: MODEL,
    ...overrides,
  });
}
