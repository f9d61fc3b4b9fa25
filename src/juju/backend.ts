/**
 * The one seam between a charm and Juju.
 *
 * Everything above this interface is pure and runs unchanged against real Juju (hook-commands.ts,
 * the only module that spawns processes), the in-memory test backend (src/testing/) and the
 * simulator (src/sim/). The methods mirror Juju's hook commands one to one, so a backend is a thin
 * translation and all policy (caching, diffing, access rules as the charm sees them) lives in the
 * model above it.
 *
 * Calls are synchronous: Juju serialises a unit's hook commands anyway (juju-hook-tools.md §1.1),
 * so nothing is gained by overlapping them, and synchronous calls keep the model simple.
 */

/** A relation as Juju names it: `relation-ids` prints `<endpoint>:<id>`. */
export interface RelationRef {
  readonly endpoint: string;
  readonly id: number;
}

export type Databag = Record<string, string>;

export type SettableStatus = "active" | "blocked" | "waiting" | "maintenance";
/**
 * What `status-get` can report. Beyond the four a charm sets: `unknown` and `error`; `unset`, which
 * an application's status is from creation until its leader first sets one (juju/juju#11740; the
 * hook tool prints the stored value as it is, jujuc/status-get.go `toDetails`); and `terminated`,
 * which Juju sets on a Kubernetes unit whose pod stopped ("unit stopped by the cloud", the CAAS
 * application provisioner's UpdateUnits), so a restarted pod's first hooks read it back. Any other
 * name a future Juju prints reads as `unknown` (hook-commands.ts), never as a failed hook.
 */
export type StatusName = SettableStatus | "unknown" | "error" | "unset" | "terminated";
export const STATUS_NAMES: readonly StatusName[] = ["active", "blocked", "waiting", "maintenance", "unknown", "error", "unset", "terminated"];
export interface StatusValue {
  readonly status: StatusName;
  readonly message: string;
}
export type StatusTarget = "unit" | "application";

export type LogLevel = "TRACE" | "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL";

/** A single port (Kubernetes charms cannot open ranges) or ICMP. */
export type PortSpec =
  | { readonly protocol: "tcp" | "udp"; readonly port: number }
  | { readonly protocol: "icmp" };

export interface NetworkAddress {
  readonly hostname: string;
  readonly value: string;
  readonly cidr: string;
}
export interface NetworkInfo {
  readonly bindAddresses: ReadonlyArray<{
    readonly interfaceName: string;
    readonly macAddress: string;
    readonly addresses: readonly NetworkAddress[];
  }>;
  readonly egressSubnets: readonly string[];
  readonly ingressAddresses: readonly string[];
}

/** How `secret-get` resolves the revision: the tracked one, the latest once, or the latest from now on. */
export type SecretReadMode = "tracked" | "peek" | "refresh";
export type SecretOwner = "application" | "unit";
export interface SecretRef {
  readonly id?: string;
  readonly label?: string;
}
export interface SecretInfo {
  /** Full URI, `secret:<xid>`. */
  readonly id: string;
  readonly revision: number;
  readonly owner: SecretOwner;
  readonly label?: string;
  readonly description?: string;
  readonly rotation?: string;
  readonly expiry?: string;
}
export interface SecretMetadata {
  readonly label?: string;
  readonly description?: string;
  /**
   * `--expire`: when the latest revision expires, RFC 3339. Juju then runs `secret-expired` on the
   * owner (the leader, for an application secret) and runs it again every few minutes until the
   * revision is removed or given another expire time (worker/secretexpire: `ExpireRetryDelay`). A
   * content change without `--expire` gives a new revision with no expire time (state/secrets.go
   * `updateSecretMetadataDoc`).
   */
  readonly expire?: string;
}

export interface Backend {
  // Relations
  relationIds(endpoint: string): RelationRef[];
  /** Remote units this unit has seen join (never the local unit), sorted. */
  relationList(relation: RelationRef): string[];
  /** `relation-list --app`: the remote application's name. */
  relationRemoteApp(relation: RelationRef): string;
  /**
   * Read a whole databag: a unit (`app/n`) or, with `isApp`, an application. The result is a fresh
   * object the caller owns (the model freezes it as it is, without copying it again).
   */
  relationGet(relation: RelationRef, entity: string, isApp: boolean): Databag;
  /** Write to the local unit bag or, with `isApp`, the local application bag. An empty value deletes the key. */
  relationSet(relation: RelationRef, changes: Databag, isApp: boolean): void;

  isLeader(): boolean;
  configGet(): Record<string, string | number | boolean>;

  statusGet(target: StatusTarget): StatusValue;
  statusSet(target: StatusTarget, status: SettableStatus, message: string): void;
  applicationVersionSet(version: string): void;
  log(level: LogLevel, message: string): void;

  networkGet(binding: string, relation?: RelationRef): NetworkInfo;

  openedPorts(): PortSpec[];
  openPort(port: PortSpec): void;
  closePort(port: PortSpec): void;

  secretGet(ref: SecretRef, mode?: SecretReadMode): Record<string, string>;
  /** Returns the new secret's URI. */
  secretAdd(content: Record<string, string>, owner: SecretOwner, metadata?: SecretMetadata): string;
  secretSet(id: string, content: Record<string, string>, metadata?: SecretMetadata): void;
  secretGrant(id: string, relation: RelationRef, unit?: string): void;
  secretRevoke(id: string, relation: RelationRef, unit?: string): void;
  secretRemove(id: string, revision?: number): void;
  secretInfoGet(ref: SecretRef): SecretInfo;
  /** URIs (`secret:<xid>`) of the secrets this unit or application owns. */
  secretIds(): string[];

  stateGet(): Record<string, string>;
  stateSet(changes: Record<string, string>): void;
  stateDelete(key: string): void;

  // Actions: only while an action runs (Juju answers `ERROR not running an action` otherwise).
  /** `action-get --format=json`: the parameters the operator passed (`{}` for none). */
  actionGet(): Record<string, unknown>;
  /** `action-set k=v …`: keys are lowercase words joined by `-`, dotted for nesting. */
  actionSet(results: Record<string, string>): void;
  /** `action-fail`: the action ends failed with this message; buffered changes still commit on exit 0. */
  actionFail(message: string): void;
  /** `action-log`: a progress line the operator sees while the action runs (immediate). */
  actionLog(message: string): void;
}

/** What Juju's `ERROR …` line says went wrong, as far as a charm needs to know. */
export type HookCommandErrorKind =
  | "relation-not-found"
  | "permission-denied"
  | "not-leader"
  | "secret-not-found"
  | "other";

/**
 * A hook command that Juju itself refused. Backends throw it; the model turns the expected kinds
 * into results and lets the rest reach the charm entry, which logs it and exits non-zero.
 */
export class HookCommandError extends Error {
  constructor(
    readonly kind: HookCommandErrorKind,
    readonly command: string,
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(`${command}: ${stderr.trim() || `exit code ${exitCode}`}`);
    this.name = "HookCommandError";
  }
}
