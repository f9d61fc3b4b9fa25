/**
 * The commands the CLI knows, each in its own module under `commands/`, imported only when run:
 * `tempo-cluster validate` never loads the simulator. A command module exports `command: CliCommand`.
 * Adding one is a line here plus `commands/<name>.ts`.
 */
import type { CliCommand } from "./command.js";

export interface CommandEntry {
  readonly name: string;
  /** Shown in the command list without loading the module. */
  readonly summary: string;
  /** Imports `commands/<name>.ts`; literal specifiers so bundlers and vitest can follow them. */
  readonly load: () => Promise<Record<string, unknown>>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "demo",
    summary: "Run a simulated Juju model with the real charms and show the converged cluster.",
    load: () => import("./commands/demo.js"),
  },
  {
    name: "render",
    summary: "Render the Tempo config a coordinator would publish for a cluster description.",
    load: () => import("./commands/render.js"),
  },
  {
    name: "validate",
    summary: "Check a Tempo config file strictly against a Tempo version's keys.",
    load: () => import("./commands/validate.js"),
  },
  {
    name: "doctor",
    summary: "Diagnose a coordinator from `juju show-unit <unit> --format=json` output.",
    load: () => import("./commands/doctor.js"),
  },
];

export type LoadedCommand = { kind: "loaded"; command: CliCommand } | { kind: "unavailable"; message: string };

function isCliCommand(value: unknown): value is CliCommand {
  return typeof value === "object" && value !== null && typeof (value as CliCommand).run === "function";
}

export async function loadCommand(name: string): Promise<LoadedCommand> {
  const entry = COMMANDS.find((candidate) => candidate.name === name);
  if (entry === undefined) return { kind: "unavailable", message: `unknown command "${name}"` };
  let module: Record<string, unknown>;
  try {
    module = await entry.load();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" && String((error as Error).message).includes(`commands/${name}.`)) {
      return { kind: "unavailable", message: `the ${name} command is not part of this build yet` };
    }
    throw error;
  }
  const command = module.command;
  if (!isCliCommand(command)) throw new Error(`src/cli/commands/${name}.ts does not export a CliCommand named "command"`);
  return { kind: "loaded", command };
}
