/**
 * The doctor's report as text for a person: what joined, what is missing or invalid, and whether
 * the published config is what this implementation computes now. Plain when piped; colour only
 * through the style the CLI hands in.
 */
import type { TerminalStyle } from "../terminal-style.js";
import type { DoctorReport } from "./diagnose.js";
import { changedHunks } from "./line-diff.js";

export function formatDoctorReport(report: DoctorReport, style: TerminalStyle): string {
  const out: string[] = [];
  const { coordinator } = report;
  const ok = (text: string) => style.green(text);
  const bad = (text: string) => style.red(text);
  const warn = (text: string) => style.yellow(text);

  out.push(
    `${style.bold("Coordinator")} ${coordinator.unit}${coordinator.isLeader ? " (leader)" : ""}${coordinator.charm ? `  ${style.dim(coordinator.charm)}` : ""}`,
    "",
  );

  out.push(style.bold(`Worker applications (${report.workers.length} tempo-cluster relation${report.workers.length === 1 ? "" : "s"})`));
  if (report.workers.length === 0) out.push("  (none)");
  for (const worker of report.workers) {
    const joined = worker.units.filter((unit) => unit.state === "joined").length;
    const state = worker.state === "taking-part" ? ok("taking part") : bad("left out");
    out.push(`  ${style.bold(worker.application)}  relation ${worker.relationId}  role ${worker.role ?? "(none)"}  ${joined}/${worker.units.length} units joined  ${state}`);
    for (const reason of worker.reasons) out.push(`    ${bad("✗")} ${reason}`);
    for (const unit of worker.units) {
      const mark = unit.state === "joined" ? ok("✓") : unit.state === "invalid" ? bad("✗") : warn("…");
      out.push(`    ${mark} ${unit.name}  ${unit.address ?? "(no address)"}`);
      for (const reason of unit.reasons) out.push(`        ${reason}`);
    }
  }
  out.push("");

  out.push(`${style.bold("Roles")}  covered: ${report.coveredRoles.length > 0 ? report.coveredRoles.join(", ") : "(none)"}`);
  out.push(`       missing: ${report.missingRoles.length > 0 ? bad(report.missingRoles.join(", ")) : ok("none")}`);
  out.push(`${style.bold("Storage")}  ${report.storage}`);
  out.push(`${style.bold("Expected status")}  ${report.expectedStatus.status}: ${report.expectedStatus.message}`);
  out.push("");

  out.push(style.bold("Published worker_config"));
  const { published, comparison } = report;
  if (published.kind === "not-visible") out.push(`  ${warn("not in the input")}: ${published.hint}`);
  else if (published.kind === "invalid") out.push(`  ${bad("invalid")} (seen by ${published.seenBy}): ${published.reasons.join("; ")}`);
  else out.push(`  seen by ${published.seenBy.join(", ")}${published.isSameForAll ? "" : ` ${bad("(they differ!)")}`}`);
  if (comparison.kind === "matches") out.push(`  ${ok("matches")} what this implementation computes now`);
  else if (comparison.kind === "not-comparable") out.push(`  not compared: ${comparison.reason}`);
  else {
    out.push(`  ${bad("differs")} from what this implementation computes now (- published, + expected):`);
    for (const line of changedHunks(comparison.diff)) {
      if (line === "gap") out.push(style.dim("    …"));
      else if (line.kind === "removed") out.push(bad(`    - ${line.text}`));
      else if (line.kind === "added") out.push(ok(`    + ${line.text}`));
      else out.push(style.dim(`      ${line.text}`));
    }
  }
  out.push("");

  out.push(style.bold("Assumed (show-unit does not show juju config; override with --config option=value)"));
  for (const assumption of report.assumptions) out.push(`  - ${assumption}`);
  out.push("");

  if (report.findings.length === 0) out.push(ok("No problems found."));
  else {
    out.push(bad(style.bold(`${report.findings.length} problem${report.findings.length === 1 ? "" : "s"} found:`)));
    for (const finding of report.findings) out.push(`  - ${finding}`);
  }
  return `${out.join("\n")}\n`;
}
