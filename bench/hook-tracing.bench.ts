/**
 * What charm tracing costs a hook: the coordinator's `dispatch` (update-status in a distributed
 * cluster of 7 worker units, in-memory Juju) without tracing, with its span sent to a live OTLP/HTTP
 * receiver on loopback, with the receiver away (connection refused) and with a receiver that never
 * answers (the export deadline). All four interleaved in the same run; medians reported.
 *
 * Target (reported, not asserted): a live receiver adds a few ms; no receiver state adds more than
 * the export deadline (500 ms). Run alone with `npx tsx bench/hook-tracing.bench.ts`.
 */
import { type Server, createServer } from "node:http";
import { median } from "./measure.js";
import { performance } from "node:perf_hooks";
import { coordinatorCharm } from "../src/charms/coordinator/charm.js";
import type { Charm } from "../src/juju/charm.js";
import { dispatch } from "../src/juju/charm.js";
import { renderHookEnv } from "../src/juju/context.js";
import { EXPORT_TIMEOUT_MS } from "../src/juju/hook-tracing.js";
import { MemoryBackend, state, worldFromState } from "../src/testing/index.js";
import { coordinatorState, distributed, s3 } from "../test/charms/coordinator/tracing-fixtures.js";

const ROUNDS = 30;
const SILENT_ROUNDS = Number(process.env.SILENT_ROUNDS ?? 3);


async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function timeHook(charm: Charm): Promise<number> {
  const unitWorld = worldFromState(charm.meta, state(coordinatorState([...distributed(), s3()])));
  const backend = new MemoryBackend(unitWorld.world, { unit: unitWorld.unitName });
  const env = renderHookEnv({ unitName: "tempo/0", appName: "tempo", modelName: "cos", modelUuid: "2f9a6c1e-7b3d-4e8a-9c5f-1d2e3f4a5b6c", jujuVersion: "3.6.14", event: { kind: "update-status" } });
  const start = performance.now();
  await dispatch(charm, { env, backend, exit: () => undefined });
  return performance.now() - start;
}

export async function benchHookTracing(): Promise<void> {
  let spans = 0;
  const live = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      spans += 1;
      response.writeHead(200).end("{}");
    });
  });
  const silent = createServer((request) => request.resume());
  const liveUrl = await listen(live);
  const silentUrl = await listen(silent);
  const closed = createServer();
  const closedUrl = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));

  const untraced: Charm = { ...coordinatorCharm, tracingEndpoint: () => undefined };
  const traced = (url: string): Charm => ({ ...coordinatorCharm, tracingEndpoint: () => ({ url }) });
  const times = { untraced: [] as number[], live: [] as number[], away: [] as number[], silent: [] as number[] };
  await timeHook(untraced); // warm-up: module loading and JIT
  await timeHook(traced(liveUrl));
  for (let round = 0; round < ROUNDS; round += 1) {
    times.untraced.push(await timeHook(untraced));
    times.live.push(await timeHook(traced(liveUrl)));
    times.away.push(await timeHook(traced(closedUrl)));
    if (round < SILENT_ROUNDS) times.silent.push(await timeHook(traced(silentUrl)));
  }
  live.close();
  silent.closeAllConnections();
  silent.close();

  const base = median(times.untraced);
  const row = (label: string, values: number[]) =>
    `  ${label.padEnd(44)} ${median(values).toFixed(2).padStart(8)} ms  (+${(median(values) - base).toFixed(2)} ms, n=${values.length})`;
  process.stdout.write(
    [
      `coordinator update-status through dispatch, 7 worker units, median of interleaved runs:`,
      row("baseline: no charm tracing", times.untraced),
      row("span sent to a live OTLP/HTTP receiver", times.live),
      row("receiver away (connection refused)", times.away),
      row(`receiver silent (export deadline ${EXPORT_TIMEOUT_MS} ms)`, times.silent),
      `  spans the live receiver got: ${spans} (of ${ROUNDS + 1} hooks sent to it)`,
      "",
    ].join("\n"),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await benchHookTracing();
