/**
 * The requirer side of the `s3` v0 interface (canonical/charm-relation-interfaces, `interfaces/s3/v0`).
 *
 * Unlike tempo_cluster, s3 v0 databags hold plain strings; only list values (`tls-ca-chain`,
 * `attributes`) are JSON-encoded. The Python library that most providers use reads every value with
 * "JSON if it parses, else the raw string", so this reader does the same and accepts both
 * `tempo` and `"tempo"` as a bucket name.
 */
import * as z from "zod";
import type { Databag } from "../../juju/backend.js";
import type { Parsed } from "../../interface/parsed.js";

/** What Tempo needs to reach its bucket. */
export interface S3Connection {
  /** As the provider gave it, scheme included: the builder decides `insecure` from the scheme. */
  readonly endpoint: string;
  readonly bucket: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly region?: string;
  /** PEM, one certificate after another, for an endpoint signed by a private CA. */
  readonly caChain?: string;
}

/**
 * The requirer app databag: the bucket we ask for. Providers may ignore it (s3-integrator hands out
 * its configured bucket), so what counts is the `bucket` the provider sends back. The application
 * name is a valid bucket name (Juju allows only lowercase letters, digits and hyphens) and keeps
 * two coordinators sharing one provider apart.
 */
export function s3BucketRequest(applicationName: string): Databag {
  return { bucket: applicationName };
}

const nonEmpty = (key: string) => z.string({ error: `${key} must be a string` }).min(1, { error: `${key} is empty` });

const S3ProviderAppData = z.object({
  endpoint: nonEmpty("endpoint").refine((value) => !/\s/.test(value), { error: "endpoint contains whitespace" }),
  bucket: nonEmpty("bucket"),
  "access-key": nonEmpty("access-key"),
  "secret-key": nonEmpty("secret-key"),
  region: z.string({ error: "region must be a string" }).optional(),
  "tls-ca-chain": z.array(z.string(), { error: "tls-ca-chain must be a list of certificates" }).optional(),
});

const REQUIRED_KEYS = ["access-key", "bucket", "endpoint", "secret-key"] as const;

/** Parse the provider's application databag: absent until it has shared anything we need. */
export function parseS3ProviderData(databag: Readonly<Databag>): Parsed<S3Connection> {
  const present = REQUIRED_KEYS.filter((key) => databag[key] !== undefined && databag[key] !== "");
  if (present.length === 0) return { kind: "absent" };

  const decoded: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(databag)) decoded[key] = decodeValue(key, raw);
  // A missing key is reported by the schema with its own name, which is what an operator needs.
  const parsed = S3ProviderAppData.safeParse(decoded);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((issue) =>
      issue.code === "invalid_type" && decoded[String(issue.path[0])] === undefined
        ? `${String(issue.path[0])} is missing`
        : issue.message,
    );
    return { kind: "invalid", reasons: [...new Set(reasons)].sort() };
  }
  const data = parsed.data;
  const caChain = joinCaChain(data["tls-ca-chain"] ?? []);
  return {
    kind: "valid",
    data: {
      endpoint: data.endpoint,
      bucket: data.bucket,
      accessKey: data["access-key"],
      secretKey: data["secret-key"],
      ...(data.region ? { region: data.region } : {}),
      ...(caChain ? { caChain } : {}),
    },
  };
}

const LIST_KEYS = new Set(["tls-ca-chain", "attributes"]);

/**
 * What JSON text can start with, after JSON's own whitespace. Most s3 values are bare text (`minio`,
 * `http://…`) that cannot be JSON; recognising them here spares a thrown SyntaxError on every hook.
 */
const COULD_BE_JSON = /^[ \t\n\r]*[-{["0-9tfn]/;

const NOT_JSON = Symbol("not JSON");

function parseJson(raw: string): unknown {
  if (!COULD_BE_JSON.test(raw)) return NOT_JSON;
  try {
    return JSON.parse(raw);
  } catch {
    return NOT_JSON;
  }
}

function decodeValue(key: string, raw: string): unknown {
  const json = parseJson(raw);
  // A bare PEM in tls-ca-chain is the one-certificate chain some providers write.
  if (json === NOT_JSON) return LIST_KEYS.has(key) ? [raw] : raw;
  if (LIST_KEYS.has(key)) return typeof json === "string" ? [json] : json;
  // "JSON if it parses" would turn a bucket named `123` into a number; keep scalars as text.
  return typeof json === "string" ? json : raw;
}

/**
 * The README says each chain entry is base64; s3-integrator and friends actually send PEM. Accept
 * both, and emit one PEM bundle with a trailing newline (what Tempo's CA file loader expects).
 */
function joinCaChain(entries: readonly string[]): string | undefined {
  const pems = entries
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => (entry.includes("-----BEGIN") ? entry : decodeBase64Pem(entry) ?? entry));
  return pems.length === 0 ? undefined : `${pems.join("\n")}\n`;
}

function decodeBase64Pem(entry: string): string | undefined {
  if (!/^[A-Za-z0-9+/=\s]+$/.test(entry)) return undefined;
  const text = Buffer.from(entry, "base64").toString("utf8").trim();
  return text.includes("-----BEGIN") ? text : undefined;
}
