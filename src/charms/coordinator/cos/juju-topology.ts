/**
 * The Juju topology COS keys everything on (cos-lib's `JujuTopology`): scrape targets, alert rules,
 * dashboards and probes carry it as `juju_*` labels, and the relation bags as `scrape_metadata` /
 * `metadata`. Here as plain data so every COS module labels the same way.
 */
import type { WorkerApplication } from "../../../interface/cluster-view.js";

export interface CosTopology {
  readonly model: string;
  readonly modelUuid: string;
  readonly application: string;
  readonly charmName?: string;
  readonly unit?: string;
}

/**
 * `juju_model`, `juju_model_uuid`, `juju_application` and, when known, `juju_charm` — never
 * `juju_unit`: cos-lib leaves the unit out of rule matchers so a rule covers every unit of the
 * application (JujuTopology.label_matcher_dict).
 */
export function applicationLabels(topology: CosTopology): Record<string, string> {
  return {
    ...(topology.charmName ? { juju_charm: topology.charmName } : {}),
    juju_application: topology.application,
    juju_model: topology.model,
    juju_model_uuid: topology.modelUuid,
  };
}

/** Every `juju_*` label, the unit included (what a scrape target is labelled with). */
export function unitLabels(topology: CosTopology): Record<string, string> {
  return { ...applicationLabels(topology), ...(topology.unit ? { juju_unit: topology.unit } : {}) };
}

/** The PromQL/LogQL matchers for an application, without braces: `juju_application="tempo-worker",…`. */
export function applicationMatchers(topology: CosTopology): string {
  const { juju_charm: _charm, ...labels } = applicationLabels(topology);
  return Object.entries(labels)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(",");
}

/** cos-lib's `JujuTopology.identifier`: model, the UUID's first 8 characters, application. */
export function topologyIdentifier(topology: CosTopology): string {
  return [topology.model, topology.modelUuid.slice(0, 8), topology.application].join("_").replaceAll("/", "_");
}

/** cos-lib's `JujuTopology.as_dict()`, the shape of `scrape_metadata` and Loki's `metadata`. */
export function topologyMetadata(topology: CosTopology): Record<string, string | null> {
  return {
    application: topology.application,
    charm_name: topology.charmName ?? null,
    model: topology.model,
    model_uuid: topology.modelUuid,
    unit: topology.unit ?? null,
  };
}

export interface CoordinatorIdentity {
  readonly model: string;
  readonly modelUuid: string;
}

/**
 * A worker application's topology: model and UUID as its units published them (the coordinator's
 * when a unit left them out), the charm name from its first unit that gave one.
 */
export function workerApplicationTopology(app: WorkerApplication, coordinator: CoordinatorIdentity): CosTopology {
  const published = app.units.find((unit) => unit.topology.model && unit.topology.model_uuid)?.topology;
  const charmName = app.units.find((unit) => unit.topology.charm_name)?.topology.charm_name ?? undefined;
  return {
    model: published?.model ?? coordinator.model,
    modelUuid: published?.model_uuid ?? coordinator.modelUuid,
    application: app.application,
    ...(charmName ? { charmName } : {}),
  };
}
