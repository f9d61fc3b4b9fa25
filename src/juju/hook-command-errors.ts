/**
 * Classify a failed hook command from its exit code and Juju's `ERROR …` line.
 *
 * Juju reports errors as one `ERROR <message>` line on stderr, exit 2 for usage errors (an unknown
 * `-r` relation is one: the relation is looked up while flags are parsed) and exit 1 for runtime and
 * permission errors (juju-hook-tools.md §2.0). The exit code alone cannot tell the kinds apart, so,
 * like ops, this matches substrings of the message (`relation not found`, `not found` for secret-*).
 */
import { HookCommandError, type HookCommandErrorKind } from "./backend.js";

/** The message of the last `ERROR …` line, or the whole trimmed stderr when there is none. */
export function jujuErrorMessage(stderr: string): string {
  const lines = stderr.split("\n").map((line) => line.trim());
  const errorLine = lines.filter((line) => line.startsWith("ERROR ")).at(-1);
  return errorLine === undefined ? stderr.trim() : errorLine.slice("ERROR ".length);
}

export function classifyHookCommandError(command: string, stderr: string): HookCommandErrorKind {
  const message = jujuErrorMessage(stderr);
  if (message.includes("relation not found")) return "relation-not-found";
  // Only the leader may write its application's bag or set its status; Juju words the refusal
  // either way (§2.4 `cannot write relation settings`, §2.9 and §2.16 `this unit is not the leader`).
  if (message.includes("not the leader") || message.includes("cannot write relation settings")) return "not-leader";
  if (message.includes("permission denied")) return "permission-denied";
  if (command.startsWith("secret-") && message.includes("not found")) return "secret-not-found";
  return "other";
}

export function hookCommandError(command: string, exitCode: number, stderr: string): HookCommandError {
  return new HookCommandError(classifyHookCommandError(command, stderr), command, exitCode, stderr);
}
