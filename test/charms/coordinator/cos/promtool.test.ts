/**
 * Our alert rules as Prometheus itself loads and evaluates them: `promtool check rules` (rule file
 * schema, PromQL, annotation templates) and `promtool test rules` (given series, the alert fires —
 * or not — with the labels and text an operator will see). Debian's `prometheus` package ships promtool.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { tempoAlertRules } from "../../../../src/charms/coordinator/cos/tempo-alert-rules.js";
import { parseCluster } from "../../../../src/interface/provider.js";
import { realComponent } from "../../../helpers/real-component.js";
import { MODEL, MODEL_UUID, distributedWorkers, workerRelation } from "../fixtures.js";

const promtool = realComponent("promtool", "prometheus");
const coordinator = { model: MODEL, modelUuid: MODEL_UUID };
const monolithic = parseCluster({ relations: [workerRelation(1, "tempo-worker", "all", 1)] }).applications;
const distributed = parseCluster({ relations: distributedWorkers() }).applications;

const TOPOLOGY = { juju_application: "tempo-worker", juju_model: MODEL, juju_model_uuid: MODEL_UUID };
const series = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.entries(labels).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(",")}}`;

function promtoolRun(args: string[], files: Record<string, string>): { status: number | null; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "promtool-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  const run = spawnSync(promtool.path, args, { cwd: dir, encoding: "utf8", timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe.skipIf(!promtool.available)(`our alert rules in Prometheus's promtool (${promtool.reason})`, () => {
  it("loads every group of a distributed and a monolithic cluster", () => {
    const rules = tempoAlertRules([...distributed, ...monolithic], coordinator);
    const run = promtoolRun(["check", "rules", "rules.json"], { "rules.json": JSON.stringify(rules) });
    expect(run.output).toContain("SUCCESS");
    expect(run.status).toBe(0);
  });

  it("would refuse a rule Prometheus cannot load", () => {
    const broken = { groups: [{ name: "x", rules: [{ alert: "A", expr: "sum(rate(up[5m])", for: "1m" }] }] };
    expect(promtoolRun(["check", "rules", "rules.json"], { "rules.json": JSON.stringify(broken) }).status).not.toBe(0);
  });

  it("fires TempoTargetDown after 5 minutes down, not before, and TempoRetentionFailing on a retention error", () => {
    const unit = { ...TOPOLOGY, juju_unit: "tempo-worker/0" };
    const tests = {
      rule_files: ["rules.json"],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: [
            { series: series("up", unit), values: "0x15" },
            { series: series("tempodb_retention_errors_total", unit), values: "0 0 1 1 1 1 1 1 1 1 1 1" },
          ],
          alert_rule_test: [
            { eval_time: "4m", alertname: "TempoTargetDown", exp_alerts: [] },
            {
              eval_time: "6m",
              alertname: "TempoTargetDown",
              exp_alerts: [
                {
                  exp_labels: { ...unit, juju_charm: "tempo-worker", severity: "critical" },
                  exp_annotations: {
                    summary: "A Tempo worker cannot be scraped",
                    description: "tempo-worker/0 has not answered on /metrics for 5 minutes: the process is down or unreachable.",
                  },
                },
              ],
            },
            {
              eval_time: "10m",
              alertname: "TempoRetentionFailing",
              exp_alerts: [
                {
                  exp_labels: { ...TOPOLOGY, juju_unit: "tempo-worker/0", juju_charm: "tempo-worker", severity: "critical" },
                  exp_annotations: {
                    summary: "Retention fails",
                    description: "tempo-worker/0 could not apply retention: old blocks are not deleted and the bucket keeps growing.",
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const run = promtoolRun(["test", "rules", "tests.yaml"], {
      "rules.json": JSON.stringify(tempoAlertRules(monolithic, coordinator)),
      "tests.yaml": stringify(tests),
    });
    expect(run.output).toContain("SUCCESS");
    expect(run.status).toBe(0);
  });
});
