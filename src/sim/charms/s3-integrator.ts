/**
 * A minimal `s3` v0 provider for the simulator, standing in for Canonical's s3-integrator so a
 * simulated Tempo cluster has object storage. It is a real charm on our runtime: one reconcile,
 * the leader publishes the connection into the application bag of every `s3-credentials`
 * relation (neighbour-interfaces/s3-v0: provider data lives in the app bag, plain strings, lists
 * as JSON), writing only what changed.
 *
 * Unlike the real s3-integrator, which takes the keys through a `sync-s3-credentials` action, the
 * keys here are plain config options: the simulator has no actions, and nothing here is secret.
 */
import type { Charm } from "../../juju/charm.js";
import type { CharmMeta } from "../../juju/charm-meta.js";
import type { Model } from "../../juju/model.js";

export const S3_ENDPOINT = "s3-credentials";

/** Connection keys in the order the interface lists them; all required except the CA chain. */
const REQUIRED_OPTIONS = ["endpoint", "bucket", "access-key", "secret-key"] as const;

export const S3_INTEGRATOR_META: CharmMeta = {
  name: "s3-integrator",
  summary: "Publishes an S3 bucket's connection details over the s3 interface (simulator stand-in).",
  description: "Shares endpoint, bucket, access and secret key (and optionally a CA chain) with every related s3 requirer.",
  provides: { [S3_ENDPOINT]: { interface: "s3" } },
  config: {
    options: {
      endpoint: { type: "string", default: "", description: "The S3 endpoint URL, scheme included." },
      bucket: { type: "string", default: "", description: "The bucket every requirer gets." },
      region: { type: "string", default: "", description: "Optional region." },
      "access-key": { type: "string", default: "", description: "Access key ID." },
      "secret-key": { type: "string", default: "", description: "Secret access key." },
      "tls-ca-chain": { type: "string", default: "", description: "Optional PEM CA chain for an endpoint signed by a private CA." },
    },
  },
};

/** The app databag for the s3 v0 provider, or the options still missing. */
export function s3ProviderDatabag(config: Readonly<Record<string, string | number | boolean>>): { kind: "ready"; databag: Record<string, string> } | { kind: "missing"; options: string[] } {
  const text = (key: string) => String(config[key] ?? "").trim();
  const missing = REQUIRED_OPTIONS.filter((key) => text(key) === "");
  if (missing.length > 0) return { kind: "missing", options: [...missing] };
  const databag: Record<string, string> = {};
  for (const key of REQUIRED_OPTIONS) databag[key] = text(key);
  // An empty value deletes the key, so clearing an option withdraws it from the bag.
  databag.region = text("region");
  const caChain = text("tls-ca-chain");
  databag["tls-ca-chain"] = caChain === "" ? "" : JSON.stringify([caChain]);
  return { kind: "ready", databag };
}

async function reconcile(model: Model): Promise<void> {
  const wanted = s3ProviderDatabag(model.config);
  if (wanted.kind === "missing") {
    model.setUnitStatus({ status: "blocked", message: `set ${wanted.options.join(", ")}: juju config ${model.app.name} ${wanted.options.map((key) => `${key}=…`).join(" ")}` });
    return;
  }
  if (model.isLeader()) {
    for (const relation of model.relations(S3_ENDPOINT)) {
      if (relation.isActive) relation.localAppData().update(wanted.databag);
    }
  }
  model.setUnitStatus({ status: "active", message: "" });
}

export const s3IntegratorCharm: Charm = { meta: S3_INTEGRATOR_META, reconcile };
