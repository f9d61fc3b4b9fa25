/**
 * Command-line parsing on Node's `util.parseArgs`, turned into a tagged result: a typo in a flag
 * is expected user input, so it becomes a message and exit code 2, never a stack trace.
 */
import { parseArgs } from "node:util";

export interface OptionSpec {
  readonly name: string;
  readonly type: "boolean" | "string";
  readonly short?: string;
  /** Shown in help, e.g. `V` for `--tempo-version V`. */
  readonly valueName?: string;
  readonly description: string;
  /** Allow the option more than once (values collected in order). */
  readonly multiple?: boolean;
}

/** Every command accepts these. */
export const COMMON_OPTIONS: readonly OptionSpec[] = [
  { name: "help", short: "h", type: "boolean", description: "Show this help and exit." },
];

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly flags: Readonly<Record<string, boolean | undefined>>;
  readonly values: Readonly<Record<string, string | undefined>>;
  readonly lists: Readonly<Record<string, readonly string[] | undefined>>;
}

export type ArgsResult = { kind: "parsed"; args: ParsedArgs } | { kind: "usage-error"; message: string };

export function parseCommandArgs(argv: readonly string[], options: readonly OptionSpec[]): ArgsResult {
  const all = [...COMMON_OPTIONS, ...options];
  const config = Object.fromEntries(
    all.map((option) => [
      option.name,
      { type: option.type, ...(option.short ? { short: option.short } : {}), ...(option.multiple ? { multiple: true } : {}) },
    ]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs throws TypeErrors with an ERR_PARSE_ARGS_* code for bad input; their messages are user-facing.
    const message = error instanceof Error ? error.message : String(error);
    return { kind: "usage-error", message: message.replace(/\. To specify a positional argument.*$/s, ".") };
  }
  const flags: Record<string, boolean | undefined> = {};
  const values: Record<string, string | undefined> = {};
  const lists: Record<string, string[] | undefined> = {};
  for (const option of all) {
    const value = (parsed.values as Record<string, unknown>)[option.name];
    if (option.type === "boolean") flags[option.name] = value === true;
    else if (option.multiple) lists[option.name] = Array.isArray(value) ? value.map(String) : undefined;
    else values[option.name] = typeof value === "string" ? value : undefined;
  }
  return { kind: "parsed", args: { positionals: parsed.positionals, flags, values, lists } };
}

/** Help text for one command, from its own declaration (so help can never drift from parsing). */
export function formatOptions(options: readonly OptionSpec[]): string {
  const rows = [...options, ...COMMON_OPTIONS].map((option) => {
    const names = `${option.short ? `-${option.short}, ` : "    "}--${option.name}${option.type === "string" ? ` ${option.valueName ?? "VALUE"}` : ""}`;
    return [names, option.description] as const;
  });
  const width = Math.max(...rows.map(([names]) => names.length));
  return rows.map(([names, description]) => `  ${names.padEnd(width)}  ${description}`).join("\n");
}
