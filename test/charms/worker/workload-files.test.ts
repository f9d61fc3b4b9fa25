import { describe, expect, it } from "vitest";
import {
  CA_CERT_PATH,
  CONFIG_PATH,
  PRIVATE_KEY_PATH,
  S3_CA_PATH,
  SERVER_CERT_PATH,
  TRUSTED_CA_PATH,
  workloadFiles,
} from "../../../src/charms/worker/workload-files.js";

describe("workloadFiles", () => {
  it("writes only the config when there is no TLS and no S3 CA", () => {
    expect(workloadFiles({ configText: "a: 1\n", tls: {} })).toEqual([{ path: CONFIG_PATH, content: "a: 1\n", permissions: 0o600 }]);
  });

  it("writes the private key and the config owner-only, certificates world-readable, sorted by path", () => {
    const files = workloadFiles({
      configText: "a: 1\n",
      tls: { caCert: "CA", serverCert: "CERT", privateKey: "KEY" },
      s3CaCert: "S3CA",
    });
    expect(files.map((file) => [file.path, file.content, file.permissions])).toEqual([
      [CA_CERT_PATH, "CA", 0o644],
      [CONFIG_PATH, "a: 1\n", 0o600],
      [PRIVATE_KEY_PATH, "KEY", 0o600],
      [S3_CA_PATH, "S3CA", 0o644],
      [SERVER_CERT_PATH, "CERT", 0o644],
      [TRUSTED_CA_PATH, "CA", 0o644],
    ]);
  });

  it("leaves out a TLS file whose value is empty", () => {
    const paths = workloadFiles({ configText: "a: 1\n", tls: { caCert: "", serverCert: "CERT" } }).map((file) => file.path);
    expect(paths).toEqual([CONFIG_PATH, SERVER_CERT_PATH]);
  });
});
