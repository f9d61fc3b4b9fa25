/** The coordinator charm's public surface: what the simulator, the CLI and the build import. */
export { COORDINATOR_INTEGRATIONS, coordinatorCharm, createCoordinatorCharm, gatherInputs } from "./charm.js";
export {
  ALWAYS_ENABLE_OPTIONS,
  CONFIG_DEFAULTS,
  type ConfigProblem,
  type ConfigResult,
  type CoordinatorSettings,
  parseCoordinatorConfig,
} from "./config-options.js";
export {
  type CoordinatorIdentity,
  type CoordinatorInputs,
  type DesiredState,
  type Publication,
  clusterLabel,
  desiredState,
  enabledReceivers,
} from "./desired-state.js";
export {
  type CoordinatorIntegration,
  type CoordinatorOutcome,
  type IntegrationInputs,
  NO_INTEGRATIONS,
  type TlsMaterial,
  combineIntegrationInputs,
} from "./integrations.js";
export { COORDINATOR_META, ENDPOINTS } from "./meta.js";
export { type S3Connection, parseS3ProviderData, s3BucketRequest } from "./s3.js";
export { type ClusterSummary, type Problem, type Severity, decideStatus } from "./status.js";
export { type S3RelationSnapshot, type StorageDecision, decideStorage, isSingleAllNode } from "./storage.js";
