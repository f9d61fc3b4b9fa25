/**
 * The COS artefacts as files, compared byte for byte: what Prometheus, Loki and Grafana receive for
 * a monolithic cluster (one `tempo-worker` application with role `all`, which gets every rule).
 * Rewrite them with `UPDATE_GOLDEN=1 npx vitest run test/charms/coordinator/cos/golden.test.ts`,
 * then review the diff by hand. The dashboards here can also be imported into Grafana by hand.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tempoDashboards } from "../../../../src/charms/coordinator/cos/dashboards.js";
import { tempoAlertRules } from "../../../../src/charms/coordinator/cos/tempo-alert-rules.js";
import { tempoLogAlertRules } from "../../../../src/charms/coordinator/cos/tempo-log-rules.js";
import { parseCluster } from "../../../../src/interface/provider.js";
import { MODEL, MODEL_UUID, workerRelation } from "../fixtures.js";

const monolithic = parseCluster({ relations: [workerRelation(1, "tempo-worker", "all", 1)] }).applications;
const coordinator = { model: MODEL, modelUuid: MODEL_UUID };

const goldens: [string, unknown][] = [
  ["alert-rules.json", tempoAlertRules(monolithic, coordinator)],
  ["log-alert-rules.json", tempoLogAlertRules(monolithic, coordinator)],
  ...Object.entries(tempoDashboards()).map(([file, dashboard]): [string, unknown] => [`dashboard-${file}`, dashboard]),
];

describe("COS artefacts for a monolithic cluster", () => {
  it.each(goldens)("%s matches its golden file", (file, value) => {
    const path = fileURLToPath(new URL(`golden/${file}`, import.meta.url));
    const text = `${JSON.stringify(value, null, 2)}\n`;
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(path, text);
    expect(text).toBe(readFileSync(path, "utf8"));
  });
});
