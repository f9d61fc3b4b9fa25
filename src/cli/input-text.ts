/**
 * Read a command's input: a file path, or `-` for standard input. A missing or unreadable file is
 * an expected failure (a typo in a path), returned as a message rather than thrown.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { CliIo } from "./command.js";

export type InputText = { kind: "read"; text: string; source: string } | { kind: "unreadable"; message: string };

export async function readInputText(argument: string, io: CliIo): Promise<InputText> {
  if (argument === "-") return { kind: "read", text: await io.readStdin(), source: "standard input" };
  const file = path.resolve(io.cwd, argument);
  try {
    return { kind: "read", text: await readFile(file, "utf8"), source: argument };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : (error as Error).message;
    return { kind: "unreadable", message: `cannot read ${argument}: ${reason}` };
  }
}
