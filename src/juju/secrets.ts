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

export class Secrets {
  /** Tracked-revision reads are stable within a hook, so they are cached; peeks never are. */
  private readonly trackedContent = new Map<string, SecretContent>();

  constructor(private readonly backend: Backend) {}

  get(ref: SecretRef, mode: SecretReadMode = "tracked"): SecretLookup {
    const cacheKey = `${ref.id ?? ""}|${ref.label ?? ""}`;
    if (mode === "tracked") {
      const cached = this.trackedContent.get(cacheKey);
      if (cached) return { kind: "found", content: cached };
    }
    const result = lookup(() => Object.freeze({ ...this.backend.secretGet(ref, mode) }));
    if (result.kind !== "found") return result;
    if (mode !== "peek") this.trackedContent.set(cacheKey, result.value);
    return { kind: "found", content: result.value };
  }

  /** Creates a secret (committed with the hook); returns its URI at once. */
  add(content: SecretContent, options: { owner?: SecretOwner } & SecretMetadata = {}): string {
    checkContent(content);
    const { owner = "application", ...metadata } = options;
    return this.backend.secretAdd({ ...content }, owner, metadata);
  }

  setContent(id: string, content: SecretContent, metadata?: SecretMetadata): void {
    checkContent(content);
    this.backend.secretSet(id, { ...content }, metadata);
    this.trackedContent.clear();
  }

  grant(id: string, relation: RelationRef, unit?: string): void {
    this.backend.secretGrant(id, relation, unit);
  }

  revoke(id: string, relation: RelationRef, unit?: string): void {
    this.backend.secretRevoke(id, relation, unit);
  }

  remove(id: string, revision?: number): void {
    this.backend.secretRemove(id, revision);
    this.trackedContent.clear();
  }

  /** Metadata of a secret this charm owns; metadata is never cached (canonical/operator#2143). */
  info(ref: SecretRef): SecretInfoLookup {
    const result = lookup(() => this.backend.secretInfoGet(ref));
    if (result.kind === "found") return { kind: "found", info: result.value };
    return { kind: "not-found" };
  }

  ids(): string[] {
    return [...this.backend.secretIds()].sort();
  }
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
