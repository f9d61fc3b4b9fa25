/**
 * The Kubernetes cluster domain the coordinator names services and pods in: its certificate's SANs,
 * its front door's service, its own unit's address for Traefik and Prometheus.
 *
 * Nothing in Juju tells a charm the domain, and `cluster.local` is only Kubernetes' default. The
 * best witness is the coordinator's own pod: the kubelet writes its FQDN into /etc/hosts
 * (src/juju/pod-fqdn.ts). Next best are the workers: each publishes its pod's FQDN as `address`
 * (the worker reads its own /etc/hosts the same way), so the domain their names end in is the
 * cluster's. When several domains appear (a worker on an old revision still publishing the
 * computed `cluster.local` form), the one most units publish wins, ties going to the name that
 * sorts first, so every hook and every unit decides alike. Only then the default.
 *
 * The pod is read once per hook, at the charm's edge (`observePodHosts`); everything else is a
 * pure function of what the model shows.
 */
import { publishedHost } from "../../interface/address.js";
import { clusterDomainOf, DEFAULT_CLUSTER_DOMAIN, kubernetesUnitFqdn } from "../../juju/kubernetes-names.js";
import type { Model } from "../../juju/model.js";
import { type PodHosts, podFqdn } from "../../juju/pod-fqdn.js";
import { ENDPOINTS } from "./meta.js";

/** What the pod's /etc/hosts said this hook: its FQDN, or undefined when it gives none. */
const podFqdnThisHook = new WeakMap<Model, string | undefined>();
const domainThisHook = new WeakMap<Model, string>();

/**
 * Read this hook's pod hosts file, once: a Model lives for one hook, and both the hook's span
 * (`tracingEndpoint`) and its reconcile ask.
 */
export function observePodHosts(model: Model, readHosts: (model: Model) => PodHosts): void {
  if (!podFqdnThisHook.has(model)) podFqdnThisHook.set(model, podFqdn(readHosts(model)));
}

/** The cluster domain for this hook (see the module comment for the order of witnesses). */
export function clusterDomain(model: Model): string {
  let domain = domainThisHook.get(model);
  if (domain === undefined) {
    domain = domainFromPod(model) ?? domainFromWorkers(model) ?? DEFAULT_CLUSTER_DOMAIN;
    domainThisHook.set(model, domain);
  }
  return domain;
}

/** This unit's FQDN: the pod's own name when it gave one, else Juju's pod name in the cluster domain. */
export function ownUnitFqdn(model: Model): string {
  return podFqdnThisHook.get(model) ?? kubernetesUnitFqdn(model.unit.name, model.name, clusterDomain(model));
}

function domainFromPod(model: Model): string | undefined {
  const fqdn = podFqdnThisHook.get(model);
  return fqdn === undefined ? undefined : clusterDomainOf(fqdn);
}

function domainFromWorkers(model: Model): string | undefined {
  const addresses: string[] = [];
  for (const relation of model.relations(ENDPOINTS.cluster)) {
    for (const unit of relation.units) {
      const address = publishedHost(relation.remoteUnitData(unit).address);
      if (address !== undefined) addresses.push(address);
    }
  }
  return mostPublishedDomain(addresses);
}

/** The domain most of these addresses end in; ties go to the one that sorts first. */
export function mostPublishedDomain(addresses: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const address of addresses) {
    const domain = clusterDomainOf(address);
    if (domain !== undefined) counts.set(domain, (counts.get(domain) ?? 0) + 1);
  }
  let best: string | undefined;
  let bestCount = 0;
  for (const [domain, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== undefined && domain < best)) {
      best = domain;
      bestCount = count;
    }
  }
  return best;
}
