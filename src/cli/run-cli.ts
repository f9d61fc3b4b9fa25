/**
 * `tempo-cluster <command> [options]`: find the command, parse its arguments, run it, and turn
 * anything unexpected into one line on stderr. Pure of `process`: main.ts supplies the io.
 */
import { formatOptions, parseCommandArgs } from "./args.js";
import { type CliCommand, type CliIo, EXIT } from "./command.js";
import { COMMANDS, loadCommand } from "./command-registry.js";

export const PROGRAM = "tempo-cluster";

export function programHelp(): string {
  const width = Math.max(...COMMANDS.map((entry) => entry.name.length));
  return [
    `${PROGRAM}: the tempo_cluster/v1 charms, on one machine.`,
    "",
    `Usage: ${PROGRAM} <command> [options]`,
    "",
    "Commands:",
    ...COMMANDS.map((entry) => `  ${entry.name.padEnd(width)}  ${entry.summary}`),
    "",
    `Run \`${PROGRAM} <command> --help\` for a command's options and input format.`,
    "",
  ].join("\n");
}

export function commandHelp(command: CliCommand): string {
  return [
    `Usage: ${PROGRAM} ${command.usage}`,
    "",
    command.summary,
    "",
    command.description.trimEnd(),
    "",
    "Options:",
    formatOptions(command.options),
    "",
  ].join("\n");
}

export async function runCli(argv: readonly string[], io: CliIo, env: Readonly<Record<string, string | undefined>> = {}): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const topic = name === "help" ? rest[0] : undefined;
    if (topic === undefined) {
      io.stdout(programHelp());
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    return runCli([topic, "--help"], io, env);
  }
  if (name === "--version") {
    io.stdout("tempo-cluster 0.1.0\n");
    return EXIT.ok;
  }

  try {
    const loaded = await loadCommand(name);
    if (loaded.kind === "unavailable") {
      io.stderr(`${PROGRAM}: ${loaded.message}\n\n${programHelp()}`);
      return EXIT.usage;
    }
    const command = loaded.command;
    const parsed = parseCommandArgs(rest, command.options);
    if (parsed.kind === "usage-error") {
      io.stderr(`${PROGRAM} ${command.name}: ${parsed.message}\nUsage: ${PROGRAM} ${command.usage}\n`);
      return EXIT.usage;
    }
    if (parsed.args.flags.help) {
      io.stdout(commandHelp(command));
      return EXIT.ok;
    }
    const count = parsed.args.positionals.length;
    if (count < command.positionals.min || count > command.positionals.max) {
      const expected =
        command.positionals.min === command.positionals.max
          ? `${command.positionals.min} argument(s)`
          : `${command.positionals.min} to ${command.positionals.max} arguments`;
      io.stderr(`${PROGRAM} ${command.name}: expected ${expected}, got ${count}\nUsage: ${PROGRAM} ${command.usage}\n`);
      return EXIT.usage;
    }
    return await command.run(parsed.args, io);
  } catch (error) {
    // A bug, not bad input: say so in one line; the stack only on request.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`${PROGRAM}: internal error: ${message}\n`);
    if (env.TEMPO_CLUSTER_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    else io.stderr("(set TEMPO_CLUSTER_DEBUG=1 for the stack trace, and please report it)\n");
    return 70;
  }
}
