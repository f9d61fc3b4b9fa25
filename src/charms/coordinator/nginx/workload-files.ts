/**
 * The files the charm keeps in the `nginx` container: the rendered config, and with TLS the
 * certificate, its key and the CA that signed the workers' certificate. A file whose content is
 * unset is absent: the charm removes it (TLS off removes the key from the container).
 */
import type { DesiredFile } from "../../../juju/pebble-sync.js";
import {
  NGINX_CA_CERT_PATH,
  NGINX_CONFIG_PATH,
  NGINX_RELOAD_PENDING_PATH,
  NGINX_SERVER_CERT_PATH,
  NGINX_SERVER_KEY_PATH,
} from "./paths.js";

const PUBLIC_FILE_MODE = 0o644;
/** The key: readable by nginx's master (root) only; the workers never need it. */
const SECRET_FILE_MODE = 0o600;

export interface FrontDoorTlsFiles {
  readonly serverCert: string;
  readonly privateKey: string;
  readonly caCert: string;
}

/** Every path this charm may write in the container, sorted; teardown or TLS-off removes the unwanted ones. */
export const NGINX_MANAGED_PATHS: readonly string[] = [
  NGINX_CA_CERT_PATH,
  NGINX_CONFIG_PATH,
  NGINX_RELOAD_PENDING_PATH,
  NGINX_SERVER_CERT_PATH,
  NGINX_SERVER_KEY_PATH,
].sort();

/** The files that should exist, sorted by path (certificates before the config that names them). */
export function nginxFiles(config: string, tls: FrontDoorTlsFiles | undefined): DesiredFile[] {
  const files: DesiredFile[] = [{ path: NGINX_CONFIG_PATH, content: config, permissions: PUBLIC_FILE_MODE }];
  if (tls) {
    files.push(
      { path: NGINX_SERVER_CERT_PATH, content: withNewline(tls.serverCert), permissions: PUBLIC_FILE_MODE },
      { path: NGINX_SERVER_KEY_PATH, content: withNewline(tls.privateKey), permissions: SECRET_FILE_MODE },
      { path: NGINX_CA_CERT_PATH, content: withNewline(tls.caCert), permissions: PUBLIC_FILE_MODE },
    );
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function withNewline(pem: string): string {
  return pem.endsWith("\n") ? pem : `${pem}\n`;
}
