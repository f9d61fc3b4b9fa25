import { describe, expect, it } from "vitest";
import { REMOTE_WRITE_ENDPOINT, remoteWriteReceiverCharm } from "../../src/sim/charms/remote-write.js";
import { S3_ENDPOINT, s3IntegratorCharm, s3ProviderDatabag } from "../../src/sim/charms/s3-integrator.js";
import { Simulator } from "../../src/sim/simulator.js";
import type { Charm } from "../../src/juju/charm.js";

/** Requires both interfaces and writes nothing: lets a test read what the providers publish. */
const consumerCharm: Charm = {
  meta: {
    name: "consumer",
    summary: "reads s3 and remote-write",
    description: "test double",
    requires: { storage: { interface: "s3" }, metrics: { interface: "prometheus_remote_write" } },
  },
  async reconcile() {},
};

const S3_CONFIG = { endpoint: "http://minio:9000", bucket: "traces", "access-key": "AK", "secret-key": "SK" };

describe("the simulator's stand-in providers", () => {
  it("publishes the s3 connection in the provider's app bag, only from the leader", async () => {
    const sim = new Simulator();
    sim.deploy("s3", s3IntegratorCharm, { units: 2, config: S3_CONFIG });
    sim.deploy("consumer", consumerCharm);
    sim.relate(`s3:${S3_ENDPOINT}`, "consumer:storage");
    expect(await sim.run()).toMatchObject({ kind: "quiet" });
    const relation = sim.relationBetween("s3", "consumer")!;
    expect(relation.appData.get("s3")).toEqual({ "access-key": "AK", bucket: "traces", endpoint: "http://minio:9000", "secret-key": "SK" });
    expect(sim.world.units.get("s3/1")!.status).toEqual({ status: "active", message: "" });
  });

  it("blocks and names the missing options when the s3 connection is incomplete", async () => {
    const sim = new Simulator();
    sim.deploy("s3", s3IntegratorCharm, { config: { endpoint: "http://minio:9000" } });
    await sim.run();
    expect(sim.world.units.get("s3/0")!.status).toEqual({
      status: "blocked",
      message: "set bucket, access-key, secret-key: juju config s3 bucket=… access-key=… secret-key=…",
    });
  });

  it("encodes an s3 CA chain as a JSON list and withdraws cleared options", () => {
    expect(s3ProviderDatabag({ ...S3_CONFIG, "tls-ca-chain": "PEM" })).toEqual({
      kind: "ready",
      databag: { ...S3_CONFIG, region: "", "tls-ca-chain": '["PEM"]' },
    });
  });

  it("puts one remote-write URL per unit in each unit's own bag", async () => {
    const sim = new Simulator();
    sim.deploy("prometheus", remoteWriteReceiverCharm, { units: 2 });
    sim.deploy("consumer", consumerCharm);
    sim.relate(`prometheus:${REMOTE_WRITE_ENDPOINT}`, "consumer:metrics");
    await sim.run();
    const relation = sim.relationBetween("prometheus", "consumer")!;
    const urls = ["prometheus/0", "prometheus/1"].map((unit) => JSON.parse(relation.unitData.get(unit)!.remote_write!) as { url: string });
    expect(urls).toEqual([{ url: "http://10.1.0.1:9090/api/v1/write" }, { url: "http://10.1.0.2:9090/api/v1/write" }]);
  });
});
