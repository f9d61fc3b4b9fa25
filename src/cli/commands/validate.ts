/**
 * `tempo-cluster validate <config.yaml|-> [--tempo-version V] [--json]`: the strict validator the
 * coordinator runs before publishing, on any file. Every problem is listed with its YAML path.
 */
import { KEY_SET_TAGS } from "../../tempo/config-keys/key-sets.generated.js";
import { isKeySetVersion, KEY_SET_VERSIONS } from "../../tempo/key-sets.js";
import { validateTempoConfigText } from "../../tempo/validate.js";
import { type CliCommand, EXIT } from "../command.js";
import { readInputText } from "../input-text.js";

const DEFAULT_VERSION = "2.7";

export const command: CliCommand = {
  name: "validate",
  summary: "Check a Tempo config file strictly against a Tempo version's keys.",
  usage: "validate <config.yaml|-> [--tempo-version V] [--json]",
  description: `Reads a Tempo configuration (a file, or - for standard input) and checks it the way Tempo's
strict decoder would: unknown keys, duplicate keys, a mapping where a value belongs, null
sections (which reset Tempo's defaults) and known value rules. Key lists are those of the
Tempo release named by --tempo-version (${KEY_SET_VERSIONS.join(", ")}; default ${DEFAULT_VERSION}).

Exit codes: 0 valid; 1 problems found (each printed as "<path>: <problem>"); 2 the file could
not be read or the arguments are wrong.

Example:
  tempo-cluster render cluster.yaml | tempo-cluster validate - --tempo-version 2.7`,
  options: [
    { name: "tempo-version", type: "string", valueName: "V", description: `Tempo minor version (${KEY_SET_VERSIONS.join(", ")}); default ${DEFAULT_VERSION}.` },
    { name: "json", type: "boolean", description: "Print {valid, tempoVersion, problems: [{path, message}]} as JSON." },
  ],
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const version = args.values["tempo-version"] ?? DEFAULT_VERSION;
    if (!isKeySetVersion(version)) {
      io.stderr(`tempo-cluster validate: unknown --tempo-version "${version}"; known: ${KEY_SET_VERSIONS.join(", ")}\n`);
      return EXIT.usage;
    }
    const input = await readInputText(args.positionals[0] ?? "-", io);
    if (input.kind === "unreadable") {
      io.stderr(`tempo-cluster validate: ${input.message}\n`);
      return EXIT.usage;
    }
    const problems = validateTempoConfigText(input.text, version);
    if (args.flags.json) {
      io.stdout(`${JSON.stringify({ valid: problems.length === 0, tempoVersion: version, problems }, null, 2)}\n`);
      return problems.length === 0 ? EXIT.ok : EXIT.problems;
    }
    const { style } = io;
    const release = KEY_SET_TAGS[version];
    if (problems.length === 0) {
      io.stdout(`${style.green("valid")}: ${input.source} is a Tempo ${release} config Tempo would accept\n`);
      return EXIT.ok;
    }
    const lines = problems.map((problem) => `  ${style.bold(problem.path === "" ? "(document)" : problem.path)}: ${problem.message}`);
    io.stdout(
      `${style.red("invalid")}: ${input.source} has ${problems.length} problem${problems.length === 1 ? "" : "s"} for Tempo ${release}\n${lines.join("\n")}\n`,
    );
    return EXIT.problems;
  },
};
