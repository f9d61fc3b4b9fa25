/**
 * Where the workers keep traces: the `s3` relation's bucket, or Tempo's `local` backend for a lone
 * node (spec §3). Local storage is only sound when one process holds every block; with two or
 * more workers each would see only its own blocks, so anything bigger needs object storage.
 */
import type { ClusterView } from "../../interface/cluster-view.js";
import type { StorageSettings } from "../../tempo/settings.js";
import { parseS3ProviderData } from "./s3.js";
import { type Problem, s3AwaitingCredentials, s3Invalid, s3NotRelated } from "./status.js";

/** The `s3` relation as the coordinator sees it (limit 1 in metadata, so at most one). */
export interface S3RelationSnapshot {
  readonly id: number;
  readonly app: string;
  /** The provider's application databag. */
  readonly providerData: Readonly<Record<string, string>>;
}

export type StorageDecision =
  | { readonly kind: "ready"; readonly storage: StorageSettings }
  | { readonly kind: "not-ready"; readonly problem: Problem };

export function decideStorage(s3: S3RelationSnapshot | undefined, cluster: ClusterView, coordinator: string): StorageDecision {
  if (s3) {
    // Once an operator relates s3 we wait for it rather than fall back to local: switching the
    // backend later would strand every trace written so far.
    const parsed = parseS3ProviderData(s3.providerData);
    if (parsed.kind === "absent") return { kind: "not-ready", problem: s3AwaitingCredentials(s3.app) };
    if (parsed.kind === "invalid") return { kind: "not-ready", problem: s3Invalid(s3.app, parsed.reasons) };
    const { caChain, region, ...connection } = parsed.data;
    return {
      kind: "ready",
      storage: {
        kind: "s3",
        ...connection,
        ...(region ? { region } : {}),
        ...(caChain ? { caCert: caChain } : {}),
      },
    };
  }
  if (isSingleAllNode(cluster)) return { kind: "ready", storage: { kind: "local" } };
  return { kind: "not-ready", problem: s3NotRelated(coordinator) };
}

/** Exactly one worker unit in the whole cluster, and it runs every role. */
export function isSingleAllNode(cluster: ClusterView): boolean {
  const units = cluster.applications.flatMap((application) => application.units.map(() => application.role));
  return units.length === 1 && units[0] === "all";
}
