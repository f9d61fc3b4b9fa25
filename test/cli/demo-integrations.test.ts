import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCliCaptured } from "../helpers/cli-io.js";

function expectNoStackTrace(text: string): void {
  expect(text).not.toMatch(/\n\s+at /);
}

const STAND_IN_ROWS = [
  /^self-signed-certificates\/0\*\s+active\s+idle\s/m,
  /^traced-app\/0\*\s+active\s+idle\s/m,
  /^loki\/0\*\s+active\s+idle\s/m,
  /^prometheus\/0\*\s+active\s+idle\s/m,
  /^grafana\/0\*\s+active\s+idle\s/m,
  /^traefik\/0\*\s+active\s+idle\s/m,
];

describe("tempo-cluster demo --with", () => {
  it("deploys every integration's stand-in with --with all and shows every unit active and what each integration gives", async () => {
    const run = await runCliCaptured(["demo", "--with", "all"]);
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^Model tempo-sim: 16 applications, 18 units — converged after \d+ hooks/);
    for (const row of STAND_IN_ROWS) expect(run.stdout).toMatch(row);
    expect(run.stdout).toMatch(/^tempo\/0\*\s+active\s+idle\s+\S+\s+8 workers in 6 applications; traces received by tempo-distributor \(1 unit\)$/m);
    expect(run.stdout).not.toMatch(/^\S+\s+(blocked|waiting|maintenance|error)\s/m);
    expect(run.stdout).toContain('TLS          on: certificate for tempo.tempo-sim.svc.cluster.local from self-signed-certificates (issuer "Simulated Juju model CA")');
    expect(run.stdout).toContain("8 of 8 workers serve HTTPS with it");
    expect(run.stdout).toContain("traced-app asked for otlp_grpc, zipkin; offered every receiver Tempo runs:");
    // With an ingress, related charms are sent to Traefik (http here: the stand-in says so).
    expect(run.stdout).toContain("zipkin     http://traefik.example.internal:9411");
    expect(run.stdout).toMatch(/Remote-write http:\/\/10\.1\.0\.\d+:9090\/api\/v1\/write \(metrics-generator\)/);
    expect(run.stdout).toMatch(/Logging {6}loki\/0 http:\/\/10\.1\.0\.\d+:3100\/loki\/api\/v1\/push\n\s+8 of 8 workers forward their logs there through Pebble/);
    expect(run.stdout).toContain("\n    http_tls_config:\n      cert_file: /etc/worker/server.cert\n");
  });

  it("renews the cluster's certificate after wait 61d of a 90-day certificate, and every worker serves the new one", async () => {
    const run = await runCliCaptured(["demo", "--topology", "monolithic", "--with", "tls", "--then", "wait 61d"]);
    expect(run.exitCode).toBe(0);
    const [before, after] = run.stdout.split("── then: wait 61d");
    expect(before).toMatch(/DNS names, valid until 2026-04-01/);
    expect(after).toMatch(/TLS {10}on: certificate for \S+ from self-signed-certificates \(issuer "Simulated Juju model CA"\), \d+ DNS names, valid until 2026-06-01/);
    expect(after).toMatch(/1 of 1 worker serves? HTTPS with it/);
  });

  it("never prints certificate or key bytes, so two runs print the same text", async () => {
    const first = await runCliCaptured(["demo", "--topology", "monolithic", "--with", "all"]);
    const second = await runCliCaptured(["demo", "--topology", "monolithic", "--with", "all"]);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).not.toContain("BEGIN");
    expect(first.stdout).toBe(second.stdout);
  });

  it("switches everything back to plain and stays active when a step removes the certificates relation", async () => {
    // Without cos: its blackbox exporter's status names the probed URL, which turns from https to http.
    const run = await runCliCaptured(["demo", "--topology", "monolithic", "--with", "tls,tracing,logging", "--then", "remove-relation tempo self-signed-certificates"]);
    expect(run.exitCode).toBe(0);
    const step = run.stdout.slice(run.stdout.indexOf("── then: remove-relation tempo self-signed-certificates"));
    expect(step).toMatch(/^converged after \d+ hooks/m);
    expect(step).toContain("Status: no unit changed.");
    expect(step).toMatch(/Config: changed, identical on the only worker/);
    expect(step).toContain("Integrations changed:\n  TLS          off: the workers serve plain HTTP and gRPC");
    expect(step).toContain("zipkin     http://tempo.tempo-sim.svc.cluster.local:9411");
    expect(step).not.toContain("Remote-write");
  });

  it("shows the front door, what Grafana received and Traefik's routes with --with grafana,ingress", async () => {
    const run = await runCliCaptured(["demo", "--topology", "monolithic", "--with", "grafana,ingress"]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      "Front door (juju run tempo/0 list-receivers):\n  otlp-http  http://traefik.example.internal:4318\n",
    );
    expect(run.stdout).toContain(
      "  Grafana      grafana has a tempo datasource for tempo/0 at http://traefik.example.internal:3200 (uid juju_tempo-sim_tempo_0)\n",
    );
    expect(run.stdout).toContain("  Ingress      traefik listens at http://traefik.example.internal; 7 routes:\n");
    expect(run.stdout).toContain("    otlp-grpc           :4317  → h2c://tempo-0.tempo-endpoints.tempo-sim.svc.cluster.local:4317\n");
    expect(run.stdout).toContain("    tempo-http          :3200  → http://tempo-0.tempo-endpoints.tempo-sim.svc.cluster.local:3200\n");
    expect(run.stdout).toMatch(/^traefik\s+traefik\s+1\s+active\s+7 routes$/m);
  });

  it("points every front-door URL at the coordinator's service without an ingress", async () => {
    const run = await runCliCaptured(["demo", "--topology", "monolithic", "--with", "grafana"]);
    expect(run.stdout).toContain("Front door (juju run tempo/0 list-receivers):\n  otlp-http  http://tempo.tempo-sim.svc.cluster.local:4318\n");
    expect(run.stdout).toContain("grafana has a tempo datasource for tempo/0 at http://tempo.tempo-sim.svc.cluster.local:3200");
    expect(run.stdout).not.toContain("Ingress");
  });

  it("deploys only the integrations named", async () => {
    const run = await runCliCaptured(["demo", "--topology", "monolithic", "--with", "logging,tls"]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^self-signed-certificates\s/m);
    expect(run.stdout).toMatch(/^loki\s/m);
    expect(run.stdout).not.toContain("traced-app");
    expect(run.stdout).toContain("the workers' charms send their traces to otlp_http https://tempo.tempo-sim.svc.cluster.local:4318");
  });

  it("puts each phase's integrations in the JSON report, and none without --with", async () => {
    const withIntegrations = JSON.parse((await runCliCaptured(["demo", "--topology", "monolithic", "--with", "tls", "--json"])).stdout) as {
      phases: { integrations?: { tls: { state: string; dnsNames: string[]; workersServingHttps: number } } }[];
    };
    expect(withIntegrations.phases[0]!.integrations?.tls).toMatchObject({ state: "on", workersServingHttps: 1 });
    expect(withIntegrations.phases[0]!.integrations?.tls.dnsNames).toContain("*.tempo-worker-endpoints.tempo-sim.svc.cluster.local");
    const plain = JSON.parse((await runCliCaptured(["demo", "--topology", "monolithic", "--json"])).stdout) as { phases: Record<string, unknown>[] };
    expect(Object.keys(plain.phases[0]!)).not.toContain("integrations");
  });

  it.each([
    [["--with", "ldap"], 'unknown integration "ldap": choose from tls, tracing, logging, grafana, ingress, cos or all'],
    [["--with", "remote-write"], "(remote-write is always on)"],
    [["--with", ""], "name at least one integration"],
  ])("rejects %j with exit code 2 and a clear message", async (args, message) => {
    const run = await runCliCaptured(["demo", ...args]);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(message);
    expectNoStackTrace(run.stderr);
  });

  it("documents --with and each integration's stand-in in --help", async () => {
    const run = await runCliCaptured(["demo", "--help"]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("--with NAME,…");
    expect(run.stdout).toMatch(/tls\s+self-signed-certificates/);
    expect(run.stdout).toMatch(/tracing\s+traced-app/);
    expect(run.stdout).toMatch(/logging\s+loki/);
  });
});

describe("tempo-cluster demo --with tls --out", () => {
  it("writes each worker's TLS files with the container's modes, the key owner-only", async () => {
    const directory = mkdtempSync(path.join(tmpdir(), "demo-tls-out-"));
    try {
      const run = await runCliCaptured(["demo", "--topology", "monolithic", "--with", "tls", "--out", directory]);
      expect(run.exitCode).toBe(0);
      const worker = path.join(directory, "tempo-worker", "0", "etc", "worker");
      expect(statSync(path.join(worker, "private.key")).mode & 0o777).toBe(0o600);
      expect(statSync(path.join(worker, "server.cert")).mode & 0o777).toBe(0o644);
      expect(readFileSync(path.join(worker, "server.cert"), "utf8")).toContain("BEGIN CERTIFICATE");
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
