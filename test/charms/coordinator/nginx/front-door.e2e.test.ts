/**
 * Real nginx, run on a config the renderer produced, in front of stand-in workers on loopback: each
 * stand-in answers with its role, so every port is proven to reach the role it should, over HTTP
 * and gRPC (h2c, a unary call framed by hand), plain and with TLS both ways.
 *
 * The workers sit on distinct loopback addresses (127.0.0.2 distributor, 127.0.0.3 query-frontend)
 * and every port is chosen at run time; the renderer's `ports` input carries them. Only the
 * container paths are rewritten (real-nginx.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import http2 from "node:http2";
import https from "node:https";
import type net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nginxExporterCommand } from "../../../../src/charms/coordinator/cos/nginx-exporter.js";
import { renderNginxConfig, NGINX_STATUS_PATH } from "../../../../src/charms/coordinator/nginx/nginx-config.js";
import { frontDoorRoutes, ROUTE_DEFINITIONS, type RouteName } from "../../../../src/charms/coordinator/nginx/routes.js";
import type { ClusterView, WorkerApplication } from "../../../../src/interface/cluster-view.js";
import { RECEIVER_PROTOCOLS } from "../../../../src/interface/ports.js";
import type { Role } from "../../../../src/interface/roles.js";
import { realComponent } from "../../../helpers/real-component.js";
import { throwawayTls, type ThrowawayTls } from "../../../helpers/throwaway-tls.js";
import { freePorts, nginxOutput, preparePrefix, removePrefix, startNginx, stopNginx, type NginxPrefix } from "./real-nginx.js";

const SERVER_NAME = "tempo.e2e.svc.cluster.local";
const HOSTS: Partial<Record<Role, string>> = { distributor: "127.0.0.2", "query-frontend": "127.0.0.3" };
const OTLP_EXPORT = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

function application(role: Role, host: string, relationId: number): WorkerApplication {
  const name = `tempo-${role}`;
  return {
    relationId,
    application: name,
    role,
    units: [{ name: `${name}/0`, address: host, topology: { application: name, unit: `${name}/0`, charm_name: "tempo-worker" } }],
  };
}

/** A complete distributed cluster; only the distributor and query-frontend are ever routed to. */
const CLUSTER: ClusterView = {
  applications: [
    application("compactor", "127.0.0.4", 1),
    application("distributor", HOSTS.distributor!, 2),
    application("ingester", "127.0.0.5", 3),
    application("querier", "127.0.0.6", 4),
    application("query-frontend", HOSTS["query-frontend"]!, 5),
  ],
  rejected: [],
};

type Closable = { close(): void };

/** What a stand-in answers: its role, and the tenant header nginx forwarded. */
function answer(role: string, tenant: string | string[] | undefined): string {
  return `${role} tenant=${String(tenant ?? "none")}`;
}

/** gRPC's length-prefixed message: a compressed flag, a 4-byte big-endian length, the bytes. */
function grpcFrame(message: string): Buffer {
  const body = Buffer.from(message);
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(body.length, 1);
  return Buffer.concat([prefix, body]);
}

/** A stand-in worker serving one route on `host`, on a port of the kernel's choice. */
async function standIn(role: string, host: string, transport: "http" | "grpc", tls: ThrowawayTls | undefined): Promise<{ port: number; server: Closable }> {
  const httpHandler = (request: http.IncomingMessage, response: http.ServerResponse) => {
    request.resume();
    request.on("end", () => response.end(answer(role, request.headers["x-scope-orgid"])));
  };
  let server: net.Server;
  if (transport === "http") {
    server = tls ? https.createServer({ cert: tls.serverCert, key: tls.serverKey }, httpHandler) : http.createServer(httpHandler);
  } else {
    const h2 = tls ? http2.createSecureServer({ cert: tls.serverCert, key: tls.serverKey }) : http2.createServer();
    h2.on("stream", (stream, headers) => {
      stream.resume();
      stream.on("end", () => {
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        stream.end(grpcFrame(answer(role, headers["x-scope-orgid"])));
      });
    });
    server = h2;
  }
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

function httpRequest(
  method: "GET" | "POST",
  url: string,
  tls: ThrowawayTls | undefined,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const options = tls ? { ca: tls.caCert, servername: SERVER_NAME, headers } : { headers };
    const request = (tls ? https : http).request(url, { ...options, method }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("error", reject);
    request.end(method === "POST" ? "{}" : undefined);
  });
}

/** One gRPC unary call; resolves with grpc-status and the answer message. */
function grpcCall(port: number, tls: ThrowawayTls | undefined, path: string): Promise<{ grpcStatus: string | undefined; message: string }> {
  return new Promise((resolve, reject) => {
    const session = tls
      ? http2.connect(`https://127.0.0.1:${port}`, { ca: tls.caCert, servername: SERVER_NAME })
      : http2.connect(`http://127.0.0.1:${port}`);
    session.on("error", reject);
    const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers" });
    const chunks: Buffer[] = [];
    let grpcStatus: string | undefined;
    stream.on("response", (headers) => {
      // A failure answered with headers only (a "trailers-only" response) carries grpc-status here.
      const status = headers["grpc-status"];
      if (typeof status === "string") grpcStatus = status;
    });
    stream.on("trailers", (trailers) => {
      const status = trailers["grpc-status"];
      if (typeof status === "string") grpcStatus = status;
    });
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      session.close();
      const body = Buffer.concat(chunks);
      resolve({ grpcStatus, message: body.length >= 5 ? body.subarray(5, 5 + body.readUInt32BE(1)).toString() : "" });
    });
    stream.on("error", reject);
    stream.end(grpcFrame("request"));
  });
}

/** Until nginx answers its status page (it binds its ports a moment after it starts). */
async function waitForNginx(statusPort: number, child: ChildProcess, prefix: NginxPrefix): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${nginxOutput(prefix)}`);
    try {
      await httpRequest("GET", `http://127.0.0.1:${statusPort}${NGINX_STATUS_PATH}`, undefined);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`nginx never answered on its status port: ${nginxOutput(prefix)}`);
}

const nginx = realComponent("nginx");
const exporter = realComponent("prometheus-nginx-exporter");

/** The body of `url` once it answers 200; the exporter binds its port a moment after it starts. */
async function metricsOnceUp(url: string): Promise<string> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 150; attempt++) {
    try {
      const response = await httpRequest("GET", url, undefined);
      if (response.status === 200) return response.body;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the exporter never answered at ${url}: ${String(lastError)}`);
}

for (const mode of ["plain", "tls"] as const) {
  describe.skipIf(!nginx.available)(`real nginx as the front door, ${mode} (${nginx.reason})`, () => {
    const tls = mode === "tls" ? throwawayTls([SERVER_NAME]) : undefined;
    const servers: Closable[] = [];
    const listen: Partial<Record<RouteName, number>> = {};
    let statusPort = 0;
    let prefix: NginxPrefix | undefined;
    let child: ChildProcess | undefined;

    beforeAll(async () => {
      const workers: Partial<Record<RouteName, number>> = {};
      for (const definition of ROUTE_DEFINITIONS) {
        const host = HOSTS[definition.role]!;
        const started = await standIn(definition.role, host, definition.transport, tls);
        servers.push(started.server);
        workers[definition.name] = started.port;
      }
      const ports = await freePorts(ROUTE_DEFINITIONS.length + 1);
      ROUTE_DEFINITIONS.forEach((definition, index) => (listen[definition.name] = ports[index]!));
      statusPort = ports[ROUTE_DEFINITIONS.length]!;
      const config = renderNginxConfig({
        routes: frontDoorRoutes(CLUSTER, RECEIVER_PROTOCOLS),
        resolver: "127.0.0.1",
        ...(tls ? { tls: { serverName: SERVER_NAME } } : {}),
        ports: { listen, workers, status: statusPort },
      });
      prefix = preparePrefix(config, tls);
      child = startNginx(nginx.path, prefix);
      await waitForNginx(statusPort, child, prefix);
    }, 60_000);

    afterAll(async () => {
      if (child) await stopNginx(child);
      for (const server of servers) server.close();
      if (prefix) removePrefix(prefix);
    });

    for (const definition of ROUTE_DEFINITIONS.filter((route) => route.transport === "http")) {
      it(`${definition.name} (HTTP, production port ${definition.port}) reaches the ${definition.role}, tenant anonymous`, async () => {
        const scheme = tls ? "https" : "http";
        const response = await httpRequest("POST", `${scheme}://127.0.0.1:${listen[definition.name]}/v1/traces`, tls);
        expect(response).toEqual({ status: 200, body: `${definition.role} tenant=anonymous` });
      });
    }

    for (const definition of ROUTE_DEFINITIONS.filter((route) => route.transport === "grpc")) {
      it(`${definition.name} (gRPC, production port ${definition.port}) reaches the ${definition.role}`, async () => {
        const call = await grpcCall(listen[definition.name]!, tls, OTLP_EXPORT);
        expect(call).toEqual({ grpcStatus: "0", message: `${definition.role} tenant=anonymous` });
      });
    }

    it("forwards a tenant the client names instead of anonymous", async () => {
      const scheme = tls ? "https" : "http";
      const response = await httpRequest("GET", `${scheme}://127.0.0.1:${listen["tempo-http"]}/api/search`, tls, {
        "X-Scope-OrgID": "team-a",
      });
      expect(response.body).toBe("query-frontend tenant=team-a");
    });

    it("serves stub_status on its loopback status port for the exporter", async () => {
      const response = await httpRequest("GET", `http://127.0.0.1:${statusPort}${NGINX_STATUS_PATH}`, undefined);
      expect(response.status).toBe(200);
      expect(response.body).toMatch(/^Active connections: \d+/);
      expect(response.body).toContain("server accepts handled requests");
    });

    it.skipIf(!exporter.available)(`gives the exporter, run with the charm's own command line, metrics from this config's status page (${exporter.reason})`, async () => {
      const [exporterPort] = await freePorts(1);
      const command = nginxExporterCommand({
        binary: exporter.path,
        listenAddress: `127.0.0.1:${exporterPort}`,
        scrapeUri: `http://127.0.0.1:${statusPort}${NGINX_STATUS_PATH}`,
      }).split(" ");
      const running = spawn(command[0]!, command.slice(1), { stdio: "ignore" });
      try {
        const metrics = await metricsOnceUp(`http://127.0.0.1:${exporterPort}/metrics`);
        expect(metrics).toMatch(/^nginx_up 1$/m);
        expect(metrics).toMatch(/^nginx_connections_active \d+$/m);
        expect(metrics).toMatch(/^nginx_http_requests_total \d+$/m);
      } finally {
        running.kill("SIGTERM");
      }
    }, 30_000);
  });
}
