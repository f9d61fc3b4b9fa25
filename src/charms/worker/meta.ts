/**
 * What `tempo-worker` is to Juju: the `tempo-cluster` requirer endpoint, the `tempo` workload
 * container, its image and storage, and the role options. Option names and defaults are the Python
 * worker's (python-reference §4.1), so operators and bundles carry over unchanged.
 */
import { type CharmMeta, type ConfigOptionMeta, JUJU_VERSION_ASSUMPTION } from "../../juju/charm-meta.js";
import { ROLES, type Role } from "../../interface/roles.js";
import type { KeySetVersion } from "../../tempo/key-sets.js";
import { ROLE_OPTION_NAMES } from "./role-config.js";
import { PEERS_ENDPOINT } from "./rollout.js";

export const CHARM_NAME = "tempo-worker";
export const CLUSTER_ENDPOINT = "tempo-cluster";
export const CONTAINER_NAME = "tempo";
export const IMAGE_RESOURCE = "tempo-image";
/** The image the Python worker deploys by default (its charmcraft.yaml `upstream-source`). */
export const DEFAULT_IMAGE = "ghcr.io/canonical/oci-factory/tempo:2.7.1-24.04_5";
/** The Tempo release in DEFAULT_IMAGE (2.7.1): the strict validator checks coordinator configs against its key list. */
export const TEMPO_VERSION: KeySetVersion = "2.7";

function roleOption(role: Role): ConfigOptionMeta {
  const isDefault = role === "all";
  const what = isDefault
    ? "Run every Tempo component in one process (Tempo's scalable-single-binary target). The default."
    : `Run this application as the Tempo ${role}.`;
  return {
    type: "boolean",
    default: isDefault,
    description:
      `${what} Exactly one role-* option may be true: to change role, set the old one to false ` +
      `in the same command, e.g. juju config ${CHARM_NAME} role-all=false role-${role === "all" ? "querier" : role}=true. ` +
      "A cluster needs querier, query-frontend, ingester, distributor and compactor covered by some worker; metrics-generator is optional.",
  };
}

export const workerMeta: CharmMeta = {
  name: CHARM_NAME,
  summary: "Grafana Tempo worker: runs one Tempo role of a cluster led by a tempo coordinator.",
  description:
    "Runs Grafana Tempo in the tempo container with the role chosen by its role-* options and the " +
    "configuration a tempo coordinator shares over the tempo-cluster relation (interface tempo_cluster/v1).",
  assumes: ["k8s-api", JUJU_VERSION_ASSUMPTION],
  containers: {
    [CONTAINER_NAME]: {
      resource: IMAGE_RESOURCE,
      mounts: [{ storage: "data", location: "/data" }],
    },
  },
  resources: {
    [IMAGE_RESOURCE]: {
      type: "oci-image",
      description: "OCI image of Grafana Tempo",
      "upstream-source": DEFAULT_IMAGE,
    },
  },
  storage: {
    data: { type: "filesystem", description: "Tempo's working data (WAL, blocks in flight)" },
  },
  requires: {
    [CLUSTER_ENDPOINT]: {
      interface: "tempo_cluster",
      limit: 1,
      optional: false,
      description: "The tempo coordinator that hands this worker its Tempo configuration.",
    },
  },
  peers: {
    // Rolling restarts (rollout.ts): each unit says which generation it runs and whether it is ready.
    [PEERS_ENDPOINT]: { interface: "tempo_worker_peers" },
  },
  config: {
    options: Object.fromEntries(ROLES.map((role, index) => [ROLE_OPTION_NAMES[index] as string, roleOption(role)])),
  },
};
