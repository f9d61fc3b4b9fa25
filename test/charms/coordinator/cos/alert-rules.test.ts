import { describe, expect, it } from "vitest";
import { parseCluster } from "../../../../src/interface/provider.js";
import { tempoAlertRules } from "../../../../src/charms/coordinator/cos/tempo-alert-rules.js";
import { tempoLogAlertRules } from "../../../../src/charms/coordinator/cos/tempo-log-rules.js";
import { parseLogql, promqlMetricNames, tempoSeriesNames } from "../../../helpers/query-languages.js";
import { MODEL, MODEL_UUID, distributedWorkers, workerRelation } from "../fixtures.js";

const coordinator = { model: MODEL, modelUuid: MODEL_UUID };
const distributed = parseCluster({ relations: distributedWorkers() }).applications;
const monolithic = parseCluster({ relations: [workerRelation(1, "tempo-worker", "all", 2)] }).applications;

describe("Tempo alert rules", () => {
  const rules = tempoAlertRules([...distributed, ...monolithic], coordinator).groups.flatMap((group) => group.rules);
  const exported = tempoSeriesNames();

  it.each(rules.map((rule) => [rule.alert, rule.expr]))("%s parses as PromQL and names only metrics Tempo 2.7 exports", (_alert, expr) => {
    const names = promqlMetricNames(expr);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !exported.has(name))).toEqual([]);
  });

  it("the metric check would catch a name Tempo does not export", () => {
    expect(exported.has("tempo_distributor_push_failures_total")).toBe(false);
    expect(() => promqlMetricNames("sum(rate(up[5m]) >")).toThrow();
  });

  it("covers what an operator must be paged for", () => {
    const alerts = new Set(tempoAlertRules(monolithic, coordinator).groups[0]?.rules.map((rule) => rule.alert));
    for (const alert of [
      "TempoTargetDown",
      "TempoDistributorPushFailures",
      "TempoDistributorPushLatency",
      "TempoDiscardedSpans",
      "TempoIngesterFlushesFailing",
      "TempoCompactionsFailing",
      "TempoRetentionFailing",
      "TempoQueryFrontendQueueLatency",
      "TempoRequestErrors",
      "TempoRequestLatency",
      "TempoRingMembersUnhealthy",
    ]) {
      expect(alerts).toContain(alert);
    }
  });

  it("gives each worker application one group, labelled and selected with that application's topology", () => {
    const { groups } = tempoAlertRules(distributed, coordinator);
    expect(groups.map((group) => group.name)).toEqual(distributed.map((app) => `${MODEL}_${MODEL_UUID.slice(0, 8)}_${app.application}_tempo_alerts`));
    for (const [index, group] of groups.entries()) {
      const app = distributed[index]!.application;
      for (const rule of group.rules) {
        expect(rule.labels).toMatchObject({ juju_application: app, juju_model: MODEL, juju_model_uuid: MODEL_UUID, juju_charm: "tempo-worker" });
        expect(rule.expr).toContain(`juju_application="${app}"`);
      }
    }
  });

  it("sends an application only the rules its role can fire", () => {
    const { groups } = tempoAlertRules(distributed, coordinator);
    const byApp = new Map(groups.map((group) => [group.rules[0]!.labels.juju_application, group.rules.map((rule) => rule.alert)]));
    expect(byApp.get("tempo-compactor")).toContain("TempoCompactionsFailing");
    expect(byApp.get("tempo-compactor")).not.toContain("TempoIngesterFlushesFailing");
    expect(byApp.get("tempo-ingester")).toContain("TempoIngesterFlushesFailing");
    expect(byApp.get("tempo-querier")).not.toContain("TempoDistributorPushFailures");
  });

  it("renders the same bytes for the same cluster", () => {
    expect(JSON.stringify(tempoAlertRules(distributed, coordinator))).toBe(JSON.stringify(tempoAlertRules(distributed, coordinator)));
  });
});

describe("Tempo log alert rules", () => {
  const groups = tempoLogAlertRules(distributed, coordinator).groups;

  it.each(groups.flatMap((group) => group.rules.map((rule) => [group.name, rule.alert, rule.expr])))(
    "%s %s parses as LogQL",
    (_group, _alert, expr) => {
      expect(() => parseLogql(expr)).not.toThrow();
    },
  );

  it("the LogQL check would catch a malformed query", () => {
    expect(() => parseLogql('sum(count_over_time({juju_application="a"} |= [5m]))')).toThrow();
  });

  it("gives each worker application a group selecting only its own log streams", () => {
    expect(groups).toHaveLength(distributed.length);
    for (const [index, group] of groups.entries()) {
      const app = distributed[index]!.application;
      for (const rule of group.rules) {
        expect(rule.expr).toContain(`juju_application="${app}"`);
        expect(rule.labels.juju_application).toBe(app);
      }
    }
  });
});
