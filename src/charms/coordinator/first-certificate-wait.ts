/**
 * The first deploy with a certificates relation: every worker would otherwise start Tempo plain,
 * then restart into TLS once the CA answers (a restart of the whole cluster for nothing). So until
 * the first certificate is usable, worker relations that never got a config get none; relations
 * that already run a plain config keep receiving it, because published data is never retracted.
 *
 * A CA that never answers holds those workers back for good; the status says so and names the way
 * out (removing the certificates relation publishes the plain config at once).
 */
import type { FirstCertificateWait } from "./integrations.js";
import type { Problem } from "./status.js";

export interface HeldPublications<P extends { readonly relationId: number; readonly app: string }> {
  readonly publications: readonly P[];
  readonly problems: readonly Problem[];
}

export function holdUntilFirstCertificate<P extends { readonly relationId: number; readonly app: string }>(
  publications: readonly P[],
  wait: FirstCertificateWait | undefined,
  appName: string,
): HeldPublications<P> {
  if (wait === undefined) return { publications, problems: [] };
  const published = new Set(wait.publishedRelationIds);
  const held = publications.filter((publication) => !published.has(publication.relationId));
  if (held.length === 0) return { publications, problems: [wait.answer] };
  const holding = waitingForFirstCertificate(appName, wait.provider);
  return {
    publications: publications.filter((publication) => published.has(publication.relationId)),
    // A waiting answer says the same as `holding`, which also names the way out; a blocked one
    // (unusable data from the CA) stays, it is what someone must fix.
    problems: wait.answer.severity === "waiting" ? [holding] : [wait.answer, holding],
  };
}

export function waitingForFirstCertificate(appName: string, provider: string): Problem {
  return {
    severity: "waiting",
    message: `waiting for a certificate from ${provider} (workers get their config once TLS is ready; to go without TLS: juju remove-relation ${appName}:certificates ${provider})`,
  };
}
