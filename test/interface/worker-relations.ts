/** Builders for the provider's view of worker relations, as the tests describe them. */
import type { WorkerRelation } from "../../src/interface/provider.js";

/** A databag value as Juju stores it: JSON-encoded. */
export const json = (value: unknown): string => JSON.stringify(value);

export function podFqdn(app: string, n: number, model = "cos"): string {
  return `${app}-${n}.${app}-endpoints.${model}.svc.cluster.local`;
}

/** A unit databag as a well-behaved worker writes it, with optional overrides of the decoded values. */
export function unitData(app: string, n: number, overrides: { address?: unknown; juju_topology?: unknown } = {}): Record<string, string> {
  return {
    juju_topology: json(overrides.juju_topology ?? { application: app, unit: `${app}/${n}`, charm_name: "tempo-worker-k8s" }),
    address: json(overrides.address ?? podFqdn(app, n)),
    // Juju's own keys are always there; the interface must ignore them.
    "ingress-address": "10.1.2.3",
    "private-address": "10.1.2.3",
    "egress-subnets": "10.1.2.3/32",
  };
}

/** A worker relation whose role and units are all valid unless the caller passes raw databags. */
export function workerRelation(
  id: number,
  app: string,
  role: string | undefined,
  unitCount: number,
  units?: WorkerRelation["units"],
): WorkerRelation {
  return {
    id,
    app,
    appData: role === undefined ? {} : { role: json(role) },
    units: units ?? Array.from({ length: unitCount }, (_, n) => ({ name: `${app}/${n}`, data: unitData(app, n) })),
  };
}
