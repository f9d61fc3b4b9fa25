/**
 * Juju secrets as the charm uses them. A missing or ungranted secret is an expected situation
 * (the owner has not shared it yet), so lookups return tagged results; any other hook-command
 * failure is Juju's and propagates to the charm entry.
 */
import type { Backend, RelationRef, SecretInfo, SecretMetadata, SecretOwner, SecretReadMode, SecretRef } from "./backend.js";
import { HookCommandError } from "./backend.js";

export type SecretContent = Readonly<Record<string, string>>;

export type SecretLookup =
  | { readonly kind: "found"; readonly content: SecretContent }
  | { readonly kind: "not-found" }
  | { readonly kind: "denied" };

export type SecretInfoLookup = { readonly kind: "found"; readonly info: SecretInfo } | { readonly kind: "not-found" };

/** Juju's rule for content keys (§2.16): lowercase, at least 3 characters, single dashes. */
const SECRET_KEY = /^[a-z](-?[a-z0-9]){2,}$/;

/**
 * The xid of a secret id in any of Juju's spellings: `secret://<source-uuid>/<xid>` (what `secret-add`
 * prints: jujuc/secret-add.go writes `uri.String()`, and core/secrets URI.String() renders the source
 * model when it is set), `secret:<xid>` (URI.String() without a source; what `juju secrets` lists)
 * and the bare xid (`secret-info-get` and `secret-ids` print that). Juju itself keys a hook's pending
 * grants and revokes by `URI.ID`, the xid (runner/context/secrets.go), so that is what identifies a
 * secret; the spelling does not.
 */
export function secretXid(id: string): string {
  const text = id.trim();
  if (text.startsWith("secret://")) return text.slice(text.lastIndexOf("/") + 1);
  if (text.startsWith("secret:")) return text.slice("secret:".length);
  return text;
}

/** Whether two ids, in any spelling, name the same secret. */
export function isSameSecret(a: string, b: string): boolean {
  return secretXid(a) === secretXid(b);
}

/**
 * The one spelling this runtime hands a charm: `secret:<xid>` for a secret of this model (whatever
 * Juju printed), the full `secret://<source>/<xid>` only for another model's secret, where the source
 * matters. The short form is what every state this charm already published carries, so no databag
 * changes spelling under an upgrade; ops's `secret://<model>/<xid>` is the same secret by xid.
 */
export function canonicalSecretId(id: string, modelUuid: string): string {
  const text = id.trim();
  const xid = secretXid(text);
  if (text.startsWith("secret://")) {
    const source = text.slice("secret://".length, text.lastIndexOf("/"));
    if (source !== "" && source !== modelUuid) return `secret://${source}/${xid}`;
  }
  return `secret:${xid}`;
}

interface AccessChange {
  readonly id: string;
  readonly relation: RelationRef;
  readonly unit: string | undefined;
}

export class Secrets {
  /** Tracked-revision reads are stable within a hook, so they are cached; peeks never are. */
  private readonly trackedContent = new Map<string, SecretContent>();
  /** This hook's grants and revokes by xid, relation and unit; sent by `flush()` at commit. */
  private readonly grants = new Map<string, AccessChange>();
  private readonly revokes = new Map<string, AccessChange>();

  constructor(
    private readonly backend: Backend,
    /** JUJU_MODEL_UUID: a `secret://` id with this source is one of ours. */
    private readonly modelUuid: string,
  ) {}

  get(ref: SecretRef, mode: SecretReadMode = "tracked"): SecretLookup {
    const cacheKey = `${ref.id === undefined ? "" : secretXid(ref.id)}|${ref.label ?? ""}`;
    if (mode === "tracked") {
      const cached = this.trackedContent.get(cacheKey);
      if (cached) return { kind: "found", content: cached };
    }
    const result = lookup(() => Object.freeze({ ...this.backend.secretGet(ref, mode) }));
    if (result.kind !== "found") return result;
    if (mode !== "peek") this.trackedContent.set(cacheKey, result.value);
    return { kind: "found", content: result.value };
  }

  /** Creates a secret (committed with the hook); returns its id at once, in the canonical spelling. */
  add(content: SecretContent, options: { owner?: SecretOwner } & SecretMetadata = {}): string {
    checkContent(content);
    const { owner = "application", ...metadata } = options;
    return canonicalSecretId(this.backend.secretAdd({ ...content }, owner, metadata), this.modelUuid);
  }

  setContent(id: string, content: SecretContent, metadata?: SecretMetadata): void {
    checkContent(content);
    this.backend.secretSet(id, { ...content }, metadata);
    this.trackedContent.clear();
  }

  /**
   * Move the expire time of a secret this charm owns, content untouched (`secret-set --expire`
   * without content: Juju updates the latest revision's expire time in place, state/secrets.go
   * `UpdateSecret`). `expire` is a time; Juju keeps it to the second.
   */
  setExpire(id: string, expire: Date): void {
    this.backend.secretSet(id, {}, { expire: rfc3339Seconds(expire) });
  }

  /**
   * Grant `relation`'s application (or one unit) access, at commit. Juju applies a hook's grants
   * before its revokes, whatever order the hook made them in (runner/context/context.go doFlush:
   * `AddSecretGrants`, then `AddSecretRevokes`), so a grant and a revoke of one secret to one grantee
   * in one hook would end revoked. Here a grant wins instead: a hook that grants a secret means the
   * grantee must read it, and the revoke is not sent (`flush`).
   */
  grant(id: string, relation: RelationRef, unit?: string): void {
    this.grants.set(accessKey(id, relation, unit), { id, relation, unit });
  }

  /** Revoke at commit, unless this hook also grants the same secret (by xid) to the same grantee. */
  revoke(id: string, relation: RelationRef, unit?: string): void {
    this.revokes.set(accessKey(id, relation, unit), { id, relation, unit });
  }

  /**
   * @internal Send this hook's grants, then the revokes no grant cancels, each once; the model calls
   * it at commit. The order is Juju's own (grants first), so what the hook tools receive is what Juju
   * will do.
   */
  flush(): void {
    const sorted = (changes: Map<string, AccessChange>) => [...changes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [, grant] of sorted(this.grants)) this.backend.secretGrant(grant.id, grant.relation, grant.unit);
    for (const [key, revoke] of sorted(this.revokes)) {
      if (!this.grants.has(key)) this.backend.secretRevoke(revoke.id, revoke.relation, revoke.unit);
    }
    this.grants.clear();
    this.revokes.clear();
  }

  remove(id: string, revision?: number): void {
    this.backend.secretRemove(id, revision);
    this.trackedContent.clear();
    // Juju drops a removed secret's pending grants and revokes (runner/context/secrets.go `remove`).
    if (revision === undefined) {
      for (const changes of [this.grants, this.revokes]) {
        for (const [key, change] of changes) if (isSameSecret(change.id, id)) changes.delete(key);
      }
    }
  }

  /** Metadata of a secret this charm owns, its id canonical; never cached (canonical/operator#2143). */
  info(ref: SecretRef): SecretInfoLookup {
    const result = lookup(() => this.backend.secretInfoGet(ref));
    if (result.kind === "found") return { kind: "found", info: { ...result.value, id: canonicalSecretId(result.value.id, this.modelUuid) } };
    return { kind: "not-found" };
  }

  ids(): string[] {
    return this.backend.secretIds().map((id) => canonicalSecretId(id, this.modelUuid)).sort();
  }
}

function accessKey(id: string, relation: RelationRef, unit: string | undefined): string {
  return `${secretXid(id)}|${relation.id}|${unit ?? ""}`;
}

function checkContent(content: SecretContent): void {
  const keys = Object.keys(content);
  if (keys.length === 0) throw new TypeError("a secret needs at least one key");
  const bad = keys.filter((key) => !SECRET_KEY.test(key));
  if (bad.length > 0) throw new TypeError(`invalid secret keys (need ^[a-z](-?[a-z0-9]){2,}$): ${bad.sort().join(", ")}`);
}

function lookup<T>(
  read: () => T,
): { kind: "found"; value: T } | { kind: "not-found" } | { kind: "denied" } {
  try {
    return { kind: "found", value: read() };
  } catch (error) {
    if (error instanceof HookCommandError) {
      if (error.kind === "secret-not-found") return { kind: "not-found" };
      if (error.kind === "permission-denied") return { kind: "denied" };
    }
    throw error;
  }
}

/** `2026-12-06T10:00:00Z`: the form `secret-set --expire` parses (RFC 3339), to the second as Juju keeps it. */
export function rfc3339Seconds(time: Date): string {
  return new Date(Math.floor(time.getTime() / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
