/**
 * The contract between the CLI's dispatcher and each command module (`commands/<name>.ts`, loaded
 * only when invoked). A command gets its parsed arguments and an `io` edge, and returns an exit
 * code; it never calls `process.exit` or touches `process.stdout`, so tests run it in-process.
 */
import type { ParsedArgs, OptionSpec } from "./args.js";
import type { TerminalStyle } from "./terminal-style.js";

/** 0: done/healthy; 1: the input was read and has problems; 2: the command could not run (usage, unreadable input). */
export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** All of standard input, as text (for `-` arguments). */
  readonly readStdin: () => Promise<string>;
  /** Styling for stdout: plain unless stdout is a terminal and NO_COLOR is unset. */
  readonly style: TerminalStyle;
  /** Relative paths in arguments resolve against this. */
  readonly cwd: string;
}

export interface CliCommand {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** `render <cluster.yaml> [--json]` (without the program name). */
  readonly usage: string;
  /** What the command does, its input format, exit codes, examples. */
  readonly description: string;
  readonly options: readonly OptionSpec[];
  /** Positional arguments: the minimum and maximum accepted. */
  readonly positionals: { readonly min: number; readonly max: number };
  readonly run: (args: ParsedArgs, io: CliIo) => Promise<number>;
}
