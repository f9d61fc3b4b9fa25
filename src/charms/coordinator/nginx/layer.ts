/**
 * The Pebble layer that runs nginx in the `nginx` container: nginx in the foreground, so Pebble
 * supervises it and collects its stderr (the error log and the non-2xx access log). The command is
 * the Python coordinator's, so a pod it managed carries over.
 */
import type { Layer } from "../../../juju/pebble.js";

export const NGINX_LAYER_LABEL = "nginx";
export const NGINX_SERVICE = "nginx";
/** Asks the running master to re-read nginx.conf and the certificates, without dropping connections. */
export const NGINX_RELOAD_COMMAND: readonly string[] = ["nginx", "-s", "reload"];

export function nginxLayer(): Layer {
  return {
    summary: "nginx front door",
    description: "The Tempo cluster's front door, run by the tempo-coordinator charm",
    services: {
      [NGINX_SERVICE]: {
        override: "replace",
        summary: "nginx",
        command: "nginx -g 'daemon off;'",
        startup: "enabled",
      },
    },
  };
}
