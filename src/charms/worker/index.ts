/** The tempo-worker charm's public surface: the charm itself and the names others refer to. */
export { createWorkerCharm, workerCharm } from "./charm.js";
export { CHARM_NAME, CLUSTER_ENDPOINT, CONTAINER_NAME, DEFAULT_IMAGE, TEMPO_VERSION, workerMeta } from "./meta.js";
export { LEGACY_WORKER_PORTS } from "./ports.js";
export { ROLE_OPTION_NAMES, selectRole, type RoleSelection } from "./role-config.js";
export { kubernetesUnitFqdn } from "./desired-state.js";
export { readyCheckUrl } from "./layer.js";
export { CA_CERT_PATH, CONFIG_PATH, MANAGED_PATHS, TRUSTED_CA_PATH } from "./workload-files.js";
