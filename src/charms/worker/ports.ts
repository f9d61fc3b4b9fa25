/**
 * Which ports the worker unit opens.
 *
 * The coordinator knows which receivers and servers this worker's role serves and sends them as
 * `worker_ports`; we open exactly those, and an empty list opens none. A coordinator that sends no
 * `worker_ports` key at all (older Python coordinators) gets the fixed set the Python worker opens,
 * so mixing charms never leaves a receiver closed. A worker whose Tempo is not running (no
 * relation, no config yet) opens nothing: an open port with nothing behind it only misleads.
 */
import type { PortSpec } from "../../juju/backend.js";

/** `tempo-worker` (Python) `src/charm.py`: HTTP, OTLP gRPC/HTTP, Zipkin, Jaeger thrift-http, memberlist, gRPC, Jaeger gRPC. */
export const LEGACY_WORKER_PORTS: readonly number[] = [3200, 4317, 4318, 7946, 9096, 9411, 14250, 14268];

/** The sorted, de-duplicated TCP ports to have open. */
export function desiredWorkerPorts(workerPorts: readonly number[] | undefined): number[] {
  const chosen = workerPorts ?? LEGACY_WORKER_PORTS;
  return [...new Set(chosen)].sort((a, b) => a - b);
}

export interface PortChanges {
  readonly toOpen: number[];
  readonly toClose: PortSpec[];
}

/** What to open and close so that exactly `desired` (TCP) is open; anything else opened is closed. */
export function portChanges(opened: readonly PortSpec[], desired: readonly number[]): PortChanges {
  const openTcp = new Set(
    opened.flatMap((spec) => (spec.protocol === "tcp" ? [spec.port] : [])),
  );
  const wanted = new Set(desired);
  const toOpen = [...wanted].filter((port) => !openTcp.has(port)).sort((a, b) => a - b);
  const toClose = opened
    .filter((spec) => spec.protocol !== "tcp" || !wanted.has(spec.port))
    .sort(comparePortSpecs);
  return { toOpen, toClose };
}

function comparePortSpecs(a: PortSpec, b: PortSpec): number {
  const keyA = a.protocol === "icmp" ? `icmp` : `${a.protocol}/${String(a.port).padStart(5, "0")}`;
  const keyB = b.protocol === "icmp" ? `icmp` : `${b.protocol}/${String(b.port).padStart(5, "0")}`;
  return keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
}
