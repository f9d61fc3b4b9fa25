/**
 * The Pebble layer that runs Tempo in the `tempo` container.
 *
 * One service, `tempo`, running the role's target against the config file the charm writes, and
 * one `ready` check on Tempo's `/ready` endpoint. The check is an observation only: it feeds the
 * status and never restarts Tempo (field-notes §1 A6: restarting on check failures looped while
 * Tempo replayed its WAL), so the service has no `on-check-failure`.
 */
import type { CheckSpec, Layer, LogTargetSpec, ServiceSpec } from "../../juju/pebble.js";
import { tempoTarget } from "../../interface/role-rules.js";
import type { Role } from "../../interface/roles.js";
import { CONFIG_PATH } from "./workload-files.js";

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
  const ready: CheckSpec = {
    override: "replace",
    level: "ready",
    threshold: 3,
    http: { url: readyUrl(inputs) },
  };
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

function readyUrl(inputs: LayerInputs): string {
  // Plain HTTP is probed on localhost: it needs no DNS, and the pod's headless-service name may
  // not resolve before the pod is ready. HTTPS must be probed by a name the certificate covers,
  // which is the unit's FQDN (the kubelet writes it into the pod's /etc/hosts, so it resolves locally).
  return inputs.isTlsEnabled
    ? `https://${inputs.unitAddress}:${TEMPO_HTTP_PORT}/ready`
    : `http://localhost:${TEMPO_HTTP_PORT}/ready`;
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
