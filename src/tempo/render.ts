/**
 * The one YAML emitter for Tempo configs. Fixed options make the output a function of the value:
 * keys sorted at every depth, lists kept in their (already sorted) order, no anchors or aliases
 * (Tempo would accept them, but a reader diffing two configs should not have to resolve them), and
 * no line folding, so long strings (S3 keys, URLs) stay on one line.
 *
 * YAML 1.1 rules decide quoting because Tempo decodes with go-yaml v2, a YAML 1.1 parser: a string
 * such as `on` or `yes` must be quoted or Tempo reads a boolean.
 */
import YAML from "yaml";

const RENDER_OPTIONS = {
  version: "1.1",
  sortMapEntries: true,
  aliasDuplicateObjects: false,
  lineWidth: 0,
  minContentWidth: 0,
  indent: 2,
} as const;

export function renderTempoConfig(config: unknown): string {
  return YAML.stringify(config, RENDER_OPTIONS);
}
