import { describe, expect, it } from "vitest";
import { parseS3ProviderData, s3BucketRequest } from "../../../src/charms/coordinator/s3.js";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
const UPSTREAM_FIXTURE = {
  "access-key": "key",
  "secret-key": "soverysecret",
  bucket: "tempo",
  endpoint: "http://1.2.3.4:9000",
};

describe("the s3 v0 requirer side", () => {
  it("asks for a bucket named after the coordinator application", () => {
    expect(s3BucketRequest("tempo")).toEqual({ bucket: "tempo" });
  });

  it("reads the plain-string databag of the upstream interface-test fixture", () => {
    expect(parseS3ProviderData(UPSTREAM_FIXTURE)).toEqual({
      kind: "valid",
      data: { endpoint: "http://1.2.3.4:9000", bucket: "tempo", accessKey: "key", secretKey: "soverysecret" },
    });
  });

  it("accepts JSON-encoded strings as well as plain ones", () => {
    const encoded = Object.fromEntries(Object.entries(UPSTREAM_FIXTURE).map(([k, v]) => [k, JSON.stringify(v)]));
    const result = parseS3ProviderData({ ...encoded, region: '"us-east-1"' });
    expect(result.kind === "valid" && result.data).toMatchObject({ bucket: "tempo", region: "us-east-1" });
  });

  it("keeps a numeric-looking bucket name as text", () => {
    const result = parseS3ProviderData({ ...UPSTREAM_FIXTURE, bucket: "123" });
    expect(result.kind === "valid" && result.data.bucket).toBe("123");
  });

  it("joins a JSON list CA chain into one PEM bundle", () => {
    const result = parseS3ProviderData({ ...UPSTREAM_FIXTURE, "tls-ca-chain": JSON.stringify([PEM, PEM]) });
    expect(result.kind === "valid" && result.data.caChain).toBe(`${PEM}\n${PEM}\n`);
  });

  it("decodes base64 chain entries as the README describes them", () => {
    const base64 = Buffer.from(PEM).toString("base64");
    const result = parseS3ProviderData({ ...UPSTREAM_FIXTURE, "tls-ca-chain": JSON.stringify([base64]) });
    expect(result.kind === "valid" && result.data.caChain).toBe(`${PEM}\n`);
  });

  it("takes a bare PEM chain as a chain of one", () => {
    const result = parseS3ProviderData({ ...UPSTREAM_FIXTURE, "tls-ca-chain": PEM });
    expect(result.kind === "valid" && result.data.caChain).toBe(`${PEM}\n`);
  });

  it("is absent while the provider has shared nothing Tempo needs", () => {
    expect(parseS3ProviderData({})).toEqual({ kind: "absent" });
    expect(parseS3ProviderData({ "s3-uri-style": "path" })).toEqual({ kind: "absent" });
  });

  it("names every missing key when the provider shared only part of the connection", () => {
    expect(parseS3ProviderData({ bucket: "tempo" })).toEqual({
      kind: "invalid",
      reasons: ["access-key is missing", "endpoint is missing", "secret-key is missing"],
    });
  });

  it("rejects a CA chain that is not a list of strings", () => {
    const result = parseS3ProviderData({ ...UPSTREAM_FIXTURE, "tls-ca-chain": "{}" });
    expect(result).toEqual({ kind: "invalid", reasons: ["tls-ca-chain must be a list of certificates"] });
  });
});
