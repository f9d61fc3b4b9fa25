/**
 * The worker's role, read from its `role-*` config options.
 *
 * Operators already know the boolean options from the Python charm (`role-all` default true, one
 * `role-<role>` per Tempo role), so we keep them; Tempo runs exactly one target per process, so
 * exactly one option may be true. Anything else is Blocked with the command that fixes it
 * (field-notes §1 E: the Python charm's "cannot have more than 1 enabled role" left operators guessing).
 */
import { ROLES, type Role } from "../../interface/roles.js";

export type RoleOptionName = `role-${Role}`;

/** The option names in the order operators see them in `juju config`. */
export const ROLE_OPTION_NAMES: readonly RoleOptionName[] = ROLES.map((role) => `role-${role}` as const);

export type RoleSelection =
  | { kind: "valid"; role: Role }
  | { kind: "invalid"; enabledOptions: RoleOptionName[]; message: string };

type ConfigValues = Readonly<Record<string, string | number | boolean>>;

function isEnabled(value: string | number | boolean | undefined): boolean {
  // `config-get` yields booleans for boolean options; accept the string form a hand-written
  // backend might hand us rather than silently treating "true" as off.
  return value === true || value === "true";
}

/**
 * Exactly one enabled `role-*` option → that role. `role-all` defaults to true in the metadata,
 * but an absent key here means "off": the charm sees what Juju reports, defaults included.
 */
export function selectRole(config: ConfigValues, applicationName: string): RoleSelection {
  const enabledOptions = ROLE_OPTION_NAMES.filter((name) => isEnabled(config[name]));
  const [only] = enabledOptions;
  if (enabledOptions.length === 1 && only !== undefined) {
    return { kind: "valid", role: only.slice("role-".length) as Role };
  }
  if (enabledOptions.length === 0) {
    return {
      kind: "invalid",
      enabledOptions,
      message: `no role enabled: enable exactly one, e.g. juju config ${applicationName} role-all=true`,
    };
  }
  const keep = enabledOptions[0] as RoleOptionName;
  const disable = enabledOptions
    .slice(1)
    .map((name) => `${name}=false`)
    .join(" ");
  return {
    kind: "invalid",
    enabledOptions,
    message:
      `${enabledOptions.length} roles enabled (${enabledOptions.join(", ")}), Tempo runs exactly one: ` +
      `e.g. juju config ${applicationName} ${disable} to keep ${keep}`,
  };
}
