import { describe, expect, it } from "vitest";
import { shouldUseColour, terminalStyle } from "../../src/cli/terminal-style.js";
import { runCliCaptured } from "../helpers/cli-io.js";

describe("the tempo-cluster dispatcher", () => {
  it("lists every command and exits 2 when run without one", async () => {
    const run = await runCliCaptured([]);
    expect(run.exitCode).toBe(2);
    for (const name of ["demo", "render", "validate", "doctor"]) expect(run.stdout).toContain(`  ${name} `);
  });

  it("prints the command list with --help and exits 0", async () => {
    const run = await runCliCaptured(["--help"]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("Usage: tempo-cluster <command>");
  });

  it.each(["demo", "render", "validate", "doctor"])("gives %s a --help with usage, options and exit codes", async (name) => {
    const run = await runCliCaptured([name, "--help"]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`Usage: tempo-cluster ${name}`);
    expect(run.stdout).toContain("--help");
    expect(run.stdout).toContain("Exit codes");
    expect(run.stderr).toBe("");
  });

  it("treats `help <command>` like `<command> --help`", async () => {
    const viaHelp = await runCliCaptured(["help", "validate"]);
    const viaFlag = await runCliCaptured(["validate", "--help"]);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
  });

  it("names an unknown command on stderr and exits 2", async () => {
    const run = await runCliCaptured(["frobnicate"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('unknown command "frobnicate"');
  });

  it("rejects an unknown option with the command's usage, not a stack trace", async () => {
    const run = await runCliCaptured(["validate", "x.yaml", "--colour"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("Unknown option '--colour'");
    expect(run.stderr).toContain("Usage: tempo-cluster validate");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("rejects a missing positional argument", async () => {
    const run = await runCliCaptured(["render"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("expected 1 argument(s), got 0");
  });

  it("rejects an option value that is missing", async () => {
    const run = await runCliCaptured(["validate", "x.yaml", "--tempo-version"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("--tempo-version");
  });
});

describe("terminal colour", () => {
  it("is on only for a terminal without NO_COLOR", () => {
    expect(shouldUseColour({ isTTY: true }, {})).toBe(true);
    expect(shouldUseColour({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(shouldUseColour({ isTTY: false }, {})).toBe(false);
    expect(shouldUseColour({}, {})).toBe(false);
  });

  it("leaves text untouched when off and wraps it in escape codes when on", () => {
    expect(terminalStyle(false).red("x")).toBe("x");
    expect(terminalStyle(true).red("x")).toBe("\u001b[31mx\u001b[39m");
  });

  it("keeps escape codes out of captured output", async () => {
    const run = await runCliCaptured(["doctor", "test/fixtures/doctor/coordinator-with-problems.json"]);
    expect(run.stdout).not.toContain("\u001b[");
  });
});
