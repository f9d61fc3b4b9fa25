/**
 * The files the charm keeps in the `tempo` container, and what goes in them.
 *
 * The paths are the ones the coordinator's Tempo config refers to (python-reference §3, §4.7):
 * the config at `/etc/worker/config.yaml`, the served certificate and key under `/etc/worker/`,
 * the S3 CA at `/etc/worker/s3_ca.crt`, and the cluster CA both at `/etc/worker/ca.cert` and in the
 * system trust directory, which the Tempo config names as its client CA. A file whose source value
 * is unset is absent: the charm removes it. The TLS and S3 paths come from the Tempo config builder,
 * so the files are where our coordinator's config looks for them.
 */
import type { DesiredFile } from "../../juju/pebble-sync.js";
import { DEFAULT_TLS_PATHS, S3_CA_PATH as TEMPO_S3_CA_PATH } from "../../tempo/settings.js";

export const CONFIG_PATH = "/etc/worker/config.yaml";
export const CA_CERT_PATH = DEFAULT_TLS_PATHS.caPath;
export const SERVER_CERT_PATH = DEFAULT_TLS_PATHS.certPath;
export const PRIVATE_KEY_PATH = DEFAULT_TLS_PATHS.keyPath;
export const S3_CA_PATH = TEMPO_S3_CA_PATH;
/**
 * The system trust directory of the workload image (Debian/Ubuntu's ca-certificates): a `.crt`
 * here is trusted only once `update-ca-certificates` has folded it into `/etc/ssl/certs`.
 */
export const SYSTEM_CA_DIR = "/usr/local/share/ca-certificates";
/**
 * Where the Python coordinator's config points Tempo for the CA; written too, so either
 * coordinator works. Being in the system trust directory, it is also what lets Pebble's HTTPS
 * ready check verify Tempo's certificate.
 */
export const TRUSTED_CA_PATH = `${SYSTEM_CA_DIR}/ca.crt`;

/** Whether writing or removing `path` changes what the container's system trust store should hold. */
export function isSystemTrustPath(path: string): boolean {
  return path.startsWith(`${SYSTEM_CA_DIR}/`);
}

/**
 * Present while files were changed in a way Tempo only picks up on restart and that restart has
 * not yet succeeded. It lives in the container so that "what Tempo is running" survives a hook
 * that failed half-way (a restart error makes Juju retry the hook; the retry must still restart).
 */
export const RESTART_PENDING_PATH = "/etc/worker/restart-pending";

/**
 * Present while a CA was written to the system trust directory and `update-ca-certificates` has
 * not yet succeeded since; the next hook runs it again (the same pattern as the restart marker).
 */
export const CA_TRUST_PENDING_PATH = "/etc/worker/ca-trust-pending";

/**
 * The Tempo release the image's `/bin/tempo -version` reported. Not a managed file: it describes
 * the image, so teardown keeps it, and a new container (a new image) starts without it, which is
 * when the version must be asked again.
 */
export const WORKLOAD_VERSION_PATH = "/etc/worker/tempo-version";

/**
 * The `ready` check as Pebble reported it right after this charm last (re)started Tempo (JSON
 * `{"change-id", "successes"}`). Pebble's checks run on their own schedule and keep counting
 * across a service restart, so "passed since Tempo started" is a success beyond this snapshot
 * (see readiness.ts). Kept in the container: a new pod starts without it, and with a new check.
 */
export const READY_BASELINE_PATH = "/etc/worker/ready-baseline";

/** Files the charm keeps for its own bookkeeping, never part of what Tempo runs with. */
export const MARKER_PATHS: readonly string[] = [CA_TRUST_PENDING_PATH, READY_BASELINE_PATH, RESTART_PENDING_PATH];

/** Every file this charm may write; teardown removes exactly these. Sorted. */
export const MANAGED_PATHS: readonly string[] = [
  CA_CERT_PATH,
  CA_TRUST_PENDING_PATH,
  CONFIG_PATH,
  PRIVATE_KEY_PATH,
  READY_BASELINE_PATH,
  RESTART_PENDING_PATH,
  S3_CA_PATH,
  SERVER_CERT_PATH,
  TRUSTED_CA_PATH,
].sort();

/** Owner read/write only: the key, and the config, which carries the S3 credentials (python-reference §6 #9, #18). */
export const SECRET_FILE_MODE = 0o600;
export const PUBLIC_FILE_MODE = 0o644;

export type WorkloadFile = DesiredFile;

export interface TlsMaterial {
  readonly caCert?: string | undefined;
  readonly serverCert?: string | undefined;
  readonly privateKey?: string | undefined;
}

export interface WorkloadFileInputs {
  readonly configText: string;
  readonly tls: TlsMaterial;
  readonly s3CaCert?: string | undefined;
}

/** The files that should exist, sorted by path; managed paths not listed should not exist. */
export function workloadFiles(inputs: WorkloadFileInputs): WorkloadFile[] {
  const candidates: Array<[string, string | undefined, number]> = [
    [CONFIG_PATH, inputs.configText, SECRET_FILE_MODE],
    [CA_CERT_PATH, inputs.tls.caCert, PUBLIC_FILE_MODE],
    [TRUSTED_CA_PATH, inputs.tls.caCert, PUBLIC_FILE_MODE],
    [SERVER_CERT_PATH, inputs.tls.serverCert, PUBLIC_FILE_MODE],
    [PRIVATE_KEY_PATH, inputs.tls.privateKey, SECRET_FILE_MODE],
    [S3_CA_PATH, inputs.s3CaCert, PUBLIC_FILE_MODE],
  ];
  return candidates
    .flatMap(([path, content, permissions]) =>
      content === undefined || content === "" ? [] : [{ path, content, permissions }],
    )
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
