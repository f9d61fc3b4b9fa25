/**
 * `tempo-cluster doctor [file|-]`: diagnose a coordinator from `juju show-unit` output.
 */
import { type CliCommand, EXIT } from "../command.js";
import { diagnose } from "../doctor/diagnose.js";
import { formatDoctorReport } from "../doctor/format-report.js";
import { type ConfigValue, parseConfigOverride } from "../doctor/settings-inference.js";
import { parseShowUnit } from "../doctor/show-unit.js";
import { readInputText } from "../input-text.js";
import { parseYamlInput } from "../yaml-input.js";

export const command: CliCommand = {
  name: "doctor",
  summary: "Diagnose a coordinator from `juju show-unit <unit> --format=json` output.",
  usage: "doctor [file|-] [--unit U] [--config option=value]... [--json]",
  description: `Reads what \`juju show-unit\` prints (JSON or its default YAML; a file, or standard input when
the argument is - or absent) and reports:
  - the worker applications and units that joined the coordinator, with their roles;
  - the required roles nobody runs;
  - every invalid databag (role, address, topology) with the reason;
  - whether the published worker_config matches what this implementation computes now.

Juju shows a unit the *related* application's data, so the coordinator's own worker_config is
visible only from a worker. Show both in one go:

  juju show-unit tempo/0 tempo-querier/0 --format=json | tempo-cluster doctor

The coordinator's config options are not in show-unit's output: they are inferred from the
published config (and listed as assumptions); --config option=value overrides any of them.

Exit codes: 0 healthy; 1 problems found; 2 the input cannot be read or is not show-unit output.`,
  options: [
    { name: "unit", type: "string", valueName: "U", description: "The coordinator unit, when the input holds several units." },
    { name: "config", type: "string", valueName: "OPT=V", multiple: true, description: "A coordinator config option, e.g. retention-period=168 (repeatable)." },
    { name: "json", type: "boolean", description: "Print the report as JSON." },
  ],
  positionals: { min: 0, max: 1 },
  async run(args, io) {
    const overrides: Record<string, ConfigValue> = {};
    for (const text of args.lists.config ?? []) {
      const parsed = parseConfigOverride(text);
      if (parsed.kind === "invalid") {
        io.stderr(`tempo-cluster doctor: ${parsed.message}\n`);
        return EXIT.usage;
      }
      overrides[parsed.option] = parsed.value;
    }
    const input = await readInputText(args.positionals[0] ?? "-", io);
    if (input.kind === "unreadable") {
      io.stderr(`tempo-cluster doctor: ${input.message}\n`);
      return EXIT.usage;
    }
    if (input.text.trim() === "") {
      io.stderr(`tempo-cluster doctor: ${input.source} is empty; pipe in \`juju show-unit <coordinator-unit> --format=json\`\n`);
      return EXIT.usage;
    }
    const document = parseYamlInput(input.text);
    if (document.kind === "invalid") {
      io.stderr(`tempo-cluster doctor: ${input.source} is neither JSON nor YAML:\n${document.reasons.map((reason) => `  ${reason}`).join("\n")}\n`);
      return EXIT.usage;
    }
    const showUnit = parseShowUnit(document.value);
    if (showUnit.kind === "invalid") {
      io.stderr(
        `tempo-cluster doctor: ${input.source} is not \`juju show-unit\` output:\n${showUnit.reasons.slice(0, 10).map((reason) => `  ${reason}`).join("\n")}\n`,
      );
      return EXIT.usage;
    }
    const unit = args.values.unit;
    const diagnosis = diagnose(showUnit.units, { ...(unit !== undefined ? { coordinatorUnit: unit } : {}), configOverrides: overrides });
    if (diagnosis.kind === "cannot-diagnose") {
      io.stderr(`tempo-cluster doctor: ${diagnosis.message}\n`);
      return EXIT.usage;
    }
    const { report } = diagnosis;
    if (args.flags.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout(formatDoctorReport(report, io.style));
    return report.findings.length === 0 ? EXIT.ok : EXIT.problems;
  },
};
