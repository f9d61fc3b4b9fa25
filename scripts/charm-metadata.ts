/**
 * Render a charm's `CharmMeta` into the YAML files Juju reads from a charm directory:
 * `metadata.yaml` (what the charm is: containers, resources, storage, relations), `config.yaml`
 * (its options) and `manifest.yaml` (where it runs, as `charmcraft pack` writes it).
 *
 * Output is deterministic: keys sorted, one YAML emitter with fixed options, no timestamps from
 * the clock, so building twice gives the same bytes (and the same .charm).
 */
import YAML from "yaml";

/**
 * What the renderer reads from a charm's meta. `CharmMeta` (src/juju/charm.ts) is structurally
 * assignable to it; keeping the build's needs explicit here means the runtime type can grow
 * without the build changing.
 */
export interface CharmYamlSource {
  readonly name: string;
  readonly summary?: string;
  readonly description?: string;
  readonly assumes?: readonly string[];
  readonly containers?: Readonly<Record<string, { readonly resource?: string; readonly mounts?: ReadonlyArray<{ readonly storage: string; readonly location?: string }> }>>;
  readonly resources?: Readonly<Record<string, { readonly type: string; readonly description?: string; readonly upstreamSource?: string }>>;
  readonly storage?: Readonly<Record<string, { readonly type: string; readonly description?: string; readonly location?: string }>>;
  readonly requires?: Readonly<Record<string, EndpointSource>>;
  readonly provides?: Readonly<Record<string, EndpointSource>>;
  readonly peers?: Readonly<Record<string, EndpointSource>>;
  readonly config?: Readonly<Record<string, { readonly type: string; readonly default?: unknown; readonly description?: string }>>;
}
interface EndpointSource {
  readonly interface: string;
  readonly limit?: number;
  readonly optional?: boolean;
  readonly description?: string;
}
type CharmMeta = CharmYamlSource;

/** The one emitter for charm YAML files: sorted keys, no line folding, no anchors. */
export function emitCharmYaml(document: unknown): string {
  return YAML.stringify(document, {
    sortMapEntries: true,
    lineWidth: 0,
    aliasDuplicateObjects: false,
  });
}

/** Drop undefined values so optional fields that a meta leaves out do not appear as `null`. */
function defined<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function mapValues<V, W>(record: Readonly<Record<string, V>> | undefined, transform: (value: V) => W): Record<string, W> | undefined {
  if (record === undefined || Object.keys(record).length === 0) return undefined;
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, transform(value)]));
}

export function metadataDocument(meta: CharmMeta): Record<string, unknown> {
  return defined({
    name: meta.name,
    summary: meta.summary,
    description: meta.description,
    assumes: meta.assumes && meta.assumes.length > 0 ? [...meta.assumes] : undefined,
    containers: mapValues(meta.containers, (container) =>
      defined({
        resource: container.resource,
        mounts: container.mounts?.map((mount) => defined({ storage: mount.storage, location: mount.location })),
      }),
    ),
    resources: mapValues(meta.resources, (resource) =>
      defined({
        type: resource.type,
        description: resource.description,
        "upstream-source": resource.upstreamSource,
      }),
    ),
    storage: mapValues(meta.storage, (storage) =>
      defined({ type: storage.type, description: storage.description, location: storage.location }),
    ),
    requires: mapValues(meta.requires, (endpoint) =>
      defined({ interface: endpoint.interface, limit: endpoint.limit, optional: endpoint.optional, description: endpoint.description }),
    ),
    provides: mapValues(meta.provides, (endpoint) =>
      defined({ interface: endpoint.interface, limit: endpoint.limit, optional: endpoint.optional, description: endpoint.description }),
    ),
    peers: mapValues(meta.peers, (endpoint) => defined({ interface: endpoint.interface, description: endpoint.description })),
  });
}

export function configDocument(meta: CharmMeta): Record<string, unknown> {
  return {
    options:
      mapValues(meta.config, (option) =>
        defined({ type: option.type, default: option.default, description: option.description }),
      ) ?? {},
  };
}

/**
 * `manifest.yaml` as charmcraft writes it for a charm built on and for Ubuntu 22.04 amd64. The
 * start time is fixed, not the clock, so the file (and the packed charm) is reproducible.
 */
export function manifestDocument(): Record<string, unknown> {
  return {
    analysis: { attributes: [{ name: "language", result: "javascript" }, { name: "framework", result: "unknown" }] },
    bases: [{ architectures: ["amd64"], channel: "22.04", name: "ubuntu" }],
    "charmcraft-started-at": "1980-01-01T00:00:00Z",
    "charmcraft-version": "tempo-cluster-build",
  };
}

export function renderMetadataYaml(meta: CharmMeta): string {
  return emitCharmYaml(metadataDocument(meta));
}
export function renderConfigYaml(meta: CharmMeta): string {
  return emitCharmYaml(configDocument(meta));
}
export function renderManifestYaml(): string {
  return emitCharmYaml(manifestDocument());
}
