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
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: "demo", summary: "Run a simulated Juju model with the real charms and show the converged cluster." },
  { name: "render", summary: "Render the Tempo config a coordinator would publish for a cluster description." },
  { name: "validate", summary: "Check a Tempo config file strictly against a Tempo version's keys." },
  { name: "doctor", summary: "Diagnose a coordinator from `juju show-unit <unit> --format=json` output." },
];

export type LoadedCommand = { kind: "loaded"; command: CliCommand } | { kind: "unavailable"; message: string };

function isCliCommand(value: unknown): value is CliCommand {
  return typeof value === "object" && value !== null && typeof (value as CliCommand).run === "function";
}

export async function loadCommand(name: string): Promise<LoadedCommand> {
  if (!COMMANDS.some((entry) => entry.name === name)) return { kind: "unavailable", message: `unknown command "${name}"` };
  let module: Record<string, unknown>;
  try {
    // A template specifier, so a command whose module has not been written yet is a run-time
    // message, not a compile error for every other command.
    module = (await import(`./commands/${name}.js`)) as Record<string, unknown>;
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
