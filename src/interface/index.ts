/** tempo_cluster/v1: the public API of the interface library. */
export { formatHostPort, normaliseAddress, type HostKind, type NormalisedAddress } from "./address.js";
export type { ClusterView, Rejection, WorkerApplication, WorkerTopology, WorkerUnit } from "./cluster-view.js";
export { canonicalJson } from "./canonical-json.js";
export { databagChanges, hasChanges, type DatabagChanges } from "./databag-changes.js";
export {
  PROVIDER_APP_KEYS,
  REQUIRER_APP_KEYS,
  REQUIRER_UNIT_KEYS,
  decodeDatabag,
  decodeProviderAppDatabag,
  decodeRequirerAppDatabag,
  decodeRequirerUnitDatabag,
  encodeDatabag,
  encodeProviderAppData,
  encodeRequirerAppData,
  encodeRequirerUnitData,
  type Databag,
} from "./databag-codec.js";
export type { Built, Parsed } from "./parsed.js";
export {
  GRPC_PORT,
  HTTP_PORT,
  MEMBERLIST_PORT,
  RECEIVER_PORTS,
  RECEIVER_PROTOCOLS,
  isReceiverProtocol,
  type ReceiverProtocol,
} from "./ports.js";
export {
  PROVIDER_OWNED_KEYS,
  clusterMissingRoles,
  compareUnitNames,
  coveredRoles,
  gossipRing,
  parseCluster,
  providerDatabag,
  relationsToPublishTo,
  type WorkerRelation,
  type WorkerRelationsView,
} from "./provider.js";
export {
  ProviderConfig,
  WorkerIdentity,
  readProviderDatabag,
  requirerAppDatabag,
  requirerUnitDatabag,
} from "./requirer.js";
export { expandRole, missingRoles, tempoTarget, workerPorts, type ComponentRole } from "./role-rules.js";
export { COMPONENT_ROLES, REQUIRED_ROLES, ROLES, isRole, type RequiredRole, type Role } from "./roles.js";
export { SAMPLE_MODEL, SAMPLE_MODEL_UUID, sampleCluster } from "./sample-cluster.js";
export {
  Address,
  ProviderAppData,
  ProviderAppDataOnRead,
  RequirerAppData,
  RequirerUnitData,
  Role as RoleSchema,
  Topology,
} from "./schemas.js";
