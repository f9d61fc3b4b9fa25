/**
 * Node built-ins that only some hooks need, loaded on first use.
 *
 * Every hook is a fresh Node process, and what a module imports is loaded before the hook's first
 * hook command. `node:crypto` costs about 8 ms to load (a Node 22 `require`, measured beside a bare
 * start) and a steady-state hook hashes and signs nothing; `node:child_process` is needed only by
 * the spawned-tools fallback. `createRequire` works both in the bundled charm and run from source,
 * where an ES module has no `require`.
 */
import { createRequire } from "node:module";

const nodeRequire = createRequire(import.meta.url);

let crypto: typeof import("node:crypto") | undefined;
let childProcess: typeof import("node:child_process") | undefined;

export function nodeCrypto(): typeof import("node:crypto") {
  crypto ??= nodeRequire("node:crypto") as typeof import("node:crypto");
  return crypto;
}

export function nodeChildProcess(): typeof import("node:child_process") {
  childProcess ??= nodeRequire("node:child_process") as typeof import("node:child_process");
  return childProcess;
}
