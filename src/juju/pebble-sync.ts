/**
 * Pebble mechanics every workload sync needs, whatever the workload: read the files a charm
 * manages, tell which desired files differ from them (so only those are pushed), tell whether a
 * layer would change the plan, and run a command to its end with a one-line reason when it fails.
 * The worker's Tempo sync and the coordinator's nginx sync both use these; what to do about a
 * difference (restart Tempo, reload nginx) stays with each workload.
 */
import { isDeepStrictEqual } from "node:util";
import { PebbleApiError, type Layer, type PebbleClient, type Plan } from "./pebble.js";

/** A file as the container holds it. */
export interface ObservedFile {
  readonly content: string;
  readonly permissions: number;
}

/** A file as the charm wants it. */
export interface DesiredFile {
  readonly path: string;
  readonly content: string;
  readonly permissions: number;
}

const textDecoder = new TextDecoder();

export function isNotFound(error: unknown): boolean {
  return error instanceof PebbleApiError && (error.kind === "not-found" || error.statusCode === 404);
}

/** The file at `path`, or undefined when there is none. Throws PebbleConnectionError when the container is unreachable. */
export async function observeFile(pebble: PebbleClient, path: string): Promise<ObservedFile | undefined> {
  try {
    const [info] = await pebble.listFiles(path, { itself: true });
    if (info === undefined || info.type !== "file") return undefined;
    const content = textDecoder.decode(await pebble.pull(path));
    return { content, permissions: info.permissions };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The files among `paths` that exist, by path. */
export async function observeFiles(pebble: PebbleClient, paths: readonly string[]): Promise<Map<string, ObservedFile>> {
  const files = new Map<string, ObservedFile>();
  for (const path of paths) {
    const observed = await observeFile(pebble, path);
    if (observed !== undefined) files.set(path, observed);
  }
  return files;
}

/** Delete `path`; a file already gone is what was wanted. */
export async function removeIfPresent(pebble: PebbleClient, path: string): Promise<void> {
  try {
    await pebble.removePath(path);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

export type FileChange = "created" | "content" | "mode";

export interface FileDifference {
  readonly file: DesiredFile;
  readonly change: FileChange;
}

/**
 * The desired files that must be pushed, with what differs, in the order given. A file whose bytes
 * match but whose mode does not (a key written earlier with the default 0644) is pushed again for
 * its mode; the workload reads the same bytes either way.
 */
export function changedFiles(observed: ReadonlyMap<string, ObservedFile>, desired: readonly DesiredFile[]): FileDifference[] {
  return desired.flatMap((file): FileDifference[] => {
    const current = observed.get(file.path);
    if (current === undefined) return [{ file, change: "created" }];
    if (current.content !== file.content) return [{ file, change: "content" }];
    if (current.permissions !== file.permissions) return [{ file, change: "mode" }];
    return [];
  });
}

export type LayerChange = "same" | "no-restart" | "needs-restart";

/**
 * What adding `layer` would change in the plan. A changed service means the workload runs
 * differently and must restart; checks and log targets take effect in Pebble alone, so they only
 * need the layer added. Only the fields the layer sets are compared, and an empty value equals an
 * absent one, because Pebble's plan omits empty fields and may fill in others (a layer that is
 * already in place must never look changed, or every hook would touch Pebble).
 */
export function compareLayerWithPlan(layer: Layer, plan: Plan): LayerChange {
  if (sectionDiffers(layer.services ?? {}, plan.services)) return "needs-restart";
  if (sectionDiffers(layer.checks ?? {}, plan.checks) || sectionDiffers(layer["log-targets"] ?? {}, plan["log-targets"])) {
    return "no-restart";
  }
  return "same";
}

function sectionDiffers(wanted: Readonly<Record<string, object>>, current: Readonly<Record<string, object>>): boolean {
  for (const [name, spec] of Object.entries(wanted)) {
    const currentSpec = current[name];
    if (currentSpec === undefined) return true;
    for (const [field, value] of Object.entries(spec as Record<string, unknown>)) {
      if (field === "override") continue;
      const existing = (currentSpec as Record<string, unknown>)[field];
      if (!isDeepStrictEqual(emptyAsAbsent(value), emptyAsAbsent(existing))) return true;
    }
  }
  return false;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function emptyAsAbsent(value: unknown): unknown {
  if (value === "" || value === null) return undefined;
  if (Array.isArray(value) && value.length === 0) return undefined;
  if (isMapping(value) && Object.keys(value).length === 0) return undefined;
  return value;
}

/** Long enough for a slow disk, short enough that a wedged command cannot eat the hook. */
export const WORKLOAD_COMMAND_TIMEOUT_MS = 60_000;

/** A command run in the workload container: its output, or why it did not succeed. */
export type CommandOutcome =
  | { readonly kind: "succeeded"; readonly stdout: string; readonly stderr: string }
  | { readonly kind: "failed"; readonly reason: string };

/**
 * Run `command` to its end. A missing executable, a non-zero exit or a timeout is a failure
 * described in one line (`update-ca-certificates failed (exit 1): <what it printed>`); only an
 * unreachable Pebble throws (PebbleConnectionError), as for every other Pebble call.
 */
export async function runWorkloadCommand(pebble: PebbleClient, command: readonly string[]): Promise<CommandOutcome> {
  const name = command[0] ?? "";
  try {
    const result = await pebble.exec(command, { timeoutMs: WORKLOAD_COMMAND_TIMEOUT_MS });
    if (result.exitCode === 0) return { kind: "succeeded", stdout: result.stdout, stderr: result.stderr };
    const said = firstLine(result.stderr) || firstLine(result.stdout);
    return { kind: "failed", reason: `${name} failed (exit ${result.exitCode})${said ? `: ${said}` : ""}` };
  } catch (error) {
    if (!(error instanceof PebbleApiError)) throw error;
    return { kind: "failed", reason: `${name} failed: ${oneLine(error.message)}` };
  }
}

export function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .map((line) => line.trim())
      .find((line) => line !== "") ?? ""
  );
}

/** Pebble's change errors span lines ("cannot perform the following tasks:\n- …"); a status has one. */
export function oneLine(text: string): string {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .join(" ");
}
