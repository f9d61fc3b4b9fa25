/**
 * A charm's static description: what `metadata.yaml` and `config.yaml` say.
 *
 * Field names follow Juju's YAML (`extra-bindings`, `upstream-source`, `config.options`) so the
 * build renders these objects as they are, and the runtime resolves endpoints and containers
 * against the same object the package ships. The build checks them with the schemas in
 * `charm-meta-schema.ts`.
 */
import type * as z from "zod";
import type * as schema from "./charm-meta-schema.js";

export const CONFIG_OPTION_TYPES = ["string", "int", "float", "boolean", "secret"] as const;
export type ConfigOptionType = (typeof CONFIG_OPTION_TYPES)[number];

/**
 * The Juju version both charms declare in `assumes`, so an older controller refuses the deploy instead
 * of running hooks it answers differently. 3.6 is the LTS everything here is checked against (the
 * fakes follow 3.6's sources), and the charms use what came late in 3.x: `open-port` on Kubernetes
 * and `secret-info-get` (3.1), `relation-ids` without the relation being broken (3.4, juju/juju#17464;
 * Model.relations() also drops it itself, as ops does), Pebble check events (3.6). Juju reads the
 * expression as written (`assumes` accepts `juju <op> <version>`).
 */
export const JUJU_VERSION_ASSUMPTION = "juju >= 3.6";

export type RelationEndpointMeta = z.infer<typeof schema.RelationEndpointMeta>;
export type ContainerMeta = z.infer<typeof schema.ContainerMeta>;
export type ResourceMeta = z.infer<typeof schema.ResourceMeta>;
export type StorageMeta = z.infer<typeof schema.StorageMeta>;
export type ConfigOptionMeta = z.infer<typeof schema.ConfigOptionMeta>;
export type ActionMeta = z.infer<typeof schema.ActionMeta>;
export type CharmMeta = z.infer<typeof schema.CharmMeta>;

export type EndpointRole = "provides" | "requires" | "peers";

/** Which section declares this endpoint, or undefined when the charm has no such endpoint. */
export function endpointRole(meta: CharmMeta, endpoint: string): EndpointRole | undefined {
  if (meta.peers?.[endpoint]) return "peers";
  if (meta.provides?.[endpoint]) return "provides";
  if (meta.requires?.[endpoint]) return "requires";
  return undefined;
}

export function endpointMeta(meta: CharmMeta, endpoint: string): RelationEndpointMeta | undefined {
  return meta.peers?.[endpoint] ?? meta.provides?.[endpoint] ?? meta.requires?.[endpoint];
}

/** Every relation endpoint, sorted. */
export function allEndpoints(meta: CharmMeta): string[] {
  return [
    ...Object.keys(meta.provides ?? {}),
    ...Object.keys(meta.requires ?? {}),
    ...Object.keys(meta.peers ?? {}),
  ].sort();
}

/** Names `network-get` accepts: endpoints, extra bindings, and the implicit `juju-info`. */
export function bindingNames(meta: CharmMeta): string[] {
  return [...new Set([...allEndpoints(meta), ...Object.keys(meta["extra-bindings"] ?? {}), "juju-info"])].sort();
}

/** Config as Juju hands it to the charm before any `juju config`: options with a default. */
export function configDefaults(meta: CharmMeta): Record<string, string | number | boolean> {
  const defaults: Record<string, string | number | boolean> = {};
  for (const [name, option] of Object.entries(meta.config?.options ?? {})) {
    if (option.default !== undefined) defaults[name] = option.default;
  }
  return defaults;
}
