import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PebbleApiError, type Layer, type PebbleClient } from "../../src/juju/pebble.js";
import { PebbleHttpClient } from "../../src/juju/pebble-client.js";
import { MemoryPebble } from "../../src/testing/pebble-memory.js";
import { startTestPebbleServer } from "../../src/testing/pebble-server.js";

/** One thing a charm might do to its container. */
type Operation =
  | { kind: "layer"; label: string; layer: Layer; combine: boolean }
  | { kind: "start" | "stop" | "restart"; services: string[] }
  | { kind: "replan" }
  | { kind: "push"; path: string; content: string; permissions: number }
  | { kind: "remove"; path: string };

const SERVICE_NAMES = ["tempo", "agent"] as const;

const serviceLayer: fc.Arbitrary<Layer> = fc
  .record({
    name: fc.constantFrom(...SERVICE_NAMES),
    override: fc.constantFrom("merge" as const, "replace" as const),
    startup: fc.constantFrom("enabled" as const, "disabled" as const),
    level: fc.constantFrom("1", "2"),
  })
  .map(({ name, override, startup, level }) => ({
    services: { [name]: { override, command: `/bin/${name}`, startup, environment: { LEVEL: level } } },
  }));

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant("layer" as const), label: fc.constantFrom("base", "extra"), layer: serviceLayer, combine: fc.boolean() }),
  fc.record({
    kind: fc.constantFrom("start" as const, "stop" as const, "restart" as const),
    services: fc.subarray([...SERVICE_NAMES], { minLength: 1 }),
  }),
  fc.constant({ kind: "replan" as const }),
  fc.record({
    kind: fc.constant("push" as const),
    path: fc.constantFrom("/etc/tempo/a.yaml", "/etc/tempo/b.yaml"),
    content: fc.string({ maxLength: 20 }),
    permissions: fc.constantFrom(0o600, 0o644, 0o640),
  }),
  fc.record({ kind: fc.constant("remove" as const), path: fc.constantFrom("/etc/tempo/a.yaml", "/etc/tempo") }),
);

/** Apply an operation; Pebble refusing it (unknown service, label exists…) is part of the scenario. */
async function apply(pebble: PebbleClient, op: Operation): Promise<string> {
  try {
    if (op.kind === "layer") await pebble.addLayer(op.label, op.layer, { combine: op.combine });
    else if (op.kind === "replan") await pebble.replan();
    else if (op.kind === "start") await pebble.startServices(op.services);
    else if (op.kind === "stop") await pebble.stopServices(op.services);
    else if (op.kind === "restart") await pebble.restartServices(op.services);
    else if (op.kind === "push") await pebble.push(op.path, op.content, { makeDirs: true, permissions: op.permissions });
    else if (op.kind === "remove") await pebble.removePath(op.path, { recursive: op.path === "/etc/tempo" });
    return "ok";
  } catch (error) {
    if (error instanceof PebbleApiError) return `${error.statusCode} ${error.kind} ${error.message}`;
    throw error;
  }
}

describe("MemoryPebble laws", () => {
  it("a second replan right after a replan starts and restarts nothing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 12 }), async (operations) => {
        const pebble = new MemoryPebble();
        for (const op of operations) await apply(pebble, op);
        await pebble.replan();
        await pebble.replan();
        expect(pebble.journal.at(-1)).toEqual({ action: "replan", services: [], restarted: [] });
      }),
    );
  });

  it("restores from its snapshot to the same state", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 12 }), async (operations) => {
        const pebble = new MemoryPebble();
        for (const op of operations) await apply(pebble, op);
        const restored = MemoryPebble.fromState(pebble.toState());
        expect(restored.toState()).toEqual(pebble.toState());
        expect(await restored.getServices()).toEqual(await pebble.getServices());
        expect(await restored.getPlan()).toEqual(await pebble.getPlan());
      }),
    );
  });
});

describe("PebbleHttpClient over the test server", () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "pebble-laws-"));
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it("leaves a container in the same state, with the same answers, as calling MemoryPebble directly", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 10 }), async (operations) => {
        const socketPath = join(directory, `p${run++}.socket`);
        const behindServer = new MemoryPebble();
        const server = await startTestPebbleServer(socketPath, behindServer);
        try {
          const client = new PebbleHttpClient(socketPath, { requestTimeoutMs: 5_000 });
          const direct = new MemoryPebble();
          for (const op of operations) expect(await apply(client, op)).toBe(await apply(direct, op));
          expect(behindServer.toState()).toEqual(direct.toState());
          expect(await client.getPlan()).toEqual(await direct.getPlan());
          expect(await client.getServices()).toEqual(await direct.getServices());
        } finally {
          await server.close();
        }
      }),
      { numRuns: 25 },
    );
  });
});
