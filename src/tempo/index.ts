/** The Tempo knowledge the charms use: build, render and validate the worker config. */
export { buildTempoConfig, ingesterUnitCount, memberlistJoinMembers, type BuildResult } from "./builder.js";
export { INGESTER_TOKENS_PATH, LOCAL_TRACES_PATH, METRICS_GENERATOR_WAL_PATH, WAL_PATH } from "./builder.js";
export type { TempoConfig } from "./config-model.js";
export { headlessServiceOf, queryFrontendAddress } from "./frontend-address.js";
export { isKeySetVersion, KEY_SET_VERSIONS, targetsFor, type KeySetVersion } from "./key-sets.js";
export { GRPC_PORT, HTTP_PORT, MEMBERLIST_PORT, RECEIVER_PORTS, RECEIVER_PROTOCOLS, type ReceiverProtocol } from "../interface/ports.js";
export { renderTempoConfig } from "./render.js";
export {
  DEFAULT_TLS_PATHS,
  S3_CA_PATH,
  TEMPO_VERSIONS,
  TempoSettings,
  TempoVersion,
  type TempoSettingsInput,
} from "./settings.js";
export { tempoTargetForRole } from "./targets.js";
export { validatePerTenantOverrides, validateTempoConfig, validateTempoConfigText, type ConfigProblem } from "./validate.js";
