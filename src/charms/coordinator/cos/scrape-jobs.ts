/**
 * The Prometheus scrape jobs the coordinator hands out on `metrics-endpoint` (interface
 * `prometheus_scrape`): one per worker unit, on Tempo's HTTP port, and one per coordinator unit's
 * nginx exporter. Targets are fully qualified, so Prometheus's `MetricsEndpointConsumer` keeps our
 * `static_configs[].labels` (it only fills in topology labels a target lacks: prometheus_scrape
 * `expand_wildcard_targets_into_individual_jobs`), and each series is labelled with the unit that
 * produced it rather than with the coordinator.
 */
import { formatHostPort } from "../../../interface/address.js";
import type { WorkerApplication } from "../../../interface/cluster-view.js";
import { HTTP_PORT } from "../../../interface/ports.js";
import { kubernetesUnitFqdn } from "../../../juju/kubernetes-names.js";
import { type CoordinatorIdentity, type CosTopology, unitLabels, workerApplicationTopology } from "./juju-topology.js";
import { NGINX_EXPORTER_PORT } from "./nginx-exporter.js";

export interface ScrapeJob {
  readonly job_name: string;
  readonly metrics_path: string;
  readonly scheme: "http" | "https";
  readonly static_configs: readonly { readonly targets: readonly string[]; readonly labels: Readonly<Record<string, string>> }[];
}

export interface ScrapeJobInputs {
  readonly workers: readonly WorkerApplication[];
  readonly coordinator: CoordinatorIdentity & { readonly application: string; readonly charmName: string };
  /** Every coordinator unit (this one and its peers). */
  readonly coordinatorUnits: readonly string[];
  /** The Kubernetes cluster domain the coordinator's pods are named in; `cluster.local` if absent. */
  readonly clusterDomain?: string;
  /** Internal TLS is on: Tempo then serves HTTPS on :3200. */
  readonly isTls: boolean;
}

/** Job names are unique per unit; the consumer prefixes them with our topology. */
function jobName(kind: string, unit: string): string {
  return `${kind}_${unit.replace("/", "_")}`;
}

export function scrapeJobs(inputs: ScrapeJobInputs): ScrapeJob[] {
  const jobs: ScrapeJob[] = [];
  for (const app of inputs.workers) {
    const topology = workerApplicationTopology(app, inputs.coordinator);
    for (const unit of app.units) {
      jobs.push({
        job_name: jobName("tempo", unit.name),
        metrics_path: "/metrics",
        // Without a tls_config: Prometheus trusts the CA through the certificates it is related to,
        // as with the Python coordinator's jobs.
        scheme: inputs.isTls ? "https" : "http",
        static_configs: [
          { targets: [formatHostPort(unit.address, HTTP_PORT)], labels: unitLabels({ ...topology, unit: unit.name }) },
        ],
      });
    }
  }
  const coordinator: CosTopology = {
    model: inputs.coordinator.model,
    modelUuid: inputs.coordinator.modelUuid,
    application: inputs.coordinator.application,
    charmName: inputs.coordinator.charmName,
  };
  for (const unit of inputs.coordinatorUnits) {
    jobs.push({
      job_name: jobName("nginx", unit),
      metrics_path: "/metrics",
      // The exporter serves plain HTTP whatever the cluster's TLS: it has no certificate of its own.
      scheme: "http",
      static_configs: [
        {
          targets: [`${kubernetesUnitFqdn(unit, inputs.coordinator.model, inputs.clusterDomain)}:${NGINX_EXPORTER_PORT}`],
          labels: unitLabels({ ...coordinator, unit }),
        },
      ],
    });
  }
  return jobs;
}
