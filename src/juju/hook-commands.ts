/**
 * The Backend on Juju's real hook commands — the only module of the runtime that spawns processes.
 *
 * Each method is one hook command, run synchronously (Juju serialises a unit's hook commands anyway,
 * juju-hook-tools.md §1.1), found on PATH (Juju puts its tools dir first, §1.3), with the argv forms
 * of the newest ops (generation C in §2): `--format=json` wherever output is parsed, `-r <endpoint>:<id>`
 * for relation-get/relation-list/relation-set, JSON on stdin for `--file -` with stdin closed (§1.4).
 * Failures become HookCommandError, classified from Juju's `ERROR …` line (hook-command-errors.ts).
 */
import type { SpawnSyncOptionsWithStringEncoding, SpawnSyncReturns } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as z from "zod";
import type {
  Backend,
  Databag,
  LogLevel,
  NetworkInfo,
  PortSpec,
  RelationRef,
  SecretInfo,
  SecretMetadata,
  SecretOwner,
  SecretReadMode,
  SecretRef,
  SettableStatus,
  StatusName,
  StatusTarget,
  StatusValue,
} from "./backend.js";
import { STATUS_NAMES } from "./backend.js";
import { hookCommandError } from "./hook-command-errors.js";
import { nodeChildProcess } from "./lazy-builtins.js";
import { connectDirectHookCommands, type DirectHookCommandRunner } from "./jujuc-client.js";

/** `child_process.spawnSync`, loaded when a hook first spawns a tool: only the fallback transport does. */
function spawnHookTool(command: string, args: readonly string[], options: SpawnSyncOptionsWithStringEncoding): SpawnSyncReturns<string> {
  return nodeChildProcess().spawnSync(command, args, options);
}

/** ops splits longer log messages (MAX_LOG_LINE_LEN, §2.10): one argv element must stay under ARG_MAX. */
export const MAX_LOG_MESSAGE_LENGTH = 131071;

// ---------------------------------------------------------------- output schemas (what Juju prints)

const StringMap = z.record(z.string(), z.string());
const RelationIdsOutput = z.array(z.string().regex(/^.+:\d+$/));
const StringList = z.array(z.string());
const ConfigOutput = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
/**
 * A status name as Juju prints it. Juju passes its stored value through unchanged (jujuc/status-get.go
 * `toDetails`), so names outside our list (a future Juju's) read as `unknown` instead of failing the
 * hook: the model only compares with them, and `unknown` never equals a status the charm sets.
 */
export function statusNameFrom(printed: string): StatusName {
  return (STATUS_NAMES as readonly string[]).includes(printed) ? (printed as StatusName) : "unknown";
}
const StatusName = z.string().transform(statusNameFrom);
const StatusOutput = z.object({ status: StatusName, message: z.string().default("") });
const ApplicationStatusOutput = z.object({ "application-status": StatusOutput });
const NetworkGetOutput = z.object({
  "bind-addresses": z
    .array(
      z.object({
        "mac-address": z.string().default(""),
        "interface-name": z.string().default(""),
        addresses: z
          .array(z.object({ hostname: z.string().default(""), value: z.string(), cidr: z.string().default("") }))
          .default([]),
      }),
    )
    .default([]),
  "egress-subnets": z.array(z.string()).default([]),
  "ingress-addresses": z.array(z.string()).default([]),
});
const SecretInfoOutput = z.record(
  z.string(),
  z.object({
    revision: z.number().int(),
    owner: z.enum(["application", "unit"]),
    label: z.string().optional(),
    description: z.string().optional(),
    rotation: z.string().optional(),
    expiry: z.string().optional(),
  }),
);

// ---------------------------------------------------------------- pure argv and output helpers

/** `-r <endpoint>:<id>`: newer Juju checks the endpoint; older ones ignore everything up to the colon. */
export function relationFlag(relation: RelationRef): string[] {
  return ["-r", `${relation.endpoint}:${relation.id}`];
}

/** Juju's port syntax: `3200/tcp`, `icmp`. */
export function portArgument(port: PortSpec): string {
  return port.protocol === "icmp" ? "icmp" : `${port.port}/${port.protocol}`;
}

/**
 * One `opened-ports --format=json` entry. Ranges (`8000-8100/udp`) cannot be a PortSpec (Kubernetes
 * charms cannot open them); a range of one port is read as that port.
 */
export function parseOpenedPort(entry: string): PortSpec {
  // With --endpoints each entry carries a suffix such as ` (*)`; the port comes first.
  const text = entry.split(" ")[0]!.toLowerCase();
  if (text === "icmp") return { protocol: "icmp" };
  const match = /^(\d+)(?:-(\d+))?\/(tcp|udp)$/.exec(text);
  if (match === null || (match[2] !== undefined && match[2] !== match[1])) {
    throw new Error(`opened-ports printed ${JSON.stringify(entry)}, which is not a single port or icmp`);
  }
  return { protocol: match[3] as "tcp" | "udp", port: Number(match[1]) };
}

export function parseRelationId(text: string): RelationRef {
  const colon = text.lastIndexOf(":");
  return { endpoint: text.slice(0, colon), id: Number(text.slice(colon + 1)) };
}

/** Split a log message into chunks ops-style, so no single argv element exceeds the limit. */
export function splitLogMessage(message: string, maxLength = MAX_LOG_MESSAGE_LENGTH): string[] {
  if (message.length <= maxLength) return [message];
  const chunks: string[] = [];
  for (let start = 0; start < message.length; start += maxLength) chunks.push(message.slice(start, start + maxLength));
  return chunks;
}

/** Secret ids as `secret:<xid>`: `secret-ids` and `secret-info-get` print bare xids (§2.16). */
export function secretUri(id: string): string {
  return id.startsWith("secret:") ? id : `secret:${id}`;
}

function metadataArgs(metadata: SecretMetadata | undefined): string[] {
  const args: string[] = [];
  if (metadata?.label !== undefined) args.push("--label", metadata.label);
  if (metadata?.description !== undefined) args.push("--description", metadata.description);
  if (metadata?.expire !== undefined) args.push("--expire", metadata.expire);
  return args;
}

// ---------------------------------------------------------------- the backend

export interface HookCommandsBackendOptions {
  /** The environment the hook commands run in; defaults to this process's (the hook's) environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** The agent's socket, when reachable: each command is one RPC instead of a process (jujuc-client.ts). */
  readonly direct?: DirectHookCommandRunner;
}

export class HookCommandsBackend implements Backend {
  private readonly env: NodeJS.ProcessEnv;
  private readonly direct: DirectHookCommandRunner | undefined;

  constructor(options: HookCommandsBackendOptions = {}) {
    this.env = options.env ?? process.env;
    this.direct = options.direct;
  }

  /**
   * The backend for a real hook: hook commands go straight to the agent's socket when it is reachable,
   * and through Juju's spawned tools otherwise or after any transport failure (jujuc-client.ts).
   * `close()` it before the process exits.
   */
  static async connect(options: { readonly env: NodeJS.ProcessEnv }): Promise<HookCommandsBackend> {
    const connected = await connectDirectHookCommands(options.env, {
      // stderr reaches the unit log at WARNING (juju-hook-tools.md §1.1).
      onFallback: (reason) => process.stderr.write(`hook commands: the agent socket failed (${reason}); spawning hook tools for the rest of this hook\n`),
    });
    return new HookCommandsBackend({ env: options.env, ...(connected.kind === "direct" ? { direct: connected.commands } : {}) });
  }

  /** Close the agent connection, if any: Juju waits for it before finishing the hook (jujuc-rpc.md §2.1). */
  close(): void {
    this.direct?.close();
  }

  /** Run one hook command; its stdout, or a classified HookCommandError. */
  private run(command: string, args: readonly string[], stdin?: string): string {
    const direct = this.direct?.run(command, args, stdin);
    if (direct !== undefined) {
      if (direct.code !== 0) throw hookCommandError(command, direct.code, direct.stderr);
      return direct.stdout;
    }
    const child = spawnHookTool(command, args, {
      env: this.env,
      encoding: "utf8",
      // Stdin is given whole and then closed: jujuc reads all of it when the command needs it (§1.4).
      input: stdin ?? "",
      stdio: ["pipe", "pipe", "pipe"],
      maxBuffer: 256 * 1024 * 1024,
    });
    if (child.error !== undefined) {
      // Not on PATH, or could not start: Juju itself is broken, not an expected failure.
      throw new Error(`cannot run hook command ${command}: ${child.error.message}`);
    }
    const exitCode = child.status ?? 1;
    if (exitCode !== 0) throw hookCommandError(command, exitCode, child.stderr);
    return child.stdout;
  }

  private json<T>(schema: z.ZodType<T>, command: string, args: readonly string[]): T {
    const stdout = this.run(command, args);
    let value: unknown;
    try {
      value = JSON.parse(stdout);
    } catch {
      value = undefined;
    }
    const parsed = schema.safeParse(value);
    if (value === undefined || !parsed.success) {
      throw new Error(`${command} printed output this runtime does not understand: ${stdout.trim().slice(0, 200)}`);
    }
    return parsed.data;
  }

  relationIds(endpoint: string): RelationRef[] {
    const ids = this.json(RelationIdsOutput, "relation-ids", ["--format=json", endpoint]);
    // Juju sorts as strings (x:10 before x:9, §2.1); callers get numeric order.
    return ids.map(parseRelationId).sort((a, b) => a.id - b.id);
  }

  relationList(relation: RelationRef): string[] {
    return this.json(StringList, "relation-list", ["--format=json", ...relationFlag(relation)]).sort();
  }

  relationRemoteApp(relation: RelationRef): string {
    return this.json(z.string(), "relation-list", ["--format=json", "--app", ...relationFlag(relation)]);
  }

  relationGet(relation: RelationRef, entity: string, isApp: boolean): Databag {
    const appFlag = isApp ? ["--app"] : [];
    return this.json(StringMap, "relation-get", ["--format=json", ...relationFlag(relation), ...appFlag, "-", entity]);
  }

  relationSet(relation: RelationRef, changes: Databag, isApp: boolean): void {
    if (Object.keys(changes).length === 0) return;
    const appFlag = isApp ? ["--app"] : [];
    const sorted = Object.fromEntries(Object.entries(changes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    // Through stdin, not argv: bags can be far larger than ARG_MAX (§3.7).
    this.run("relation-set", [...relationFlag(relation), ...appFlag, "--file", "-"], JSON.stringify(sorted));
  }

  isLeader(): boolean {
    return this.json(z.boolean(), "is-leader", ["--format=json"]);
  }

  configGet(): Record<string, string | number | boolean> {
    // An option whose value is null is unset; leave it out like Juju does without --all.
    const raw = this.json(z.record(z.string(), z.unknown()), "config-get", ["--format=json"]);
    return ConfigOutput.parse(Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== null)));
  }

  statusGet(target: StatusTarget): StatusValue {
    const isApp = target === "application";
    const args = ["--include-data", "--format=json", `--application=${isApp}`];
    if (!isApp) {
      const { status, message } = this.json(StatusOutput, "status-get", args);
      return { status, message };
    }
    // The application's status is nested under `application-status` (§2.8).
    const { status, message } = this.json(ApplicationStatusOutput, "status-get", args)["application-status"];
    return { status, message };
  }

  statusSet(target: StatusTarget, status: SettableStatus, message: string): void {
    // `--` so that a message starting with `-` is not read as a flag.
    this.run("status-set", [`--application=${target === "application"}`, status, "--", message]);
  }

  applicationVersionSet(version: string): void {
    this.run("application-version-set", ["--", version]);
  }

  log(level: LogLevel, message: string): void {
    for (const chunk of splitLogMessage(message)) this.run("juju-log", ["--log-level", level, "--", chunk]);
  }

  networkGet(binding: string, relation?: RelationRef): NetworkInfo {
    const relationArgs = relation === undefined ? [] : ["-r", String(relation.id)];
    const output = this.json(NetworkGetOutput, "network-get", ["--format=json", binding, ...relationArgs]);
    return {
      bindAddresses: output["bind-addresses"].map((bind) => ({
        interfaceName: bind["interface-name"],
        macAddress: bind["mac-address"],
        addresses: bind.addresses.map(({ hostname, value, cidr }) => ({ hostname, value, cidr })),
      })),
      egressSubnets: output["egress-subnets"],
      ingressAddresses: output["ingress-addresses"],
    };
  }

  openedPorts(): PortSpec[] {
    return this.json(StringList, "opened-ports", ["--format=json"]).map(parseOpenedPort);
  }

  openPort(port: PortSpec): void {
    this.run("open-port", [portArgument(port)]);
  }

  closePort(port: PortSpec): void {
    this.run("close-port", [portArgument(port)]);
  }

  secretGet(ref: SecretRef, mode: SecretReadMode = "tracked"): Record<string, string> {
    const args = ["--format=json"];
    if (ref.id !== undefined) args.push(ref.id);
    if (ref.label !== undefined) args.push("--label", ref.label);
    if (mode === "peek") args.push("--peek");
    if (mode === "refresh") args.push("--refresh");
    return this.json(StringMap, "secret-get", args);
  }

  secretAdd(content: Record<string, string>, owner: SecretOwner, metadata?: SecretMetadata): string {
    const stdout = this.withContentFiles(content, (contentArgs) =>
      this.run("secret-add", [...metadataArgs(metadata), "--owner", owner, ...contentArgs]),
    );
    return stdout.trim();
  }

  secretSet(id: string, content: Record<string, string>, metadata?: SecretMetadata): void {
    // No --owner: Juju keeps the owner given at secret-add.
    this.withContentFiles(content, (contentArgs) => this.run("secret-set", [...metadataArgs(metadata), id, ...contentArgs]));
  }

  /**
   * Secret values go through `key#file=<path>` so they never appear in argv (visible in /proc). The
   * files live in a private temp dir (the hook has no HOME) removed right after the call.
   */
  private withContentFiles<T>(content: Record<string, string>, call: (contentArgs: string[]) => T): T {
    const keys = Object.keys(content).sort();
    if (keys.length === 0) return call([]);
    const dir = this.privateTempDir();
    try {
      const contentArgs = keys.map((key, index) => {
        const file = path.join(dir, String(index));
        writeFileSync(file, content[key]!, { mode: 0o600 });
        return `${key}#file=${file}`;
      });
      return call(contentArgs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /**
   * A fresh 0700 directory: under the temp dir, or, where that is not writable (a charm container
   * run as a non-root `charm-user`, or with a read-only root filesystem), under the charm directory,
   * which Juju unpacks into a writable volume (review finding 9).
   */
  private privateTempDir(): string {
    const candidates = [tmpdir(), this.env.JUJU_CHARM_DIR].filter((dir): dir is string => !!dir);
    let lastError: unknown;
    for (const parent of candidates) {
      try {
        return mkdtempSync(path.join(parent, "juju-secret-"));
      } catch (error) {
        lastError = error;
      }
    }
    throw new Error(`cannot make a private directory for secret content in ${candidates.join(" or ")}: ${String(lastError)}`);
  }

  secretGrant(id: string, relation: RelationRef, unit?: string): void {
    const unitArgs = unit === undefined ? [] : ["--unit", unit];
    this.run("secret-grant", ["--relation", String(relation.id), ...unitArgs, id]);
  }

  secretRevoke(id: string, relation: RelationRef, unit?: string): void {
    const unitArgs = unit === undefined ? [] : ["--unit", unit];
    this.run("secret-revoke", ["--relation", String(relation.id), ...unitArgs, id]);
  }

  secretRemove(id: string, revision?: number): void {
    const revisionArgs = revision === undefined ? [] : ["--revision", String(revision)];
    this.run("secret-remove", [id, ...revisionArgs]);
  }

  secretInfoGet(ref: SecretRef): SecretInfo {
    // Juju takes an id or a label, never both (§2.16); the id wins.
    const args = ref.id !== undefined ? ["--format=json", ref.id] : ["--format=json", "--label", ref.label ?? ""];
    const output = this.json(SecretInfoOutput, "secret-info-get", args);
    const [xid, info] = Object.entries(output)[0] ?? [];
    if (xid === undefined || info === undefined) throw new Error("secret-info-get printed no secret");
    return {
      id: secretUri(xid),
      revision: info.revision,
      owner: info.owner,
      ...(info.label ? { label: info.label } : {}),
      ...(info.description ? { description: info.description } : {}),
      ...(info.rotation ? { rotation: info.rotation } : {}),
      ...(info.expiry ? { expiry: info.expiry } : {}),
    };
  }

  secretIds(): string[] {
    // A nil slice prints as `null` when the unit owns no secrets (§2.16).
    const ids = this.json(z.array(z.string()).nullable(), "secret-ids", ["--format=json"]) ?? [];
    return ids.map(secretUri).sort();
  }

  stateGet(): Record<string, string> {
    // Juju 3.x prints `{}` for an empty state, Juju 4 prints `null` (§2.15).
    return this.json(StringMap.nullable(), "state-get", ["--format=json"]) ?? {};
  }

  stateSet(changes: Record<string, string>): void {
    if (Object.keys(changes).length === 0) return;
    this.run("state-set", ["--file", "-"], JSON.stringify(changes));
  }

  stateDelete(key: string): void {
    this.run("state-delete", ["--", key]);
  }

  actionGet(): Record<string, unknown> {
    return this.json(z.record(z.string(), z.unknown()).nullable(), "action-get", ["--format=json"]) ?? {};
  }

  actionSet(results: Record<string, string>): void {
    const entries = Object.entries(results).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length === 0) return;
    // `key=value` arguments (§2.17): the key is split at the first `=`, so a value may contain `=`.
    this.run("action-set", entries.map(([key, value]) => `${key}=${value}`));
  }

  actionFail(message: string): void {
    this.run("action-fail", ["--", message]);
  }

  actionLog(message: string): void {
    this.run("action-log", ["--", message]);
  }
}
