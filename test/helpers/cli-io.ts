/**
 * Run the CLI in-process with captured output, as a test sees a terminal-less user:
 *
 *   const run = await runCliCaptured(["validate", "config.yaml"]);
 *   expect(run.exitCode).toBe(1);
 *   expect(run.stdout).toContain("server.bogus");
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { CliIo } from "../../src/cli/command.js";
import { runCli } from "../../src/cli/run-cli.js";
import { terminalStyle } from "../../src/cli/terminal-style.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface CapturedRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCliCaptured(
  argv: readonly string[],
  options: { stdin?: string; cwd?: string; colour?: boolean; env?: Record<string, string> } = {},
): Promise<CapturedRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: async () => options.stdin ?? "",
    style: terminalStyle(options.colour ?? false),
    cwd: options.cwd ?? REPO_ROOT,
  };
  const exitCode = await runCli(argv, io, options.env ?? {});
  return { exitCode, stdout, stderr };
}
