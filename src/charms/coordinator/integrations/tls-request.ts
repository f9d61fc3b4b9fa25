/**
 * What the coordinator's certificate must cover, as a pure function of names that do not change
 * when workers scale: the coordinator's application and model, and the worker applications related
 * to it. Adding a worker application adds its names (a new CSR); adding a unit changes nothing,
 * because every pod of an application is covered by one wildcard.
 *
 * Every worker presents this one certificate. Internal clients (memberlist, the gRPC clients)
 * verify it against `serverName`, not against the address they dialled — Tempo dials peers by IP
 * and no IP SAN could stay stable (python-reference §6.6). External clients (charms sending traces,
 * Grafana) reach a worker application's service or pods, so those names are covered too.
 */
import { serviceFqdn } from "../../../juju/kubernetes-names.js";
import type { CertificateRequest } from "./csr-pkcs10.js";

/** RFC 5280's upper bound for a common name. */
const MAX_COMMON_NAME = 64;
/** RFC 1035: 63 octets a label, 253 a name (in text form). */
const MAX_DNS_LABEL = 63;
const MAX_DNS_NAME = 253;

export interface TlsIdentity {
  readonly appName: string;
  readonly modelName: string;
  /** Remote applications of every tempo-cluster relation, in any order. */
  readonly workerApps: readonly string[];
  /** The Kubernetes cluster domain every name ends in (cluster-domain.ts); `cluster.local` if absent. */
  readonly clusterDomain?: string;
}

export interface CoordinatorCertificateRequest extends CertificateRequest {
  /** The SAN every internal Tempo client verifies (`TlsSettings.serverName`). */
  readonly serverName: string;
}

export function coordinatorCertificateRequest(identity: TlsIdentity): CoordinatorCertificateRequest {
  const inModel = (name: string) => serviceFqdn(name, identity.modelName, identity.clusterDomain);
  // The coordinator's own service: stable for the coordinator's whole life, and a name nobody else
  // claims. Its nginx front door serves this certificate, reached through that service or, unit by
  // unit, through the coordinator's pods: one wildcard covers every pod, so scaling the coordinator
  // changes nothing either.
  const serverName = inModel(identity.appName);
  const coordinatorNames = [`*.${inModel(`${identity.appName}-endpoints`)}`, inModel(`${identity.appName}-endpoints`)];
  const workerNames = identity.workerApps.flatMap((app) => [
    // Pods: `<app>-<n>.<app>-endpoints.<model>.svc.<domain>`, the address every worker publishes.
    `*.${inModel(`${app}-endpoints`)}`,
    // The headless service itself (the querier dials the query-frontend through it).
    inModel(`${app}-endpoints`),
    // The application's service, where related charms send traces.
    inModel(app),
  ]);
  const dnsNames = [...new Set([serverName, ...coordinatorNames, ...workerNames])].filter(isValidDnsName).sort();
  return {
    serverName,
    commonName: serverName.length <= MAX_COMMON_NAME ? serverName : identity.appName.slice(0, MAX_COMMON_NAME),
    dnsNames,
  };
}

/** A name a CA would refuse (an over-long label or name) is left out rather than fail the request. */
function isValidDnsName(name: string): boolean {
  return name.length <= MAX_DNS_NAME && name.split(".").every((label) => label.length > 0 && label.length <= MAX_DNS_LABEL);
}
