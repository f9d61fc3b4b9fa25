/**
 * The action a dispatch runs (`actions/<name>`), as the charm sees it: its parameters, and the three
 * ways to answer (results, failure, progress lines).
 *
 * Juju's rules (juju-hook-tools.md §2.17): result keys are lowercase words joined by `-`, dotted for
 * nesting, and `stdout`, `stderr` and their `-encoding` twins are Juju's own; an invalid key makes
 * `action-set` exit non-zero, which would fail the action with an opaque message, so it is refused
 * here with one that names the key. Results are sent when the action ends, whatever its outcome.
 */
import type { Backend } from "./backend.js";

const RESULT_KEY = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;
const RESERVED_RESULT_KEYS = new Set(["stdout", "stdout-encoding", "stderr", "stderr-encoding"]);

/** Why a result key cannot be sent, or undefined when Juju accepts it. */
export function resultKeyProblem(key: string): string | undefined {
  if (RESERVED_RESULT_KEYS.has(key)) return `action result key "${key}" is reserved by Juju`;
  if (!RESULT_KEY.test(key)) return `action result key "${key}" must be lowercase words joined by "-" (dotted for nesting)`;
  return undefined;
}

export class RunningAction {
  private paramsCache: Readonly<Record<string, unknown>> | undefined;

  constructor(
    readonly name: string,
    readonly uuid: string,
    private readonly backend: Backend,
  ) {}

  /** The operator's parameters (`juju run unit action key=value`), read once. */
  params(): Readonly<Record<string, unknown>> {
    this.paramsCache ??= Object.freeze({ ...this.backend.actionGet() });
    return this.paramsCache;
  }

  setResults(results: Readonly<Record<string, string>>): void {
    for (const key of Object.keys(results)) {
      const problem = resultKeyProblem(key);
      if (problem) throw new Error(problem);
    }
    this.backend.actionSet({ ...results });
  }

  fail(message: string): void {
    this.backend.actionFail(message);
  }

  log(message: string): void {
    this.backend.actionLog(message);
  }
}
