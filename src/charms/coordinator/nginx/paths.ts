/**
 * Where things live in the `nginx` container. The config is nginx's default path, so `nginx -s
 * reload` run through Pebble finds it without `-c`. The certificate paths are the Python
 * coordinator's (anchor `cw@0.0.1` src/coordinated_workers/nginx.py), except the CA: nginx reads it
 * directly to verify the workers, so it sits beside the certificate instead of in the system trust
 * directory, and no `update-ca-certificates` is needed.
 */
export const NGINX_CONFIG_PATH = "/etc/nginx/nginx.conf";
export const NGINX_CERTS_DIR = "/etc/nginx/certs";
export const NGINX_SERVER_CERT_PATH = `${NGINX_CERTS_DIR}/server.cert`;
export const NGINX_SERVER_KEY_PATH = `${NGINX_CERTS_DIR}/server.key`;
export const NGINX_CA_CERT_PATH = `${NGINX_CERTS_DIR}/ca.cert`;
/**
 * Present while nginx has not taken in a change the charm wrote (its reload failed, or the hook
 * died in between); the next hook reloads again. Kept in the container, like the worker's restart
 * marker, because that is the only memory that survives a failed hook.
 */
export const NGINX_RELOAD_PENDING_PATH = "/etc/nginx/reload-pending";
/** nginx writes its pid here (`pid` directive); `nginx -s reload` reads it. Writable by any user. */
export const NGINX_PID_PATH = "/tmp/nginx.pid";
/** Request bodies and buffered responses: under /tmp, so nginx needs no writable /var. */
export const NGINX_TEMP_DIR = "/tmp";
