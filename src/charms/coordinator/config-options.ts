/**
 * The coordinator's config options → typed settings, or the one message an operator needs to fix them.
 *
 * `config-get` hands us whatever Juju holds: Juju checks the declared type (int, boolean, string)
 * but not the range, and a hand-written state in tests may omit options altogether, so every option
 * is re-checked here and a missing one takes the default declared in `meta.ts`.
 */
import * as z from "zod";
import type { ReceiverProtocol } from "../../interface/ports.js";
import { TEMPO_VERSIONS, type TempoVersion } from "../../tempo/settings.js";

/** `always_enable_<x>` option → the receiver protocol it turns on (the tracing v2 protocol names). */
export const ALWAYS_ENABLE_OPTIONS = {
  always_enable_zipkin: "zipkin",
  always_enable_otlp_grpc: "otlp_grpc",
  always_enable_otlp_http: "otlp_http",
  always_enable_jaeger_thrift_http: "jaeger_thrift_http",
  always_enable_jaeger_grpc: "jaeger_grpc",
} as const satisfies Record<string, ReceiverProtocol>;

/** Declared defaults, shared with `meta.ts` so the charm's config.yaml and this parser never disagree. */
export const CONFIG_DEFAULTS = {
  "retention-period": 720,
  always_enable_zipkin: false,
  always_enable_otlp_grpc: false,
  always_enable_otlp_http: true,
  always_enable_jaeger_thrift_http: false,
  always_enable_jaeger_grpc: false,
  "replication-factor": 0,
  "tempo-version": "2.7",
} as const;

const flag = (option: string) =>
  z.boolean({ error: `${option} must be true or false` }).default(
    CONFIG_DEFAULTS[option as keyof typeof CONFIG_DEFAULTS] as boolean,
  );

const RawCoordinatorConfig = z.object({
  "retention-period": z
    .number({ error: "retention-period must be a whole number of hours" })
    .int({ error: "retention-period must be a whole number of hours" })
    .min(1, { error: "retention-period must be at least 1 (hours)" })
    .default(CONFIG_DEFAULTS["retention-period"]),
  always_enable_zipkin: flag("always_enable_zipkin"),
  always_enable_otlp_grpc: flag("always_enable_otlp_grpc"),
  always_enable_otlp_http: flag("always_enable_otlp_http"),
  always_enable_jaeger_thrift_http: flag("always_enable_jaeger_thrift_http"),
  always_enable_jaeger_grpc: flag("always_enable_jaeger_grpc"),
  "replication-factor": z
    .number({ error: "replication-factor must be a whole number" })
    .int({ error: "replication-factor must be a whole number" })
    .min(0, { error: "replication-factor must be 0 (automatic) or a positive number of copies" })
    .default(CONFIG_DEFAULTS["replication-factor"]),
  "tempo-version": z
    .enum(TEMPO_VERSIONS, {
      error: `tempo-version must be one of ${TEMPO_VERSIONS.join(", ")}`,
    })
    .default(CONFIG_DEFAULTS["tempo-version"]),
});

export interface CoordinatorSettings {
  readonly retentionHours: number;
  /** Receivers the operator asked for whatever tracing relations request; sorted. */
  readonly alwaysEnabledReceivers: readonly ReceiverProtocol[];
  /** `auto`: 3 with at least 3 ingester units, else 1 (the builder decides). */
  readonly replicationFactor: number | "auto";
  readonly tempoVersion: TempoVersion;
}

/** One option Juju holds a value for that we cannot use. */
export interface ConfigProblem {
  readonly option: string;
  /** What is allowed, e.g. `retention-period must be at least 1 (hours)`. */
  readonly message: string;
  /** The value Juju handed over, JSON-encoded; absent when the option was missing. */
  readonly got?: string;
}

export type ConfigResult =
  | { readonly kind: "valid"; readonly settings: CoordinatorSettings }
  | { readonly kind: "invalid"; readonly problems: readonly ConfigProblem[] };

export function parseCoordinatorConfig(raw: Readonly<Record<string, unknown>>): ConfigResult {
  const parsed = RawCoordinatorConfig.safeParse(raw);
  if (!parsed.success) {
    const byOption = new Map<string, ConfigProblem>();
    for (const issue of parsed.error.issues) {
      const option = String(issue.path[0] ?? "config");
      if (byOption.has(option)) continue;
      byOption.set(option, { option, message: issue.message, ...(option in raw ? { got: JSON.stringify(raw[option]) } : {}) });
    }
    return { kind: "invalid", problems: [...byOption.values()].sort((a, b) => (a.option < b.option ? -1 : 1)) };
  }
  const config = parsed.data;
  const alwaysEnabledReceivers = (Object.keys(ALWAYS_ENABLE_OPTIONS) as (keyof typeof ALWAYS_ENABLE_OPTIONS)[])
    .filter((option) => config[option])
    .map((option) => ALWAYS_ENABLE_OPTIONS[option])
    .sort();
  return {
    kind: "valid",
    settings: {
      retentionHours: config["retention-period"],
      alwaysEnabledReceivers,
      replicationFactor: config["replication-factor"] === 0 ? "auto" : config["replication-factor"],
      tempoVersion: config["tempo-version"],
    },
  };
}
