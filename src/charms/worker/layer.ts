/**
 * The Pebble layer that runs Tempo in the `tempo` container.
 *
 * One service, `tempo`, running the role's target against the config file the charm writes, and
 * one `ready` check on Tempo's `/ready` endpoint. The check is an observation only: it feeds the
 * status (readiness.ts) and wakes the charm through pebble-check-failed/-recovered, and it never
 * restarts Tempo (field-notes §1 A6: restarting on check failures looped while Tempo replayed its
 * WAL), so the service has no `on-check-failure`.
 *
 * The check has no `level`, on purpose. Juju points the workload container's Kubernetes readiness
 * probe at Pebble's `/v1/health?level=ready` (juju/juju caas/kubernetes/provider/application
 * `readyPath`), and Pebble counts a check there only if its level is `ready` or `alive`
 * (canonical/pebble internals/daemon/api_health.go v1Health; a level-less check matches only
 * `/v1/health` without a level). A `ready`-level check would take the pod out of its Services
 * whenever Tempo is not /ready: for the ~70 s of every start, while the ring forms (and the
 * gossip names of not-ready pods may not resolve, so a fresh cluster could deadlock), and for
 * good after a CA rotation (see readyCheck). Tempo's readiness is the charm's status, not
 * Kubernetes' routing decision (real-juju-review rows 4 and 5).
 */
import type { CheckSpec, Layer, LogTargetSpec, ServiceSpec } from "../../juju/pebble.js";
import { tempoTarget } from "../../interface/role-rules.js";
import type { Role } from "../../interface/roles.js";
import { CA_CERT_PATH, CONFIG_PATH } from "./workload-files.js";

export const LAYER_LABEL = "tempo";
export const SERVICE_NAME = "tempo";
export const READY_CHECK_NAME = "ready";
export const TEMPO_HTTP_PORT = 3200;

/** Who this Tempo process is, for the traces it sends about itself. */
export interface WorkloadIdentity {
  readonly model: string;
  readonly modelUuid: string;
  readonly application: string;
  readonly unit: string;
  readonly charmName: string;
}

export interface LayerInputs {
  readonly role: Role;
  /** Tempo serves HTTPS once the coordinator shared TLS material. */
  readonly isTlsEnabled: boolean;
  /** The unit's FQDN: the name the served certificate is issued for. */
  readonly unitAddress: string;
  /** Where Tempo sends its own traces (`workload_tracing_receivers.otlp_http`), if anywhere. */
  readonly workloadTracingOtlpHttpUrl?: string | undefined;
  readonly identity: WorkloadIdentity;
  /** Loki push URLs by name (`loki_endpoints`): Pebble forwards Tempo's logs to each. */
  readonly lokiEndpoints?: Readonly<Record<string, string>> | undefined;
  /** The log targets this charm put in the plan earlier, by name, with their location. */
  readonly existingLogTargets?: Readonly<Record<string, string>> | undefined;
}

/** Prefix of the log targets this charm owns in the plan. */
export const LOG_TARGET_PREFIX = "forward-";

export function workerLayer(inputs: LayerInputs): Layer {
  const service: ServiceSpec = {
    override: "replace",
    summary: "tempo worker",
    command: `/bin/tempo -config.file=${CONFIG_PATH} -target=${tempoTarget(inputs.role)}`,
    startup: "enabled",
    environment: workloadTracingEnvironment(inputs),
  };
  const ready = readyCheck(inputs);
  const logTargets = logForwarding(inputs);
  return {
    summary: "tempo worker",
    description: "Tempo run by the tempo-worker charm for one tempo_cluster role",
    services: { [SERVICE_NAME]: service },
    checks: { [READY_CHECK_NAME]: ready },
    ...(Object.keys(logTargets).length > 0 ? { "log-targets": logTargets } : {}),
  };
}

/** A Pebble log-target name for a `loki_endpoints` key (which is usually a unit name, `loki/0`). */
export function logTargetName(endpointName: string): string {
  return LOG_TARGET_PREFIX + endpointName.replace(/[^A-Za-z0-9-]/g, "-");
}

/**
 * Pebble log targets: one per Loki endpoint, labelled with the Juju topology. A layer is combined
 * into the existing one, so a target that disappeared from `loki_endpoints` would live on; it is
 * replaced by one that forwards no service instead (Pebble has no "delete" in a layer).
 */
function logForwarding(inputs: LayerInputs): Record<string, LogTargetSpec> {
  const { identity } = inputs;
  const labels = {
    juju_application: identity.application,
    juju_charm: identity.charmName,
    juju_model: identity.model,
    juju_model_uuid: identity.modelUuid,
    juju_unit: identity.unit,
  };
  const targets: Record<string, LogTargetSpec> = {};
  for (const [name, location] of Object.entries(inputs.existingLogTargets ?? {})) {
    targets[name] = { override: "replace", type: "loki", location, services: [] };
  }
  for (const [name, location] of Object.entries(inputs.lokiEndpoints ?? {})) {
    targets[logTargetName(name)] = { override: "replace", type: "loki", location, services: ["all"], labels };
  }
  return Object.fromEntries(Object.entries(targets).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The URL a `ready` check probes, whether Pebble fetches it (`http`) or curl does (`exec`). */
export function readyCheckUrl(check: CheckSpec | undefined): string | undefined {
  if (check?.http !== undefined) return check.http.url;
  return check?.exec?.command.split(" ").find((word) => /^https?:\/\//.test(word));
}

/** How often Pebble probes /ready, and how many failures in a row turn the check down. */
export const READY_CHECK_PERIOD = "5s";
export const READY_CHECK_THRESHOLD = 3;

/**
 * The `ready` check. Period 5 s and threshold 3 (Pebble's default threshold): a single slow
 * answer never turns it down (no flapping status), and a Tempo that is not ready 15 s after a
 * start turns it down, so Juju sends pebble-check-failed and, once Tempo answers 200,
 * pebble-check-recovered, which moves the status to Active without waiting for update-status.
 * (A Tempo ready within 15 s causes no event; update-status then confirms it.)
 *
 * Plain HTTP is an `http` check on localhost: it needs no DNS. HTTPS cannot be an `http` check:
 * Pebble's Go client verifies with the system roots it loaded once, at its first HTTPS request
 * (crypto/x509 systemRootsPool behind a sync.Once), so after the coordinator's CA changes it
 * would fail until the pod restarts, whatever `update-ca-certificates` does. It is an `exec`
 * check instead: curl reads the CA file the charm pushed on every probe, so a rotated CA is
 * trusted at the next probe, without a pod restart. `--resolve` sends the unit's FQDN (the name
 * the certificate covers) to the loopback address, so no DNS is involved either.
 */
function readyCheck(inputs: LayerInputs): CheckSpec {
  const common = { override: "replace" as const, period: READY_CHECK_PERIOD, threshold: READY_CHECK_THRESHOLD };
  if (!inputs.isTlsEnabled) return { ...common, http: { url: `http://localhost:${TEMPO_HTTP_PORT}/ready` } };
  const host = `${inputs.unitAddress}:${TEMPO_HTTP_PORT}`;
  return {
    ...common,
    exec: {
      command: [
        "curl",
        "--fail",
        "--silent",
        "--show-error",
        "--max-time",
        "3",
        "--cacert",
        CA_CERT_PATH,
        "--resolve",
        `${host}:127.0.0.1`,
        `https://${host}/ready`,
      ].join(" "),
    },
  };
}

/**
 * Tempo traces itself through the OpenTelemetry SDK environment variables; only OTLP/HTTP is
 * wired, as in the Python worker. The resource attributes carry the Juju topology so the traces
 * can be told apart per unit. Keys are emitted sorted so the layer is byte-stable.
 */
function workloadTracingEnvironment(inputs: LayerInputs): Record<string, string> {
  const url = inputs.workloadTracingOtlpHttpUrl;
  if (url === undefined) return {};
  const { identity } = inputs;
  const attributes = [
    ["juju_application", identity.application],
    ["juju_charm", identity.charmName],
    ["juju_model", identity.model],
    ["juju_model_uuid", identity.modelUuid],
    ["juju_unit", identity.unit],
  ]
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
  return {
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${url.replace(/\/+$/, "")}/v1/traces`,
    OTEL_RESOURCE_ATTRIBUTES: attributes,
    OTEL_TRACES_EXPORTER: "otlp",
  };
}
