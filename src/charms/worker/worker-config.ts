/**
 * The Tempo config file a worker writes, from the coordinator's `worker_config`.
 *
 * The coordinator's text is written byte for byte whenever the worker has nothing to add: Tempo
 * reads YAML 1.1, and a parse/re-emit round trip through a YAML 1.2 parser could change what a
 * plain scalar means. The one addition (python-reference §3, worker-side mutation): a worker that
 * runs the metrics-generator labels the metrics it remote-writes with its Juju topology, so the
 * series can be told apart per unit; that copy is re-rendered with Tempo's one emitter.
 */
import type { Role } from "../../interface/roles.js";
import { renderTempoConfig } from "../../tempo/render.js";
import type { WorkloadIdentity } from "./layer.js";

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export interface ProviderWorkerConfig {
  readonly text: string;
  readonly mapping: Readonly<Record<string, unknown>>;
}

export function runsMetricsGenerator(role: Role): boolean {
  return role === "all" || role === "metrics-generator";
}

/** The topology labels Tempo adds to every series it remote-writes (`metrics_generator.registry.external_labels`). */
export function topologyExternalLabels(identity: WorkloadIdentity): Record<string, string> {
  return {
    juju_application: identity.application,
    juju_charm_name: identity.charmName,
    juju_model: identity.model,
    juju_model_uuid: identity.modelUuid,
    juju_unit: identity.unit,
  };
}

/** The text to write to the config file for this role and unit. */
export function workerConfigText(config: ProviderWorkerConfig, role: Role, identity: WorkloadIdentity): string {
  const generator = config.mapping.metrics_generator;
  if (!runsMetricsGenerator(role) || !isMapping(generator)) return config.text;
  const registry = isMapping(generator.registry) ? generator.registry : {};
  const existingLabels = isMapping(registry.external_labels) ? registry.external_labels : {};
  const labelled = {
    ...config.mapping,
    metrics_generator: {
      ...generator,
      registry: { ...registry, external_labels: { ...existingLabels, ...topologyExternalLabels(identity) } },
    },
  };
  return renderTempoConfig(labelled);
}
