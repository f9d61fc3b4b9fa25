/**
 * The Tempo release in the workload image, as `/bin/tempo -version` reports it, for Juju's
 * workload version (`juju status` shows it beside the unit).
 */

export const TEMPO_VERSION_COMMAND: readonly string[] = ["/bin/tempo", "-version"];

/**
 * The version in Tempo's `-version` output, e.g. `2.7.1` from
 * `tempo, version 2.7.1 (branch: HEAD, revision: 2ea28d9f0)`. The same pattern as the Python
 * worker (`[Vv]ersion:?\s*(\S+)`, python-reference §4.2), without a trailing comma or bracket.
 */
export function parseTempoVersion(output: string): string | undefined {
  const match = /[Vv]ersion:?\s*([^\s,()]+)/.exec(output);
  return match?.[1];
}
