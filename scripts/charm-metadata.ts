/**
 * Render a charm's `CharmMeta` into the YAML files Juju reads from a charm directory:
 * `metadata.yaml` (what the charm is: containers, resources, storage, relations), `config.yaml`
 * (its options) and `manifest.yaml` (where it runs, as `charmcraft pack` writes it).
 *
 * `CharmMeta` already uses Juju's YAML field names, so rendering is a split (config apart) plus a
 * deterministic emit: keys sorted, one emitter with fixed options, no clock, so building twice
 * gives the same bytes (and the same .charm).
 */
import YAML from "yaml";
import type { CharmMeta } from "../src/juju/charm-meta.js";
import { CharmMeta as CharmMetaSchema } from "../src/juju/charm-meta-schema.js";

/** The one emitter for charm YAML files: sorted keys, no line folding, no anchors. */
export function emitCharmYaml(document: unknown): string {
  return YAML.stringify(document, {
    sortMapEntries: true,
    lineWidth: 0,
    aliasDuplicateObjects: false,
  });
}

export type CharmMetaCheck = { kind: "valid"; meta: CharmMeta } | { kind: "invalid"; reasons: string[] };

/** A charm's meta is code, but the build is where a typo in it would otherwise reach Juju: check it. */
export function checkCharmMeta(meta: unknown): CharmMetaCheck {
  const parsed = CharmMetaSchema.safeParse(meta);
  if (parsed.success) return { kind: "valid", meta: parsed.data };
  return {
    kind: "invalid",
    reasons: parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
  };
}

/** Everything but `config`, which Juju reads from its own file. */
export function metadataDocument(meta: CharmMeta): Record<string, unknown> {
  const { config: _config, actions: _actions, ...metadata } = meta;
  return Object.fromEntries(Object.entries(metadata).filter(([, value]) => value !== undefined));
}

export function configDocument(meta: CharmMeta): Record<string, unknown> {
  return { options: meta.config?.options ?? {} };
}

/**
 * `manifest.yaml` as charmcraft writes it for a charm that runs on Ubuntu 22.04 (Juju checks
 * `bases` on deploy), naming the architectures the charm's Node runtime runs on: a packed charm
 * carries one runtime, so it names one. The start time is fixed, not the clock, so the packed
 * charm is reproducible.
 */
export function manifestDocument(architectures: readonly string[] = ["amd64"]): Record<string, unknown> {
  return {
    analysis: {
      attributes: [
        { name: "language", result: "javascript" },
        { name: "framework", result: "unknown" },
      ],
    },
    bases: [{ architectures: [...architectures], channel: "22.04", name: "ubuntu" }],
    "charmcraft-started-at": "1980-01-01T00:00:00Z",
    "charmcraft-version": "tempo-cluster-build",
  };
}

/** `actions.yaml`: every action with its description and parameter schema (Juju reads it apart). */
export function actionsDocument(meta: CharmMeta): Record<string, unknown> {
  return { ...(meta.actions ?? {}) };
}

export function renderActionsYaml(meta: CharmMeta): string {
  return emitCharmYaml(actionsDocument(meta));
}

export function renderMetadataYaml(meta: CharmMeta): string {
  return emitCharmYaml(metadataDocument(meta));
}
export function renderConfigYaml(meta: CharmMeta): string {
  return emitCharmYaml(configDocument(meta));
}
export function renderManifestYaml(architectures?: readonly string[]): string {
  return emitCharmYaml(manifestDocument(architectures));
}
