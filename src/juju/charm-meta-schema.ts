/**
 * The zod schemas of a charm's static description (`charm-meta.ts`), for the build: it checks a
 * charm's metadata before rendering `metadata.yaml` and `config.yaml`.
 *
 * Kept out of `charm-meta.ts`, whose types and helpers every hook loads: a hook never validates its
 * own metadata, and building these schemas cost every hook about 90 zod constructions (measured by
 * counting them before a hook's first hook command).
 */
import * as z from "zod";
import { CONFIG_OPTION_TYPES } from "./charm-meta.js";

export const RelationEndpointMeta = z.object({
  interface: z.string().min(1),
  /** How many relations this endpoint accepts; absent means unlimited. */
  limit: z.number().int().positive().optional(),
  optional: z.boolean().optional(),
  scope: z.enum(["global", "container"]).optional(),
  description: z.string().optional(),
});

export const ContainerMeta = z.object({
  resource: z.string().optional(),
  mounts: z.array(z.object({ storage: z.string(), location: z.string() })).optional(),
});

export const ResourceMeta = z.object({
  type: z.enum(["oci-image", "file"]),
  description: z.string().optional(),
  "upstream-source": z.string().optional(),
  filename: z.string().optional(),
});

export const StorageMeta = z.object({
  type: z.enum(["filesystem", "block"]),
  description: z.string().optional(),
  location: z.string().optional(),
  "minimum-size": z.string().optional(),
  multiple: z.object({ range: z.string() }).optional(),
});

export const ConfigOptionMeta = z.object({
  type: z.enum(CONFIG_OPTION_TYPES),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  description: z.string().optional(),
});

/** One action as `actions.yaml` declares it; `params` is the JSON schema of its parameters. */
export const ActionMeta = z.object({
  description: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
});

const EndpointMap = z.record(z.string(), RelationEndpointMeta);

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
