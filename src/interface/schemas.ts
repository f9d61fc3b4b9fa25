/**
 * The three tempo_cluster/v1 databags as zod schemas over their **decoded** values (each databag value
 * JSON-decoded): the single source of the wire types. `test/interface/schema-equivalence.test.ts`
 * proves them equivalent to the published JSON schemas, apart from the stricter rules written there.
 *
 * Error messages are written for an operator reading the coordinator's status or `doctor` output.
 */
import * as z from "zod";
import { normaliseAddress } from "./address.js";
import { jsonTypeOf, quote } from "./describe-input.js";
import { ROLES } from "./roles.js";

/** zod error callback: "is missing" when absent, otherwise "expected <what>, got <type>". */
function expecting(what: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? "is missing" : `expected ${what}, got ${jsonTypeOf(issue.input)}`;
}

function roleProblem(input: unknown): string {
  if (typeof input !== "string") return `expected a role name (a string), got ${jsonTypeOf(input)}`;
  const expected = `expected exactly one of ${ROLES.join(", ")}`;
  if (input.includes(",")) return `${quote(input)} joins several roles with commas; ${expected}`;
  const canonical = input.trim().toLowerCase();
  if (canonical !== input && (ROLES as readonly string[]).includes(canonical)) {
    return `${quote(input)} is not spelled as a role (roles are lower-case, without spaces); ${expected}`;
  }
  return `${quote(input)} is not a Tempo role; ${expected}`;
}

/**
 * Exactly one Tempo role. Stricter than the Python charms, which publish a comma-joined list when
 * several `role-*` options are on (spec §2.5): such an application is left out, not guessed at.
 */
export const Role = z.enum(ROLES, { error: (issue) => (issue.input === undefined ? "is missing" : roleProblem(issue.input)) });

/** cos-lib's JujuTopology: `application` required; `unit` and `charm_name` present but nullable. */
export const Topology = z.object({
  application: z.string({ error: expecting("a string") }),
  unit: z.string({ error: expecting("a string or null") }).nullable(),
  charm_name: z.string({ error: expecting("a string or null") }).nullable(),
  // Written by this project's workers (spec §2.2); optional because the Python charms drop them.
  model: z.string({ error: expecting("a string") }).optional(),
  model_uuid: z.string({ error: expecting("a string") }).optional(),
}, { error: expecting("an object") });
export type Topology = z.infer<typeof Topology>;

/**
 * A worker address. Stricter than the published schema (any string): it must normalise to a bare host
 * (see address.ts), because it is pasted into the gossip ring and the rendered YAML.
 */
export const Address = z.string({ error: expecting("a string") }).superRefine((value, context) => {
  const normalised = normaliseAddress(value);
  if (normalised.kind === "invalid") context.addIssue({ code: "custom", message: `${quote(value)} ${normalised.reason}` });
});

export const RequirerAppData = z.object({ role: Role }, { error: expecting("an object") });
export type RequirerAppData = z.infer<typeof RequirerAppData>;

export const RequirerUnitData = z.object({ juju_topology: Topology, address: Address }, { error: expecting("an object") });
export type RequirerUnitData = z.infer<typeof RequirerUnitData>;

const Text = z.string({ error: expecting("a string") });
/**
 * `__proto__` cannot be an own key of a plain object: any record parser (zod's included) drops it
 * silently on assignment, so a map that names it is refused instead of losing an entry.
 */
const StringMap = z
  .unknown()
  .refine((value) => !(typeof value === "object" && value !== null && Object.hasOwn(value, "__proto__")), {
    error: 'the key "__proto__" is not allowed',
  })
  .pipe(z.record(z.string(), z.string({ error: expecting("a string") }), { error: expecting("an object of strings") }));
/** A TCP port. Stricter than the published `integer`: a worker cannot open port 0 or 70000. */
const Port = z.number({ error: expecting("an integer") }).int({ error: expecting("an integer") }).min(1, { error: "a port is at least 1" }).max(65535, { error: "a port is at most 65535" });

const providerFields = {
  worker_config: Text,
  loki_endpoints: StringMap.optional(),
  ca_cert: Text.optional(),
  server_cert: Text.optional(),
  privkey_secret_id: Text.optional(),
  s3_tls_ca_cert: Text.optional(),
  remote_write_endpoints: z.array(StringMap, { error: expecting("an array of objects") }).optional(),
  charm_tracing_receivers: StringMap.optional(),
  workload_tracing_receivers: StringMap.optional(),
  worker_ports: z.array(Port, { error: expecting("an array of ports") }).optional(),
};

/** The provider application databag as this project writes it (the published fields). */
export const ProviderAppData = z.object(providerFields, { error: expecting("an object") });
export type ProviderAppData = z.infer<typeof ProviderAppData>;

/**
 * The provider application databag as this project reads it: the published fields plus the Python
 * charms' `s3_tls_ca_chain`, folded into `s3_tls_ca_cert` when that is absent (spec §2.5). Because we
 * read `s3_tls_ca_chain`, we also check that it is a string, which the published schema does not.
 */
export const ProviderAppDataOnRead = z
  .object({ ...providerFields, s3_tls_ca_chain: Text.optional() }, { error: expecting("an object") })
  .transform(({ s3_tls_ca_chain, ...published }): ProviderAppData =>
    published.s3_tls_ca_cert === undefined && s3_tls_ca_chain !== undefined
      ? { ...published, s3_tls_ca_cert: s3_tls_ca_chain }
      : published,
  );
