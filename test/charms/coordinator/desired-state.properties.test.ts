/**
 * Laws of the coordinator's decision: it does not depend on the order Juju lists relations and units
 * in, and publishing what it decided leaves nothing more to write.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { coordinatorCharm } from "../../../src/charms/coordinator/charm.js";
import { type CoordinatorInputs, desiredState } from "../../../src/charms/coordinator/desired-state.js";
import { NO_INTEGRATIONS } from "../../../src/charms/coordinator/integrations.js";
import type { WorkerRelation } from "../../../src/interface/provider.js";
import { ROLES, type Role } from "../../../src/interface/roles.js";
import { DEFAULT_UNIT_BAG, on, peerRelation, relation, run } from "../../../src/testing/index.js";
import { MODEL, MODEL_UUID, S3_FIXTURE, workerRelation } from "./fixtures.js";

/** Worker applications `w0…wn`, each with a role and 1–4 units. */
const clusterShape = fc.array(fc.record({ role: fc.constantFrom<Role>(...ROLES), units: fc.integer({ min: 1, max: 4 }) }), {
  minLength: 1,
  maxLength: 6,
});

function relationsOf(shape: readonly { role: Role; units: number }[]): WorkerRelation[] {
  return shape.map(({ role, units }, index) => workerRelation(index + 1, `w${index}`, role, units));
}

function inputs(workers: readonly WorkerRelation[]): CoordinatorInputs {
  return {
    identity: { appName: "tempo", modelName: MODEL, modelUuid: MODEL_UUID },
    isLeader: true,
    config: {},
    workers,
    s3: { id: 90, app: "s3", providerData: S3_FIXTURE },
    integrations: NO_INTEGRATIONS,
  };
}

describe("laws of the coordinator's decision", () => {
  it("decides the same whatever order relations and their units are listed in", () => {
    fc.assert(
      fc.property(clusterShape, fc.integer(), (shape, seed) => {
        const workers = relationsOf(shape);
        const shuffled = shuffle(workers, seed).map((worker) => ({ ...worker, units: shuffle(worker.units, seed + 1) }));
        expect(desiredState(inputs(shuffled))).toEqual(desiredState(inputs(workers)));
      }),
      { numRuns: 60 },
    );
  });

  it("writes nothing on the next hook after publishing", async () => {
    await fc.assert(
      fc.asyncProperty(clusterShape, async (shape) => {
        const relations = relationsOf(shape).map((worker) =>
          relation({
            id: worker.id,
            endpoint: "tempo-cluster",
            remoteApp: worker.app,
            remoteAppData: worker.appData,
            remoteUnitsData: Object.fromEntries(
              worker.units.map((unit) => [unit.name.split("/")[1]!, { ...DEFAULT_UNIT_BAG, ...unit.data }]),
            ),
          }),
        );
        const state = {
          leader: true,
          relations: [
            ...relations,
            relation({ id: 90, endpoint: "s3", remoteApp: "s3", remoteAppData: { ...S3_FIXTURE } }),
            peerRelation({ id: 91, endpoint: "peers" }),
          ],
        };
        const first = await run(coordinatorCharm, on.configChanged(), state);
        const second = await run(coordinatorCharm, on.updateStatus(), first.state);
        expect(second.hookCalls.filter((call) => call.startsWith("relation-set"))).toEqual([]);
        expect(second.state.unitStatus).toEqual(first.state.unitStatus);
      }),
      { numRuns: 25 },
    );
  });
});

/** A deterministic Fisher–Yates shuffle driven by `seed`. */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  let state = seed >>> 0 || 1;
  for (let i = result.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}
