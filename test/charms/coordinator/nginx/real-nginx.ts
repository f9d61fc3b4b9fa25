/**
 * Debian's nginx run on a rendered front-door config, the way the tests can run it: not as the pod.
 *
 * The production config names absolute paths of the nginx container (certificates under
 * /etc/nginx/certs, pid and temporary files under /tmp). `intoPrefix` moves exactly those under a
 * temporary directory and nothing else, so what nginx checks and runs is the rendered config with
 * only its file locations changed; ports are chosen by the renderer's `ports` input instead.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import net, { type AddressInfo } from "node:net";
import path from "node:path";
import { NGINX_CA_CERT_PATH, NGINX_CERTS_DIR, NGINX_SERVER_CERT_PATH, NGINX_SERVER_KEY_PATH, NGINX_TEMP_DIR } from "../../../../src/charms/coordinator/nginx/paths.js";
import type { ThrowawayTls } from "../../../helpers/throwaway-tls.js";

export interface NginxPrefix {
  readonly dir: string;
  readonly configPath: string;
  readonly config: string;
}

/** The production config with its container paths moved under `dir`: the one rewrite the tests make. */
export function intoPrefix(config: string, dir: string): string {
  // One pass, so a prefix that itself lies under /tmp is not rewritten twice.
  const moves: Record<string, string> = { [`${NGINX_CERTS_DIR}/`]: `${dir}/certs/`, [`${NGINX_TEMP_DIR}/`]: `${dir}/tmp/` };
  const escaped = Object.keys(moves).map((containerDir) => containerDir.replace(/[/.]/g, "\\$&"));
  const pattern = new RegExp(` (${escaped.join("|")})`, "g");
  return config.replace(pattern, (_match, containerDir: string) => ` ${moves[containerDir] ?? containerDir}`);
}

/** A temporary prefix holding the rewritten config and, with `tls`, the files it names. */
export function preparePrefix(config: string, tls?: ThrowawayTls): NginxPrefix {
  const dir = mkdtempSync(path.join(tmpdir(), "front-door-nginx-"));
  // nginx's workers drop to `nobody` when the tests run as root; they must reach the temp paths.
  chmodSync(dir, 0o755);
  mkdirSync(path.join(dir, "tmp"), { recursive: true });
  chmodSync(path.join(dir, "tmp"), 0o777);
  if (tls) {
    mkdirSync(path.join(dir, "certs"));
    const inPrefix = (containerPath: string) => path.join(dir, "certs", path.relative(NGINX_CERTS_DIR, containerPath));
    writeFileSync(inPrefix(NGINX_SERVER_CERT_PATH), tls.serverCert);
    writeFileSync(inPrefix(NGINX_SERVER_KEY_PATH), tls.serverKey, { mode: 0o600 });
    writeFileSync(inPrefix(NGINX_CA_CERT_PATH), tls.caCert);
  }
  const rewritten = intoPrefix(config, dir);
  const configPath = path.join(dir, "nginx.conf");
  writeFileSync(configPath, rewritten);
  return { dir, configPath, config: rewritten };
}

export function removePrefix(prefix: NginxPrefix): void {
  rmSync(prefix.dir, { recursive: true, force: true });
}

/** `-p` so relative paths stay in the prefix; `-e stderr` so nginx never opens its compiled-in /var/log path. */
function baseArgs(prefix: NginxPrefix): string[] {
  return ["-p", `${prefix.dir}/`, "-e", "stderr", "-c", prefix.configPath];
}

/**
 * nginx's output goes to a file, as Pebble gives it a pipe: the config's `/dev/stderr` (access log)
 * cannot be opened on the socket pair Node would otherwise hand it (ENXIO).
 */
function outputFile(prefix: NginxPrefix): { fd: number; path: string } {
  const file = path.join(prefix.dir, "output.log");
  return { fd: openSync(file, "a"), path: file };
}

/** `nginx -t`: exit status and what nginx said. */
export function nginxTest(binary: string, prefix: NginxPrefix): { status: number | null; output: string } {
  const output = outputFile(prefix);
  try {
    const result = spawnSync(binary, ["-t", ...baseArgs(prefix)], { stdio: ["ignore", output.fd, output.fd], timeout: 30_000 });
    return { status: result.status, output: readFileSync(output.path, "utf8") };
  } finally {
    closeSync(output.fd);
  }
}

/** nginx in the foreground, as Pebble runs it (`daemon off`). Stop it with `stopNginx`. */
export function startNginx(binary: string, prefix: NginxPrefix): ChildProcess {
  const output = outputFile(prefix);
  const child = spawn(binary, [...baseArgs(prefix), "-g", "daemon off;"], { stdio: ["ignore", output.fd, output.fd] });
  closeSync(output.fd);
  return child;
}

/** What nginx printed so far (errors, and the access log of requests that were not 2xx/3xx). */
export function nginxOutput(prefix: NginxPrefix): string {
  return readFileSync(path.join(prefix.dir, "output.log"), "utf8");
}

export async function stopNginx(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // SIGQUIT: nginx's graceful shutdown; its workers exit with the master.
  child.kill("SIGQUIT");
  await exited;
}

/**
 * `count` distinct ports nothing listens on (the kernel's choice), for nginx to take. The probes are
 * bound on every address and held until all are chosen, so no two are the same and none is a port
 * a stand-in already holds on its loopback address; they are released just before nginx starts.
 */
export async function freePorts(count: number): Promise<number[]> {
  const probes = Array.from({ length: count }, () => net.createServer());
  await Promise.all(probes.map((probe) => new Promise<void>((resolve) => probe.listen(0, "0.0.0.0", resolve))));
  const ports = probes.map((probe) => (probe.address() as AddressInfo).port);
  await Promise.all(probes.map((probe) => new Promise<void>((resolve) => probe.close(() => resolve()))));
  return ports;
}

