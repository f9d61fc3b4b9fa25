/**
 * nginx.conf for the front door: a pure function of the routes (cluster view + enabled receivers),
 * the DNS server and TLS. Same inputs, same bytes.
 *
 * Why each non-obvious line is there:
 * - **DNS at request time.** Every backend is a variable (`set $backend …; proxy_pass $backend;`)
 *   naming a worker unit by its pod FQDN, and no `upstream {}` block exists. nginx resolves a
 *   variable backend through `resolver` when the request comes (caching the answer for `valid=`),
 *   but only when the name matches no `upstream {}` block: a matching block is used as parsed at
 *   load, with the addresses of that moment (ngx_http_upstream.c, ngx_http_upstream_init_request:
 *   the `uscf->host` lookup before `ngx_resolve_start`). That is why the Python coordinator's
 *   upstream blocks plus a variable did not survive a worker pod restart until nginx 1.27.3's
 *   `resolve` parameter (ops-mono#132), which neither Debian's 1.22 nor ubuntu/nginx 1.24 has.
 * - **Load balancing.** Several units behind one port are chosen per request by `split_clients` on
 *   `$request_id` (random per request), in equal shares per unit, so an `all` worker counts once per
 *   unit like any other. A unit that is down costs the requests that land on it a 502 until its pod
 *   returns or the charm drops it, where an upstream block would retry another server: the price of
 *   re-resolving names on nginx < 1.27.3.
 * - **gRPC** ports listen with `http2` (h2c without TLS) and forward with `grpc_pass`.
 * - **TLS**: nginx terminates with the cluster certificate and re-encrypts to the workers
 *   (`https`/`grpcs`), which serve the same certificate; it verifies them against the cluster CA
 *   under the one name every worker's certificate covers (`serverName`, tls-request.ts).
 * - **X-Scope-OrgID** defaults to `anonymous`, the tenant Tempo uses when multitenancy is off, as
 *   the Python coordinator does.
 * - **Body size** is unlimited: Tempo enforces its own limits, and nginx's 1 MiB default would
 *   refuse with 413 an OTLP batch Tempo accepts.
 * - **Status**: a server on loopback only, with `stub_status`, for the nginx-prometheus-exporter in
 *   the same pod (the Python coordinator's exporter scrapes a page its nginx never serves).
 */
import { formatHostPort } from "../../../interface/address.js";
import type { Route, RouteName } from "./routes.js";
import {
  NGINX_CA_CERT_PATH,
  NGINX_PID_PATH,
  NGINX_SERVER_CERT_PATH,
  NGINX_SERVER_KEY_PATH,
  NGINX_TEMP_DIR,
} from "./paths.js";

/** The status page the exporter scrapes: loopback only, so it is never reachable from outside the pod. */
export const NGINX_STATUS_ADDRESS = "127.0.0.1";
export const NGINX_STATUS_PORT = 8080;
export const NGINX_STATUS_PATH = "/status";
/** What the nginx-prometheus-exporter's `--nginx.scrape-uri` should be. */
export const NGINX_STATUS_URL = `http://${NGINX_STATUS_ADDRESS}:${NGINX_STATUS_PORT}${NGINX_STATUS_PATH}`;

/** How long nginx trusts a DNS answer: a restarted worker pod is found again within this. */
export const DNS_VALID_SECONDS = 10;

export interface NginxConfigInputs {
  /** From frontDoorRoutes: sorted by port. */
  readonly routes: readonly Route[];
  /** The DNS server, as nginx's `resolver` takes it (resolv-conf.ts). */
  readonly resolver: string;
  /** Set when the cluster has a certificate: TLS on every port, both ways. */
  readonly tls?: { readonly serverName: string } | undefined;
  /**
   * Ports, for tests that cannot bind the production ones: where nginx listens per route, where
   * the workers serve it, and the status port. Absent: the route's own port, NGINX_STATUS_PORT.
   */
  readonly ports?: {
    readonly listen?: Partial<Record<RouteName, number>>;
    readonly workers?: Partial<Record<RouteName, number>>;
    readonly status?: number;
  };
}

const INDENT = "    ";

export function renderNginxConfig(inputs: NginxConfigInputs): string {
  const http: string[] = [
    ...temporaryPaths(),
    "",
    "map $status $loggable {",
    `${INDENT}~^[23] 0;`,
    `${INDENT}default 1;`,
    "}",
    "access_log /dev/stderr combined if=$loggable;",
    "",
    `resolver ${inputs.resolver} valid=${DNS_VALID_SECONDS}s;`,
    "resolver_timeout 5s;",
    "",
    "map $http_x_scope_orgid $ensured_x_scope_orgid {",
    `${INDENT}default $http_x_scope_orgid;`,
    `${INDENT}"" anonymous;`,
    "}",
    "",
    "default_type text/plain;",
    "client_max_body_size 0;",
    "proxy_read_timeout 300s;",
    "grpc_read_timeout 300s;",
    ...(inputs.tls ? ["", ...tlsSettings(inputs.tls.serverName)] : []),
  ];
  for (const route of inputs.routes) {
    const upstream = upstreamBlock(route, inputs.ports?.workers?.[route.name] ?? route.port);
    if (upstream.length > 0) http.push("", ...upstream);
  }
  for (const route of inputs.routes) {
    http.push("", ...routeServer(route, inputs.ports?.listen?.[route.name] ?? route.port, inputs.tls !== undefined));
  }
  http.push("", ...statusServer(inputs.ports?.status ?? NGINX_STATUS_PORT));

  return [
    "# The Tempo cluster's front door, rendered by the tempo-coordinator charm: edits are overwritten.",
    "worker_processes 5;",
    "worker_rlimit_nofile 8192;",
    `pid ${NGINX_PID_PATH};`,
    // `stderr` is written to fd 2 as inherited; Pebble collects it into the service's logs.
    "error_log stderr error;",
    "",
    "events {",
    `${INDENT}worker_connections 4096;`,
    "}",
    "",
    "http {",
    ...indent(http),
    "}",
    "",
  ].join("\n");
}

function temporaryPaths(): string[] {
  return ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(
    (kind) => `${kind}_temp_path ${NGINX_TEMP_DIR}/nginx_${kind}_temp;`,
  );
}

function tlsSettings(serverName: string): string[] {
  const verify = (module: "proxy" | "grpc") => [
    `${module}_ssl_trusted_certificate ${NGINX_CA_CERT_PATH};`,
    `${module}_ssl_verify on;`,
    // A CA chain may carry intermediates; nginx's default depth of 1 allows none.
    `${module}_ssl_verify_depth 4;`,
    `${module}_ssl_name ${serverName};`,
    `${module}_ssl_protocols TLSv1.2 TLSv1.3;`,
  ];
  return [
    `ssl_certificate ${NGINX_SERVER_CERT_PATH};`,
    `ssl_certificate_key ${NGINX_SERVER_KEY_PATH};`,
    // TLS 1.0/1.1 are deprecated (RFC 8996), and Tempo's Go clients speak 1.2+.
    "ssl_protocols TLSv1.2 TLSv1.3;",
    "ssl_ciphers HIGH:!aNULL:!MD5;",
    ...verify("proxy"),
    ...verify("grpc"),
  ];
}

/** `$upstream_otlp_http`: the variable holding the chosen unit's `host:port`. */
function upstreamVariable(route: Route): string {
  return `$upstream_${route.name.replace(/-/g, "_")}`;
}

/** The units serving `route`, one picked per request; nothing when no unit serves it. */
function upstreamBlock(route: Route, workerPort: number): string[] {
  if (route.backends.length === 0) return [];
  const count = route.backends.length;
  // split_clients takes percentages with at most two decimals; the last unit takes the rest (`*`).
  // Past 10,000 units behind one port the shares would round to 0.00% and only the last unit would
  // be used: far beyond any Tempo cluster a charm manages (the simulator's own cap is 1,000).
  const share = `${(Math.floor(10_000 / count) / 100).toFixed(2)}%`;
  const lines = route.backends.map(
    (backend, index) => `${index === count - 1 ? "*" : share} ${formatHostPort(backend.host, workerPort)};`,
  );
  return [
    `# ${route.name}: ${count} ${count === 1 ? "unit" : "units"} running ${route.role} or all`,
    `split_clients "\${request_id}" ${upstreamVariable(route)} {`,
    ...indent(lines),
    "}",
  ];
}

function routeServer(route: Route, listenPort: number, isTls: boolean): string[] {
  const isGrpc = route.transport === "grpc";
  const listen = ["listen", String(listenPort), ...(isTls ? ["ssl"] : []), ...(isGrpc ? ["http2"] : [])].join(" ");
  const location: string[] =
    route.backends.length === 0
      ? [`return 503 "no ${route.role} worker in the cluster to serve ${route.name}\\n";`]
      : [
          `set $backend ${scheme(route, isTls)}://${upstreamVariable(route)};`,
          isGrpc ? "grpc_set_header X-Scope-OrgID $ensured_x_scope_orgid;" : "proxy_set_header X-Scope-OrgID $ensured_x_scope_orgid;",
          isGrpc ? "grpc_pass $backend;" : "proxy_pass $backend;",
          isGrpc ? "grpc_connect_timeout 5s;" : "proxy_connect_timeout 5s;",
        ];
  return [`# ${route.name} → ${route.role}`, "server {", ...indent([`${listen};`, "", "location / {", ...indent(location), "}"]), "}"];
}

function scheme(route: Route, isTls: boolean): string {
  if (route.transport === "grpc") return isTls ? "grpcs" : "grpc";
  return isTls ? "https" : "http";
}

function statusServer(port: number): string[] {
  return [
    "# nginx's own counters for the nginx-prometheus-exporter in this pod (loopback only)",
    "server {",
    ...indent([
      `listen ${NGINX_STATUS_ADDRESS}:${port};`,
      "access_log off;",
      "",
      `location = ${NGINX_STATUS_PATH} {`,
      ...indent(["stub_status;"]),
      "}",
      "location / {",
      ...indent(["return 404;"]),
      "}",
    ]),
    "}",
  ];
}

function indent(lines: readonly string[]): string[] {
  return lines.map((line) => (line === "" ? "" : `${INDENT}${line}`));
}
