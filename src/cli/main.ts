/**
 * The CLI's process edge: wires `runCli` to the real stdout/stderr/stdin and environment.
 * Run by `bin/tempo-cluster.js` and by `npm start` (`tsx src/cli/main.ts demo`).
 */
import type { CliIo } from "./command.js";
import { runCli } from "./run-cli.js";
import { shouldUseColour, terminalStyle } from "./terminal-style.js";

async function readAllStdin(): Promise<string> {
  // A command waiting on a terminal looks hung; say what it waits for.
  if (process.stdin.isTTY) process.stderr.write("reading from standard input (end with Ctrl-D)…\n");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

const io: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: readAllStdin,
  style: terminalStyle(shouldUseColour(process.stdout, process.env)),
  cwd: process.cwd(),
};

// exitCode rather than exit(): let pending writes to a pipe finish.
process.exitCode = await runCli(process.argv.slice(2), io, process.env);
