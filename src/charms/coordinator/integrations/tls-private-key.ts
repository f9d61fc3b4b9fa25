/**
 * The private key behind the coordinator's certificate, kept in one application-owned Juju secret
 * so it survives leader changes and pod restarts (the Python coordinator keeps it in the leader
 * unit's own secret and loses it with that unit: python-reference §6.7). It is generated once and
 * never per hook: a new key means a new CSR, a new certificate and a restart of every worker.
 */
import { nodeCrypto } from "../../../juju/lazy-builtins.js";
import type { Model } from "../../../juju/model.js";

export const PRIVATE_KEY_SECRET_LABEL = "tempo-coordinator-tls-private-key";
/** The content key workers read (python-reference §2.8). */
export const PRIVATE_KEY_CONTENT_KEY = "private-key";

export type PrivateKeyLookup =
  /** `expiry`: the expire time Juju holds for the secret's latest revision (tls-renewal.ts sets it). */
  | { readonly kind: "found"; readonly secretId: string; readonly pem: string; readonly expiry?: string | undefined }
  | { readonly kind: "absent" }
  /** The secret exists but holds no usable RSA key (edited by hand?): it is replaced. */
  | { readonly kind: "unusable"; readonly secretId: string };

/**
 * RSA 2048: every tls-certificates provider signs it (Canonical's library generates RSA 2048 keys
 * itself), and Tempo's Go TLS loads the PKCS#1 PEM the Python charms ship.
 */
export function generatePrivateKeyPem(): string {
  const { privateKey } = nodeCrypto().generateKeyPairSync("rsa", { modulusLength: 2048 });
  return privateKey.export({ type: "pkcs1", format: "pem" }).toString().trim();
}

/**
 * One lookup per hook: `gather` reads the key and `apply` needs it again, and only this module
 * changes the secret in between (a Model lives for one hook). Secret metadata is not cached by the
 * model itself, since other writers may change it; here the only writer is us.
 */
const lookedUpThisHook = new WeakMap<Model, PrivateKeyLookup>();

/** Leader only (the application owns the secret). Reads; never creates. */
export function readPrivateKey(model: Model): PrivateKeyLookup {
  let lookup = lookedUpThisHook.get(model);
  if (!lookup) {
    lookup = lookUpPrivateKey(model);
    lookedUpThisHook.set(model, lookup);
  }
  return lookup;
}

function lookUpPrivateKey(model: Model): PrivateKeyLookup {
  const info = model.secrets.info({ label: PRIVATE_KEY_SECRET_LABEL });
  if (info.kind !== "found") return { kind: "absent" };
  const content = model.secrets.get({ id: info.info.id });
  const pem = content.kind === "found" ? content.content[PRIVATE_KEY_CONTENT_KEY] : undefined;
  if (pem === undefined || !isRsaPrivateKey(pem)) return { kind: "unusable", secretId: info.info.id };
  return { kind: "found", secretId: info.info.id, pem, expiry: info.info.expiry };
}

/** Leader only: the key, created (or repaired) when there is none usable. */
export function ensurePrivateKey(model: Model): { readonly secretId: string; readonly pem: string } {
  const existing = readPrivateKey(model);
  if (existing.kind === "found") return existing;
  const pem = generatePrivateKeyPem();
  const secretId =
    existing.kind === "unusable"
      ? existing.secretId
      : model.secrets.add(
          { [PRIVATE_KEY_CONTENT_KEY]: pem },
          { owner: "application", label: PRIVATE_KEY_SECRET_LABEL, description: "Private key of the Tempo cluster's TLS certificate" },
        );
  if (existing.kind === "unusable") model.secrets.setContent(secretId, { [PRIVATE_KEY_CONTENT_KEY]: pem });
  lookedUpThisHook.set(model, { kind: "found", secretId, pem });
  return { secretId, pem };
}

function isRsaPrivateKey(pem: string): boolean {
  try {
    return nodeCrypto().createPrivateKey(pem).asymmetricKeyType === "rsa";
  } catch {
    return false;
  }
}
