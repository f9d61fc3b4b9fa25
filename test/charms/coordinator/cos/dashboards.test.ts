/** `grafana-dashboard`: our dashboards, their queries and datasources, and how they travel to Grafana. */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createCoordinatorCharm } from "../../../../src/charms/coordinator/charm.js";
import { PROMETHEUS_DATASOURCE, tempoDashboards } from "../../../../src/charms/coordinator/cos/dashboards.js";
import { lzmaBase64, xzStored } from "../../../../src/charms/coordinator/cos/xz-stored.js";
import { grafanaDashboardIntegration } from "../../../../src/charms/coordinator/integrations/grafana-dashboard.js";
import { DEFAULT_UNIT_BAG, on, relation, run } from "../../../../src/testing/index.js";
import { promqlMetricNames, substituteGrafanaIntervals, tempoSeriesNames } from "../../../helpers/query-languages.js";
import { realComponent } from "../../../helpers/real-component.js";
import { coordinatorState, distributed, jsonKey, relationSets, s3 } from "../tracing-fixtures.js";

const dashboards = Object.values(tempoDashboards());
const panels = dashboards.flatMap((dashboard) => dashboard.panels.map((panel) => ({ dashboard: dashboard.title, panel })));
const targets = panels.flatMap(({ dashboard, panel }) => panel.targets.map((target) => ({ dashboard, title: panel.title, target })));

describe("our dashboards", () => {
  it("are the cluster overview, the write path and the read path", () => {
    expect(dashboards.map((dashboard) => dashboard.title).sort()).toEqual(["Tempo / Cluster overview", "Tempo / Reads", "Tempo / Writes"]);
    expect(new Set(dashboards.map((dashboard) => dashboard.uid)).size).toBe(3);
  });

  it("show on the overview ingest, discarded spans, query rate and latency, ring members and restarts", () => {
    const overview = dashboards.find((dashboard) => dashboard.title === "Tempo / Cluster overview")!;
    const exprs = overview.panels.flatMap((panel) => panel.targets.map((target) => target.expr)).join("\n");
    for (const metric of ["tempo_distributor_spans_received_total", "tempo_discarded_spans_total", "tempo_request_duration_seconds_count", "tempo_request_duration_seconds_bucket", "tempo_ring_members", "process_start_time_seconds"]) {
      expect(exprs).toContain(metric);
    }
  });

  const exported = tempoSeriesNames();
  it.each(targets.map(({ dashboard, title, target }) => [dashboard, title, target.refId, target.expr]))(
    "%s, %s (%s): parses as PromQL and names only metrics Tempo 2.7 exports",
    (_dashboard, _title, _ref, expr) => {
      const names = promqlMetricNames(substituteGrafanaIntervals(expr));
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((name) => !exported.has(name))).toEqual([]);
    },
  );

  it("select every query on all four juju_* variables, which each dashboard declares", () => {
    for (const dashboard of dashboards) {
      const declared = dashboard.templating.list.map((variable) => (variable as { name: string }).name);
      expect(declared).toEqual(["juju_model", "juju_model_uuid", "juju_application", "juju_unit"]);
    }
    for (const { target } of targets) {
      for (const variable of ["juju_model", "juju_model_uuid", "juju_application", "juju_unit"]) {
        expect(target.expr).toContain(`${variable}=~"$${variable}"`);
      }
    }
  });

  it("read every panel, query and variable from the datasource Grafana's charm injects", () => {
    expect(PROMETHEUS_DATASOURCE).toBe("${prometheusds}");
    const uids = [
      ...panels.map(({ panel }) => panel.datasource.uid),
      ...targets.map(({ target }) => target.datasource.uid),
      ...dashboards.flatMap((dashboard) => dashboard.templating.list.map((variable) => (variable as { datasource: { uid: string } }).datasource.uid)),
    ];
    expect(new Set(uids)).toEqual(new Set([PROMETHEUS_DATASOURCE]));
  });

  it("lay panels out without overlapping", () => {
    for (const dashboard of dashboards) {
      const cells = dashboard.panels.map((panel) => `${panel.gridPos.x},${panel.gridPos.y}`);
      expect(new Set(cells).size).toBe(cells.length);
    }
  });
});

const xz = realComponent("xz", "xz-utils");
const unxz = (base64: string) => execFileSync(xz.path, ["-dc"], { input: Buffer.from(base64, "base64") }).toString("utf8");

describe.skipIf(!xz.available)(`the xz content encoding, read by the real xz (${xz.reason})`, () => {
  it.each([
    ["empty", ""],
    ["short", "hello, Grafana"],
    ["longer than one 64 KiB LZMA2 chunk, multi-byte UTF-8 included", Array.from({ length: 20_000 }, (_, i) => `ligne ${i} ✓`).join("\n")],
  ])("decodes a %s text to the same text", (_name, text) => {
    expect(unxz(lzmaBase64(text))).toBe(text);
  });

  it("passes xz's integrity test", () => {
    expect(() => execFileSync(xz.path, ["-t"], { input: Buffer.from(xzStored(new TextEncoder().encode("{}"))) })).not.toThrow();
  });
});

const grafana = () =>
  relation({ id: 50, endpoint: "grafana-dashboard", interface: "grafana_dashboard", remoteApp: "grafana", remoteUnitsData: { "0": { ...DEFAULT_UNIT_BAG } } });
const charm = createCoordinatorCharm([grafanaDashboardIntegration]);

interface DashboardsBag {
  uuid: string;
  templates: Record<string, { charm: string; content: string; inject_dropdowns: boolean; juju_topology: Record<string, string> }>;
}

describe("the coordinator related to Grafana", () => {
  it("sends the three dashboards from the leader, each named by file and marked for topology dropdowns", async () => {
    const result = await run(charm, on.relationJoined({ id: 50 }, { remoteUnit: 0 }), coordinatorState([...distributed(), s3(), grafana()]));
    const bag = jsonKey(result.state, 50, "dashboards") as DashboardsBag;
    expect(Object.keys(bag.templates)).toEqual(["file:tempo-overview.json", "file:tempo-reads.json", "file:tempo-writes.json"]);
    expect(bag.templates["file:tempo-reads.json"]).toMatchObject({
      charm: "tempo-coordinator",
      inject_dropdowns: true,
      juju_topology: { application: "tempo", model: "cos", unit: "tempo/0" },
    });
    expect(bag.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it.skipIf(!xz.available)("sends content that decompresses to the dashboard itself", async () => {
    const result = await run(charm, on.relationJoined({ id: 50 }, { remoteUnit: 0 }), coordinatorState([...distributed(), s3(), grafana()]));
    const bag = jsonKey(result.state, 50, "dashboards") as DashboardsBag;
    expect(JSON.parse(unxz(bag.templates["file:tempo-writes.json"]!.content)).title).toBe("Tempo / Writes");
  });

  it("writes nothing again while the dashboards are unchanged", async () => {
    const first = await run(charm, on.relationJoined({ id: 50 }, { remoteUnit: 0 }), coordinatorState([...distributed(), s3(), grafana()]));
    const second = await run(charm, on.updateStatus(), first.state);
    expect(relationSets(second)).toEqual([]);
  });

  it("leaves the dashboards to the leader", async () => {
    const result = await run(charm, on.relationJoined({ id: 50 }, { remoteUnit: 0 }), coordinatorState([...distributed(), s3(), grafana()], { leader: false, unitId: 1 }));
    expect(jsonKey(result.state, 50, "dashboards")).toBeUndefined();
  });
});
