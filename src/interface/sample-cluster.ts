/**
 * A small, realistic distributed Tempo cluster as the coordinator sees it over `tempo-cluster`: one
 * worker application per required role, three ingesters and a metrics-generator, with the Kubernetes
 * FQDNs workers publish. Used by `npm start` until the simulator's demo exists, and by tests.
 */
import type { WorkerRelationsView } from "./provider.js";
import { requirerAppDatabag, requirerUnitDatabag } from "./requirer.js";
import type { Role } from "./roles.js";

export const SAMPLE_MODEL = "cos";
export const SAMPLE_MODEL_UUID = "7d3c1f4e-2b9a-4c6d-8e5f-0a1b2c3d4e5f";

const SAMPLE_WORKERS: ReadonlyArray<{ app: string; role: Role; units: number }> = [
  { app: "tempo-compactor", role: "compactor", units: 1 },
  { app: "tempo-distributor", role: "distributor", units: 1 },
  { app: "tempo-ingester", role: "ingester", units: 3 },
  { app: "tempo-metrics-generator", role: "metrics-generator", units: 1 },
  { app: "tempo-querier", role: "querier", units: 1 },
  { app: "tempo-query-frontend", role: "query-frontend", units: 1 },
];

/** Build the relations view; pass `model` to place the cluster in another Kubernetes namespace. */
export function sampleCluster(model: string = SAMPLE_MODEL): WorkerRelationsView {
  return {
    relations: SAMPLE_WORKERS.map(({ app, role, units }, index) => ({
      id: index + 1,
      app,
      appData: requirerAppDatabag(role),
      units: Array.from({ length: units }, (_, n) => {
        const published = requirerUnitDatabag({
          topology: { model, model_uuid: SAMPLE_MODEL_UUID, application: app, unit: `${app}/${n}`, charm_name: "tempo-worker-k8s" },
          address: `${app}-${n}.${app}-endpoints.${model}.svc.cluster.local`,
        });
        // The sample is fixed data: a failure here is a bug in this file, not bad input.
        if (published.kind === "invalid") throw new Error(`sample unit ${app}/${n}: ${published.reasons.join("; ")}`);
        return { name: `${app}/${n}`, data: published.data };
      }),
    })),
  };
}
