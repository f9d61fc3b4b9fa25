/**
 * The reason the front door names workers through variables and no `upstream {}` block: a worker
 * pod that restarts comes back under the same name at a new address, and nginx must follow it
 * without a reload. Real nginx runs a rendered config whose `resolver` is a stand-in DNS server on
 * loopback; the distributor's name first points at one stand-in worker, then at another, and nginx
 * (never reloaded) reaches the second once its cached answer expires (`valid=`, DNS_VALID_SECONDS).
 */
import type { ChildProcess } from "node:child_process";
import dgram from "node:dgram";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderNginxConfig } from "../../../../src/charms/coordinator/nginx/nginx-config.js";
import { frontDoorRoutes, type RouteName } from "../../../../src/charms/coordinator/nginx/routes.js";
import type { ClusterView, WorkerApplication } from "../../../../src/interface/cluster-view.js";
import type { Role } from "../../../../src/interface/roles.js";
import { realComponent } from "../../../helpers/real-component.js";
import { freePorts, nginxOutput, preparePrefix, removePrefix, startNginx, stopNginx, type NginxPrefix } from "./real-nginx.js";

const DISTRIBUTOR_NAME = "tempo-distributor-0.tempo-distributor-endpoints.dns-test.svc.cluster.local";

function application(role: Role, host: string, relationId: number): WorkerApplication {
  const name = `tempo-${role}`;
  return { relationId, application: name, role, units: [{ name: `${name}/0`, address: host, topology: { application: name, unit: `${name}/0`, charm_name: null } }] };
}

const CLUSTER: ClusterView = {
  applications: [application("distributor", DISTRIBUTOR_NAME, 1), application("query-frontend", "127.0.0.3", 2)],
  rejected: [],
};

/**
 * A DNS server that answers A queries for the names in `records` (TTL 1 s) and everything else
 * with no answer (NOERROR, as a server without AAAA records does). Only what nginx's resolver
 * sends: one question per query (RFC 1035 §4.1; nginx: src/core/ngx_resolver.c, ngx_resolver_create_name_query).
 */
function standInDns(records: Map<string, string>): dgram.Socket {
  const socket = dgram.createSocket("udp4");
  socket.on("message", (query, peer) => {
    let offset = 12;
    const labels: string[] = [];
    while (offset < query.length && query[offset] !== 0) {
      const length = query[offset]!;
      labels.push(query.subarray(offset + 1, offset + 1 + length).toString());
      offset += length + 1;
    }
    const questionEnd = offset + 5; // the zero label, QTYPE, QCLASS
    const type = query.readUInt16BE(offset + 1);
    const address = type === 1 ? records.get(labels.join(".").toLowerCase()) : undefined;
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // ID
    header.writeUInt16BE(0x8180, 2); // response, recursion desired and available, NOERROR
    header.writeUInt16BE(1, 4); // QDCOUNT
    header.writeUInt16BE(address === undefined ? 0 : 1, 6); // ANCOUNT
    const parts = [header, query.subarray(12, questionEnd)];
    if (address !== undefined) {
      const answer = Buffer.alloc(16);
      answer.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
      answer.writeUInt16BE(1, 2); // A
      answer.writeUInt16BE(1, 4); // IN
      answer.writeUInt32BE(1, 6); // TTL
      answer.writeUInt16BE(4, 10);
      address.split(".").forEach((octet, index) => answer.writeUInt8(Number(octet), 12 + index));
      parts.push(answer);
    }
    socket.send(Buffer.concat(parts), peer.port, peer.address);
  });
  return socket;
}

/** A stand-in worker answering `who` on host:port. */
async function standIn(who: string, host: string, port: number): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => response.end(who));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return server;
}

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(`http://127.0.0.1:${port}/v1/traces`, (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => resolve(`${response.statusCode} ${body}`));
      })
      .on("error", reject);
  });
}

/** Ask until `wanted` answers; the answers seen on the way, in order, without repeats. */
async function askUntil(port: number, wanted: string, attempts: number): Promise<string[]> {
  const seen: string[] = [];
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const answer = await get(port).catch((error: Error) => `error ${error.message}`);
    if (seen[seen.length - 1] !== answer) seen.push(answer);
    if (answer === wanted) return seen;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return seen;
}

const nginx = realComponent("nginx");

describe.skipIf(!nginx.available)(`real nginx follows a worker to its new address without a reload (${nginx.reason})`, () => {
  const records = new Map<string, string>();
  const servers: http.Server[] = [];
  let dns: dgram.Socket | undefined;
  let prefix: NginxPrefix | undefined;
  let child: ChildProcess | undefined;
  let otlpPort = 0;

  beforeAll(async () => {
    dns = standInDns(records);
    await new Promise<void>((resolve) => dns!.bind(0, "127.0.0.1", resolve));
    const dnsPort = (dns.address() as AddressInfo).port;
    // The pod before and after its restart: the same port on two addresses.
    const before = await standIn("distributor before the restart", "127.0.0.2", 0);
    servers.push(before);
    const workerPort = (before.address() as AddressInfo).port;
    servers.push(await standIn("distributor after the restart", "127.0.0.7", workerPort));
    records.set(DISTRIBUTOR_NAME, "127.0.0.2");

    const routes = frontDoorRoutes(CLUSTER, ["otlp_http"]);
    const ports = await freePorts(routes.length + 1);
    const listen = Object.fromEntries(routes.map((route, index) => [route.name, ports[index]!])) as Partial<Record<RouteName, number>>;
    const workers = Object.fromEntries(routes.map((route) => [route.name, workerPort])) as Partial<Record<RouteName, number>>;
    otlpPort = listen["otlp-http"]!;
    prefix = preparePrefix(
      renderNginxConfig({ routes, resolver: `127.0.0.1:${dnsPort}`, ports: { listen, workers, status: ports[routes.length]! } }),
    );
    child = startNginx(nginx.path, prefix);
    const first = await askUntil(otlpPort, "200 distributor before the restart", 200);
    if (first[first.length - 1] !== "200 distributor before the restart") throw new Error(`nginx never reached the first pod: ${first.join(" | ")}\n${nginxOutput(prefix)}`);
  }, 60_000);

  afterAll(async () => {
    if (child) await stopNginx(child);
    for (const server of servers) server.close();
    dns?.close();
    if (prefix) removePrefix(prefix);
  });

  it("reaches the worker at its new address once the name points there, with the same nginx process", async () => {
    const pid = child?.pid;
    records.set(DISTRIBUTOR_NAME, "127.0.0.7");
    // Bounded wait for the cached answer to expire (DNS_VALID_SECONDS), not a timing assertion.
    const seen = await askUntil(otlpPort, "200 distributor after the restart", 160);
    expect(seen[seen.length - 1]).toBe("200 distributor after the restart");
    expect(seen.every((answer) => answer.includes("distributor"))).toBe(true);
    expect(child?.pid).toBe(pid);
    expect(child?.exitCode).toBeNull();
  }, 60_000);
});
