/**
 * Rendered configs for three cluster shapes, compared byte for byte with `golden/*.yaml`.
 * Rewrite them with `UPDATE_GOLDEN=1 npx vitest run test/tempo/golden.test.ts`, then review the diff
 * by hand. Sources of the non-obvious values (§n = reference/tempo-distributed.md, the team's reference notes):
 *
 * - `server.http_listen_port: 3200`: explicit because 2.7.x defaults to 80 (§2, CHANGELOG v2.8.0 #4960).
 * - `server.grpc_listen_port: 9096`: the Python coordinator's port and the one `worker_ports` opens
 *   (python-reference §2.6, §3); Tempo's own default is 9095 (§2).
 * - `memberlist.bind_port: 7946`, `abort_if_cluster_join_fails: false`: §3 (with true the first unit
 *   of a new cluster dies); `abort_if_cluster_fast_join_fails` is a 2.8+ key (absent from v2.7.1.txt).
 * - `cluster_label`: field-notes §1.C (two clusters in one namespace must not merge).
 * - `*.ring.kvstore.store: memberlist`, including the compactor: §3 (the compactor ring defaults to
 *   "" = unsharded, so every compactor would claim every job).
 * - `replication_factor: 3` with 3 ingesters, 1 otherwise: §3 (Helm/jsonnet use 3) and the issue.
 * - `frontend_address: <app>-endpoints.<model>.svc.cluster.local:9096`: Juju's headless service of the
 *   query-frontend application (§6: a name that resolves to every frontend; python-reference §3).
 * - receivers on `0.0.0.0:<port>`: the OTel receivers bind to localhost by default since 2.7 (§2);
 *   ports 4317/4318/9411/14250/14268 (§2).
 * - `storage.trace.block.version: vParquet4`: the default of every 2.x version and valid on all (§5).
 * - `storage.trace.s3.endpoint` without scheme, `insecure` true only for plain http without a CA,
 *   `tls_ca_path: /etc/worker/s3_ca.crt`: python-reference §2.9 (HEAD behaviour) and §4.7.
 * - `wal.path: /data/tempo/wal`, `metrics_generator.storage.path: /data/tempo/metrics-generator-wal`:
 *   on the worker's persistent `data` storage, unlike Python's /etc/tempo paths (python-reference §6.21).
 * - `ingester.lifecycler.tokens_file_path: /data/tempo/tokens.json`: ring tokens survive a restart, as
 *   Helm's /var/tempo/tokens.json (§3), on the persistent `data` storage.
 * - `block_retention: 720h`: the Python coordinator's default retention-period (python-reference §3).
 * - `client_auth_type: VerifyClientCertIfGiven`: python-reference §3 server TLS block.
 * - `/etc/worker/{ca.cert,server.cert,private.key}`: the files the worker writes (python-reference §4.7).
 * - `tls_server_name`: a coordinator setting, not the first worker (python-reference §6.6).
 * - `overrides.defaults.metrics_generator.processors`: §8 (processors are enabled through overrides).
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ClusterView } from "../../src/interface/cluster-view.js";
import { buildTempoConfig } from "../../src/tempo/builder.js";
import { renderTempoConfig } from "../../src/tempo/render.js";
import type { TempoSettings } from "../../src/tempo/settings.js";
import { validateTempoConfigText } from "../../src/tempo/validate.js";
import { clusterOf, distributedCluster, settingsWith, workerApp } from "./cluster-fixtures.js";

const goldenDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "golden");
const shouldUpdate = process.env.UPDATE_GOLDEN === "1";

interface Shape {
  readonly file: string;
  readonly cluster: ClusterView;
  readonly settings: TempoSettings;
}

const SHAPES: readonly Shape[] = [
  {
    // python-reference §3.1 inputs: one `all` worker app "tempo-worker", otlp_http, MinIO over http.
    file: "single-all-node.yaml",
    cluster: clusterOf(workerApp("tempo-worker", "all", 1)),
    settings: settingsWith({ receivers: ["otlp_http"] }),
  },
  {
    file: "distributed-3-ingesters.yaml",
    cluster: distributedCluster(3),
    settings: settingsWith({ receivers: ["otlp_grpc", "otlp_http"] }),
  },
  {
    // python-reference §3.2 inputs: every receiver, TLS, a remote-write endpoint, S3 over https with a CA.
    file: "tls-s3-ca-remote-write-all-receivers.yaml",
    cluster: distributedCluster(3),
    settings: settingsWith({
      receivers: ["jaeger_grpc", "jaeger_thrift_http", "otlp_grpc", "otlp_http", "zipkin"],
      tls: { enabled: true, serverName: "tempo.cos.svc.cluster.local" },
      remoteWrite: [{ url: "http://prometheus-0.prometheus-endpoints.cos.svc.cluster.local:9090/api/v1/write" }],
      storage: {
        kind: "s3",
        endpoint: "https://s3.example.com",
        bucket: "tempo",
        accessKey: "AK",
        secretKey: "SK",
        region: "us-east-1",
        caCert: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
      },
    }),
  },
];

describe("golden Tempo configs", () => {
  for (const shape of SHAPES) {
    it(`renders ${shape.file} byte for byte, and Tempo ${shape.settings.tempoVersion} accepts its keys`, () => {
      const result = buildTempoConfig(shape.cluster, shape.settings);
      if (result.kind !== "ok") throw new Error(result.problems.join("; "));
      const yaml = renderTempoConfig(result.config);
      const goldenPath = path.join(goldenDir, shape.file);
      if (shouldUpdate) writeFileSync(goldenPath, yaml);
      expect(yaml).toBe(readFileSync(goldenPath, "utf8"));
      expect(validateTempoConfigText(yaml, shape.settings.tempoVersion)).toEqual([]);
    });
  }
});
