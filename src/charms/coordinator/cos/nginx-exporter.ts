/**
 * The nginx metrics exporter that runs beside the coordinator's nginx (container
 * `nginx-prometheus-exporter`). It reads nginx's `stub_status` page and serves Prometheus metrics
 * on :9113, which `metrics-endpoint` asks Prometheus to scrape for every coordinator unit.
 *
 * The Python coordinator points its exporter at a status page nginx never serves (no server listens
 * on 8080 there), so only `nginx_up 0` ever reaches Prometheus. Ours points at the local-only
 * status server the front door's nginx config serves; `test/charms/coordinator/cos/nginx-exporter`
 * proves the pair with a real nginx and a real exporter.
 */
import type { Layer } from "../../../juju/pebble.js";
import { NGINX_EXPORTER_CONTAINER } from "../meta.js";
import { NGINX_STATUS_URL } from "../nginx/nginx-config.js";

/** Where nginx serves `stub_status`, on loopback only: the front door's status server. */
export { NGINX_EXPORTER_CONTAINER, NGINX_STATUS_URL };
export const NGINX_EXPORTER_SERVICE = "nginx-prometheus-exporter";
export const NGINX_EXPORTER_PORT = 9113;

export interface ExporterCommandOptions {
  /** The image's binary; Debian's package names it `prometheus-nginx-exporter`. */
  readonly binary?: string;
  readonly listenAddress?: string;
  readonly scrapeUri?: string;
}

/**
 * The exporter's command line. Only flags both the 0.x (Go `flag`, which accepts `--name=value`)
 * and the 1.x (kingpin) exporter understand: the status page is plain HTTP on loopback, so no TLS
 * flag is needed.
 */
export function nginxExporterCommand(options: ExporterCommandOptions = {}): string {
  const binary = options.binary ?? "nginx-prometheus-exporter";
  const listen = options.listenAddress ?? `:${NGINX_EXPORTER_PORT}`;
  const scrapeUri = options.scrapeUri ?? NGINX_STATUS_URL;
  return `${binary} --web.listen-address=${listen} --nginx.scrape-uri=${scrapeUri}`;
}

/** The Pebble layer for the exporter container: one service, started with the pod. */
export function nginxExporterLayer(): Layer {
  return {
    summary: "nginx Prometheus exporter",
    description: "Serves nginx's stub_status counters as Prometheus metrics for metrics-endpoint.",
    services: {
      [NGINX_EXPORTER_SERVICE]: {
        override: "replace",
        summary: "nginx-prometheus-exporter",
        command: nginxExporterCommand(),
        startup: "enabled",
      },
    },
  };
}
