/**
 * What the coordinator's other integrations contribute to the cluster (issue 8: certificates,
 * tracing, send-remote-write, logging). Each integration is its own module that reads its relation
 * and returns a part of this record; `desiredState` only consumes it. Without those relations the
 * record is `NO_INTEGRATIONS`, and everything they would add is simply absent from the databags.
 */
import type { ReceiverProtocol } from "../../interface/ports.js";
import type { RemoteWriteEndpoint } from "../../tempo/settings.js";
import type { Problem } from "./status.js";

/** Internal TLS, once a certificate for the workers has been issued. */
export interface TlsMaterial {
  readonly caCert: string;
  readonly serverCert: string;
  /** The application-owned Juju secret holding `private-key`, granted to each worker relation. */
  readonly privkeySecretId: string;
  /** The SAN every internal client verifies (see TlsSettings.serverName in src/tempo/settings.ts). */
  readonly serverName: string;
}

export interface IntegrationInputs {
  /** Receiver protocols that related charms asked for over `tracing`. */
  readonly requestedReceivers: readonly ReceiverProtocol[];
  readonly tls?: TlsMaterial;
  /** From `send-remote-write`: turns on the metrics-generator. */
  readonly remoteWrite: readonly RemoteWriteEndpoint[];
  /** From `logging`: name → Loki push URL. */
  readonly lokiEndpoints?: Readonly<Record<string, string>>;
  /** protocol → URL, where worker charms and Tempo itself send their own traces. */
  readonly charmTracingReceivers?: Readonly<Record<string, string>>;
  readonly workloadTracingReceivers?: Readonly<Record<string, string>>;
  /** What the integrations found wrong (invalid remote data, a pending certificate). */
  readonly problems: readonly Problem[];
}

export const NO_INTEGRATIONS: IntegrationInputs = Object.freeze({
  requestedReceivers: [],
  remoteWrite: [],
  problems: [],
});
