/**
 * A charm's static description: what `metadata.yaml` and `config.yaml` say.
 *
 * Field names follow Juju's YAML (`extra-bindings`, `upstream-source`, `config.options`) so the
 * build renders these objects as they are, and the runtime resolves endpoints and containers
 * against the same object the package ships.
 */
import * as z from "zod";

export const RelationEndpointMeta = z.object({
  interface: z.string().min(1),
  /** How many relations this endpoint accepts; absent means unlimited. */
  limit: z.number().int().positive().optional(),
  optional: z.boolean().optional(),
  scope: z.enum(["global", "container"]).optional(),
  description: z.string().optional(),
});
export type RelationEndpointMeta = z.infer<typeof RelationEndpointMeta>;

export const ContainerMeta = z.object({
  resource: z.string().optional(),
  mounts: z.array(z.object({ storage: z.string(), location: z.string() })).optional(),
});
export type ContainerMeta = z.infer<typeof ContainerMeta>;

export const ResourceMeta = z.object({
  type: z.enum(["oci-image", "file"]),
  description: z.string().optional(),
  "upstream-source": z.string().optional(),
  filename: z.string().optional(),
});
export type ResourceMeta = z.infer<typeof ResourceMeta>;

export const StorageMeta = z.object({
  type: z.enum(["filesystem", "block"]),
  description: z.string().optional(),
  location: z.string().optional(),
  "minimum-size": z.string().optional(),
  multiple: z.object({ range: z.string() }).optional(),
});
export type StorageMeta = z.infer<typeof StorageMeta>;

export const CONFIG_OPTION_TYPES = ["string", "int", "float", "boolean", "secret"] as const;
export type ConfigOptionType = (typeof CONFIG_OPTION_TYPES)[number];
export const ConfigOptionMeta = z.object({
  type: z.enum(CONFIG_OPTION_TYPES),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  description: z.string().optional(),
});
export type ConfigOptionMeta = z.infer<typeof ConfigOptionMeta>;

/** One action as `actions.yaml` declares it; `params` is the JSON schema of its parameters. */
export const ActionMeta = z.object({
  description: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
});
export type ActionMeta = z.infer<typeof ActionMeta>;

const EndpointMap = z.record(z.string(), RelationEndpointMeta);

/**
 * The Juju version both charms declare in `assumes`, so an older controller refuses the deploy instead
 * of running hooks it answers differently. 3.6 is the LTS everything here is checked against (the
 * fakes follow 3.6's sources), and the charms use what came late in 3.x: `open-port` on Kubernetes
 * and `secret-info-get` (3.1), `relation-ids` without the relation being broken (3.4, juju/juju#17464;
 * Model.relations() also drops it itself, as ops does), Pebble check events (3.6). Juju reads the
 * expression as written (`assumes` accepts `juju <op> <version>`).
 */
export const JUJU_VERSION_ASSUMPTION = "juju >= 3.6";

export const CharmMeta = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/),
  summary: z.string(),
  description: z.string(),
  assumes: z.array(z.string()).optional(),
  containers: z.record(z.string(), ContainerMeta).optional(),
  resources: z.record(z.string(), ResourceMeta).optional(),
  storage: z.record(z.string(), StorageMeta).optional(),
  provides: EndpointMap.optional(),
  requires: EndpointMap.optional(),
  peers: EndpointMap.optional(),
  "extra-bindings": z.record(z.string(), z.null()).optional(),
  config: z.object({ options: z.record(z.string(), ConfigOptionMeta) }).optional(),
  /** Rendered into `actions.yaml`, not `metadata.yaml`. Action names: lowercase words joined by `-`. */
  actions: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), ActionMeta).optional(),
});
export type CharmMeta = z.infer<typeof CharmMeta>;

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
