/**
 * The front door's nginx.conf for three cluster shapes, compared byte for byte with `golden/*.conf`,
 * and each checked by Debian's own nginx (`nginx -t`). Rewrite the goldens with
 * `UPDATE_GOLDEN=1 npx vitest run test/charms/coordinator/nginx/nginx-config.test.ts` and review the
 * diff by hand.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { renderNginxConfig, type NginxConfigInputs } from "../../../../src/charms/coordinator/nginx/nginx-config.js";
import { frontDoorRoutes } from "../../../../src/charms/coordinator/nginx/routes.js";
import type { ReceiverProtocol } from "../../../../src/interface/ports.js";
import { parseCluster } from "../../../../src/interface/provider.js";
import { RECEIVER_PROTOCOLS } from "../../../../src/interface/ports.js";
import { realComponent } from "../../../helpers/real-component.js";
import { throwawayTls } from "../../../helpers/throwaway-tls.js";
import { distributedWorkers, workerRelation } from "../fixtures.js";
import { nginxTest, preparePrefix, removePrefix, type NginxPrefix } from "./real-nginx.js";

const GOLDEN_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "golden");
const SERVER_NAME = "tempo.cos.svc.cluster.local";

function inputs(relations: Parameters<typeof parseCluster>[0]["relations"], receivers: readonly ReceiverProtocol[], isTls: boolean): NginxConfigInputs {
  return {
    routes: frontDoorRoutes(parseCluster({ relations }), receivers),
    resolver: "10.152.183.10",
    ...(isTls ? { tls: { serverName: SERVER_NAME } } : {}),
  };
}

const CASES: Record<string, NginxConfigInputs> = {
  // Two distributors and an `all` node share the receivers; the query-frontend and the `all` node the API.
  "distributed-otlp": inputs(
    [...distributedWorkers(), workerRelation(6, "tempo-distributor-b", "distributor", 2), workerRelation(7, "tempo-all", "all", 1)],
    ["otlp_grpc", "otlp_http"],
    false,
  ),
  "monolithic-all-receivers-tls": inputs([workerRelation(1, "tempo", "all", 1)], RECEIVER_PROTOCOLS, true),
  // No worker yet: every port answers 503 naming the missing role instead of routing nowhere.
  "no-workers": inputs([], ["otlp_http"], false),
};

describe("the front door's nginx.conf", () => {
  for (const [name, caseInputs] of Object.entries(CASES)) {
    it(`renders ${name} as golden/${name}.conf`, () => {
      const rendered = renderNginxConfig(caseInputs);
      const goldenPath = path.join(GOLDEN_DIR, `${name}.conf`);
      if (process.env.UPDATE_GOLDEN) writeFileSync(goldenPath, rendered);
      expect(rendered).toBe(readFileSync(goldenPath, "utf8"));
    });
  }

  it("renders the same bytes whatever order the worker relations come in", () => {
    const relations = [...distributedWorkers(), workerRelation(7, "tempo-all", "all", 2)];
    const forwards = renderNginxConfig(inputs(relations, ["zipkin", "otlp_http"], false));
    const backwards = renderNginxConfig(inputs([...relations].reverse(), ["otlp_http", "zipkin"], false));
    expect(backwards).toBe(forwards);
  });

  it("routes only the receivers that are enabled", () => {
    const config = renderNginxConfig(inputs(distributedWorkers(), ["zipkin"], false));
    expect(config).toContain("listen 9411;");
    for (const port of [4317, 4318, 14250, 14268]) expect(config).not.toContain(`listen ${port}`);
    expect(config).toContain("listen 3200;");
    expect(config).toContain("listen 9096 http2;");
  });

  it("sends `all` workers a share of both the receivers and the query API", () => {
    const config = renderNginxConfig(inputs([workerRelation(1, "tempo-all", "all", 1), workerRelation(2, "tempo-qf", "query-frontend", 1)], ["otlp_http"], false));
    const block = (variable: string) => config.slice(config.indexOf(`$${variable} {`), config.indexOf("}", config.indexOf(`$${variable} {`)));
    expect(block("upstream_otlp_http")).toContain("tempo-all-0.tempo-all-endpoints.cos.svc.cluster.local:4318;");
    expect(block("upstream_otlp_http")).not.toContain("tempo-qf");
    expect(block("upstream_tempo_http")).toContain("tempo-all-0.tempo-all-endpoints.cos.svc.cluster.local:3200;");
    expect(block("upstream_tempo_http")).toContain("tempo-qf-0.tempo-qf-endpoints.cos.svc.cluster.local:3200;");
  });

  it("leaves out the upstream of a role no worker has, and answers 503 naming it", () => {
    const config = renderNginxConfig(inputs([workerRelation(1, "tempo-qf", "query-frontend", 1)], ["otlp_http"], false));
    expect(config).not.toContain("$upstream_otlp_http {");
    expect(config).toContain('return 503 "no distributor worker in the cluster to serve otlp-http\\n";');
  });

  it("brackets IPv6 worker addresses", () => {
    const view = { applications: [{ relationId: 1, application: "t", role: "all" as const, units: [{ name: "t/0", address: "fd00::1", topology: { application: "t", unit: "t/0", charm_name: null } }] }], rejected: [] };
    const config = renderNginxConfig({ routes: frontDoorRoutes(view, ["otlp_http"]), resolver: "[fd00::53]" });
    expect(config).toContain("* [fd00::1]:4318;");
    expect(config).toContain("resolver [fd00::53] valid=10s;");
  });
});

const nginx = realComponent("nginx");

describe.skipIf(!nginx.available)(`Debian's nginx accepts every golden config (${nginx.reason})`, () => {
  const prefixes: NginxPrefix[] = [];
  afterAll(() => prefixes.forEach(removePrefix));
  const tls = throwawayTls([SERVER_NAME]);

  for (const [name, caseInputs] of Object.entries(CASES)) {
    it(`nginx -t passes golden/${name}.conf`, () => {
      const prefix = preparePrefix(renderNginxConfig(caseInputs), caseInputs.tls ? tls : undefined);
      prefixes.push(prefix);
      const result = nginxTest(nginx.path, prefix);
      expect(result.output).toContain("test is successful");
      expect(result.status).toBe(0);
    });
  }

  it("nginx -t fails on a config that names a certificate that is not there (the check can fail)", () => {
    const prefix = preparePrefix(renderNginxConfig(CASES["monolithic-all-receivers-tls"]!));
    prefixes.push(prefix);
    const result = nginxTest(nginx.path, prefix);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("server.cert");
  });
});
