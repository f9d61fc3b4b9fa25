/**
 * Parse a YAML (or JSON) document given by a user. Syntax errors are expected input problems and
 * come back as messages with line numbers, not exceptions.
 */
import YAML from "yaml";

export type YamlInput = { kind: "parsed"; value: unknown } | { kind: "invalid"; reasons: string[] };

export function parseYamlInput(text: string): YamlInput {
  const document = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    return { kind: "invalid", reasons: document.errors.map((error) => error.message.split("\n")[0] ?? error.message) };
  }
  try {
    return { kind: "parsed", value: document.toJS({ maxAliasCount: 100 }) };
  } catch (error) {
    return { kind: "invalid", reasons: [(error as Error).message] };
  }
}
