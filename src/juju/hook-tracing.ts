/**
 * One span per hook, exported over OTLP/HTTP (JSON encoding) to wherever the charm says its
 * traces go (`Charm.tracingEndpoint`). Exporting is bounded and can never fail the hook: one POST
 * with a short deadline; when the receiver is away the span is dropped with one log line.
 *
 * Why not the OpenTelemetry JS SDK: measured here (esbuild, minified, Node 20), the trace SDK with
 * its OTLP/HTTP exporter is ~300 KB of bundle and adds ~70–200 ms to every `node` start, i.e. to
 * every hook of every unit, to send one span per process. One span needs none of its machinery
 * (context propagation, batching, samplers), so we write the OTLP/JSON request ourselves
 * (opentelemetry-proto `ExportTraceServiceRequest`, JSON mapping: ids as hex, times as strings).
 */
import { isIPv4 } from "node:net";
import { nodeCrypto } from "./lazy-builtins.js";
import type { Backend } from "./backend.js";
import type { Charm } from "./charm.js";
import type { HookEnv } from "./context.js";
import type { Model } from "./model.js";

export interface HookSpan {
  /** `hooks/config-changed` → `config-changed`, as Juju names the hook. */
  readonly hook: string;
  readonly unit: string;
  readonly app: string;
  readonly model: string;
  readonly modelUuid: string;
  readonly charm: string;
  readonly startUnixNano: bigint;
  readonly endUnixNano: bigint;
  readonly outcome: "ok" | "error";
  readonly error?: string;
  readonly hookCommands: number;
}

/** Where spans go: an OTLP/HTTP base URL and, for https, the CAs to trust (else the system's). */
export interface TracingDestination {
  readonly url: string;
  readonly caCerts?: readonly string[];
}

/** How long a hook may wait for the receiver before its span is dropped. */
export const EXPORT_TIMEOUT_MS = 500;

const stringAttribute = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** The OTLP/JSON body for one span (`POST <base>/v1/traces`). */
export function otlpTraceRequest(span: HookSpan, ids = { traceId: nodeCrypto().randomBytes(16).toString("hex"), spanId: nodeCrypto().randomBytes(8).toString("hex") }): object {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [
            stringAttribute("service.name", span.app),
            stringAttribute("juju_application", span.app),
            stringAttribute("juju_charm", span.charm),
            stringAttribute("juju_model", span.model),
            stringAttribute("juju_model_uuid", span.modelUuid),
            stringAttribute("juju_unit", span.unit),
          ],
        },
        scopeSpans: [
          {
            scope: { name: "tempo-cluster.charm" },
            spans: [
              {
                traceId: ids.traceId,
                spanId: ids.spanId,
                name: span.hook,
                kind: 1, // SPAN_KIND_INTERNAL
                startTimeUnixNano: span.startUnixNano.toString(),
                endTimeUnixNano: span.endUnixNano.toString(),
                attributes: [
                  stringAttribute("juju.hook", span.hook),
                  stringAttribute("juju.unit", span.unit),
                  stringAttribute("hook.outcome", span.outcome),
                  { key: "hook.commands", value: { intValue: String(span.hookCommands) } },
                ],
                // STATUS_CODE_OK = 1, STATUS_CODE_ERROR = 2
                status: span.outcome === "ok" ? { code: 1 } : { code: 2, message: span.error ?? "hook failed" },
              },
            ],
          },
        ],
      },
    ],
  };
}

/** `http://host:4318` (or with a path) → `http://host:4318/v1/traces`. */
export function tracesUrl(base: string): string {
  return `${base.replace(/\/+$/, "")}/v1/traces`;
}

/**
 * POST the span; resolves `sent` on a 2xx, `dropped` otherwise (never rejects), within
 * `timeoutMs` whatever the receiver does.
 */
export async function exportHookSpan(
  destination: TracingDestination,
  span: HookSpan,
  timeoutMs = EXPORT_TIMEOUT_MS,
): Promise<{ readonly kind: "sent" } | { readonly kind: "dropped"; readonly reason: string }> {
  let url: URL;
  try {
    url = new URL(tracesUrl(destination.url));
  } catch {
    return { kind: "dropped", reason: `not a URL: ${destination.url}` };
  }
  const isHttps = url.protocol === "https:";
  const body = JSON.stringify(otlpTraceRequest(span));
  const transport = isHttps ? await import("node:https") : await import("node:http");
  // The cluster's own receivers serve the internal CA's certificate, which no system store holds.
  const trust = isHttps && destination.caCerts && destination.caCerts.length > 0 ? { ca: [...destination.caCerts] } : {};
  // The TLS server name, decided here: left to Node's HTTP agent, it comes from `net.isIP`, whose IPv6
  // check compiles a large regular expression, about 7 ms of every traced hook (Node 22, measured).
  // An IP literal gets none, as the agent would give it; a name is its own server name. A URL writes
  // an IPv6 host in brackets, so only the cheap IPv4 check is needed.
  const servername = url.hostname.startsWith("[") || isIPv4(url.hostname) ? "" : url.hostname;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: { readonly kind: "sent" } | { readonly kind: "dropped"; readonly reason: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      request.destroy();
      resolve(outcome);
    };
    const request = transport.request(
      url,
      { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) }, servername, ...trust },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        finish(status >= 200 && status < 300 ? { kind: "sent" } : { kind: "dropped", reason: `receiver answered ${status}` });
      },
    );
    const deadline = setTimeout(() => finish({ kind: "dropped", reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
    request.on("error", (error) => finish({ kind: "dropped", reason: error.message }));
    request.end(body);
  });
}

/** A backend that counts the hook commands the charm runs (each method is one command). */
export function countingBackend(backend: Backend): { readonly backend: Backend; readonly count: () => number } {
  let calls = 0;
  const counted = new Proxy(backend, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { backend: counted, count: () => calls };
}

/** What `dispatch` needs to trace one hook: count its commands, see its model, send its span. */
export interface HookTrace {
  count(backend: Backend): Backend;
  onModel(model: Model): void;
  /** Send the span if the charm names an endpoint; never throws, waits at most the export timeout. */
  end(charm: Charm, outcome: "ok" | "error", error?: unknown): Promise<void>;
}

export function hookTrace(env: HookEnv, timeoutMs = EXPORT_TIMEOUT_MS): HookTrace {
  const startUnixNano = BigInt(Date.now()) * 1_000_000n;
  const startHr = process.hrtime.bigint();
  let counter: { readonly backend: Backend; readonly count: () => number } | undefined;
  let model: Model | undefined;
  let ended = false;
  return {
    count(backend) {
      counter = countingBackend(backend);
      return counter.backend;
    },
    onModel(seen) {
      model = seen;
    },
    async end(charm, outcome, error) {
      if (ended || !model || !charm.tracingEndpoint) return;
      ended = true;
      let endpoint: TracingDestination | undefined;
      try {
        endpoint = charm.tracingEndpoint(model);
      } catch {
        return; // a failed hook may leave nothing readable; its span is not worth a second failure
      }
      if (endpoint === undefined) return;
      const dispatchPath = String(env.JUJU_DISPATCH_PATH ?? "dispatch");
      const span: HookSpan = {
        hook: dispatchPath.slice(dispatchPath.lastIndexOf("/") + 1),
        unit: model.unit.name,
        app: model.app.name,
        model: model.name,
        modelUuid: model.uuid,
        charm: charm.meta.name,
        startUnixNano,
        endUnixNano: startUnixNano + (process.hrtime.bigint() - startHr),
        outcome,
        ...(error !== undefined ? { error: error instanceof Error ? error.message : String(error) } : {}),
        hookCommands: counter?.count() ?? 0,
      };
      const sent = await exportHookSpan(endpoint, span, timeoutMs);
      if (sent.kind === "dropped") {
        try {
          counter?.backend.log("INFO", `hook span dropped (${sent.reason}); tracing receiver ${endpoint.url}`);
        } catch {
          // logging is best effort here
        }
      }
    },
  };
}
