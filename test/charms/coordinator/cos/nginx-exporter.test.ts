/**
 * The nginx exporter: its Pebble layer in the coordinator, and the command that layer runs proven
 * against a real nginx serving stub_status and a real exporter (Debian's prometheus-nginx-exporter).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createCoordinatorCharm } from "../../../../src/charms/coordinator/charm.js";
import {
  NGINX_EXPORTER_CONTAINER,
  NGINX_STATUS_URL,
  nginxExporterCommand,
} from "../../../../src/charms/coordinator/cos/nginx-exporter.js";
import { nginxExporterIntegration } from "../../../../src/charms/coordinator/integrations/nginx-exporter-workload.js";
import { COORDINATOR_META } from "../../../../src/charms/coordinator/meta.js";
import type { Charm } from "../../../../src/juju/charm.js";
import { container, on, run } from "../../../../src/testing/index.js";
import { realComponent } from "../../../helpers/real-component.js";
import { coordinatorState, distributed, s3 } from "../tracing-fixtures.js";

/** The coordinator as it will be once the nginx workload's containers are declared (front door). */
const withExporterContainer: Charm = {
  ...createCoordinatorCharm([nginxExporterIntegration]),
  meta: { ...COORDINATOR_META, containers: { [NGINX_EXPORTER_CONTAINER]: { resource: "nginx-prometheus-exporter-image" } } },
};

describe("the nginx exporter's Pebble layer", () => {
  it("runs the exporter against nginx's local status page, listening on :9113", async () => {
    const state = coordinatorState([...distributed(), s3()], { containers: [container({ name: NGINX_EXPORTER_CONTAINER })] });
    const result = await run(withExporterContainer, on.pebbleReady(NGINX_EXPORTER_CONTAINER), state);
    const exporter = result.state.containers.find((c) => c.name === NGINX_EXPORTER_CONTAINER)!;
    const service = exporter.layers.at(-1)?.layer.services?.["nginx-prometheus-exporter"];
    expect(service?.command).toBe(`nginx-prometheus-exporter --web.listen-address=:9113 --nginx.scrape-uri=${NGINX_STATUS_URL}`);
    expect(service?.startup).toBe("enabled");
    expect(exporter.services["nginx-prometheus-exporter"]?.current).toBe("active");
  });

  it("adds no layer when the plan already runs it", async () => {
    const state = coordinatorState([...distributed(), s3()], { containers: [container({ name: NGINX_EXPORTER_CONTAINER })] });
    const first = await run(withExporterContainer, on.pebbleReady(NGINX_EXPORTER_CONTAINER), state);
    const second = await run(withExporterContainer, on.updateStatus(), first.state);
    expect(second.state.containers[0]!.layers).toHaveLength(first.state.containers[0]!.layers.length);
  });

  it("waits for the container instead of failing the hook while Pebble is not up", async () => {
    const state = coordinatorState([...distributed(), s3()], { containers: [container({ name: NGINX_EXPORTER_CONTAINER, canConnect: false })] });
    const result = await run(withExporterContainer, on.updateStatus(), state);
    expect(result.state.containers[0]!.layers).toEqual([]);
    expect(result.state.unitStatus.status).toBe("active");
  });
});

const nginx = realComponent("nginx");
const exporter = realComponent("prometheus-nginx-exporter");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function fetchText(url: string, attempts = 100): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(url);
      if (response.ok) return await response.text();
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(!nginx.available || !exporter.available)(`the exporter with a real nginx (${nginx.reason}; ${exporter.reason})`, () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill("SIGTERM");
  });

  it("serves nginx's connection counters read from the stub_status page", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "nginx-exporter-"));
    const statusPort = await freePort();
    const exporterPort = await freePort();
    // A minimal config with the status server the coordinator's nginx serves, on a free port.
    writeFileSync(
      path.join(dir, "nginx.conf"),
      [
        "daemon off;",
        "worker_processes 1;",
        `pid ${dir}/nginx.pid;`,
        `error_log ${dir}/error.log;`,
        "events { worker_connections 64; }",
        "http {",
        `  access_log off; client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};`,
        `  server { listen 127.0.0.1:${statusPort}; location = /status { stub_status; } }`,
        "}",
      ].join("\n"),
    );
    children.push(spawn(nginx.path, ["-p", dir, "-c", path.join(dir, "nginx.conf")], { stdio: "ignore" }));
    await fetchText(`http://127.0.0.1:${statusPort}/status`);

    // The layer's own command line, with Debian's binary name and test ports.
    const command = nginxExporterCommand({
      binary: exporter.path,
      listenAddress: `127.0.0.1:${exporterPort}`,
      scrapeUri: NGINX_STATUS_URL.replace("8080", String(statusPort)),
    }).split(" ");
    children.push(spawn(command[0]!, command.slice(1), { stdio: "ignore" }));
    const metrics = await fetchText(`http://127.0.0.1:${exporterPort}/metrics`);
    expect(metrics).toMatch(/^nginx_up 1$/m);
    expect(metrics).toMatch(/^nginx_connections_active \d+$/m);
    expect(metrics).toMatch(/^nginx_http_requests_total \d+$/m);
  }, 30_000);
});
