/** The Juju model simulator's public surface: what the CLI, the benchmarks and tests import. */
export * from "./simulator.js";
export * from "./unit-queue.js";
export * from "./bag-changes.js";
export * from "./config-values.js";
export * from "./model-status.js";
export * from "./steps.js";
export * from "./tempo-cluster.js";
export * from "./tempo-report.js";
export * from "./text-table.js";
export { S3_ENDPOINT, S3_INTEGRATOR_META, s3IntegratorCharm, s3ProviderDatabag } from "./charms/s3-integrator.js";
export { REMOTE_WRITE_ENDPOINT, REMOTE_WRITE_META, remoteWriteReceiverCharm, remoteWriteUnitData } from "./charms/remote-write.js";
export { CERTIFICATES_ENDPOINT, CERTIFICATES_AUTHORITY_META, answerRequests, certificatesAuthorityCharm, requestedCsrs } from "./charms/certificates-authority.js";
export { CA_COMMON_NAME, caCertificatePem, generateCaKeyPem, signServerCertificate } from "./charms/ca-signing.js";
export { DEFAULT_TRACING_PROTOCOLS, TRACING_CLIENT_ENDPOINT, TRACING_CLIENT_META, parseProviderReceivers, receiverUrlsFor, requestedProtocols, tracingClientCharm } from "./charms/tracing-client.js";
export { LOKI_ENDPOINT, LOKI_META, lokiCharm, lokiUnitData } from "./charms/loki.js";
export * from "./integrations-report.js";
