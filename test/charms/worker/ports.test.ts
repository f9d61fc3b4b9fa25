import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { LEGACY_WORKER_PORTS, desiredWorkerPorts, portChanges } from "../../../src/charms/worker/ports.js";
import type { PortSpec } from "../../../src/juju/backend.js";

describe("desiredWorkerPorts", () => {
  it("opens exactly the ports the coordinator sent, sorted and de-duplicated", () => {
    expect(desiredWorkerPorts([7946, 3200, 4318, 3200])).toEqual([3200, 4318, 7946]);
  });

  it("falls back to the Python worker's port set when the coordinator sends no worker_ports key", () => {
    expect(desiredWorkerPorts(undefined)).toEqual([...LEGACY_WORKER_PORTS]);
  });

  it("opens no ports when the coordinator sends an empty worker_ports list", () => {
    expect(desiredWorkerPorts([])).toEqual([]);
  });
});

describe("portChanges", () => {
  it("closes what is open but not wanted, including non-TCP ports, and opens what is missing", () => {
    const opened: PortSpec[] = [
      { protocol: "tcp", port: 9411 },
      { protocol: "tcp", port: 3200 },
      { protocol: "udp", port: 3200 },
    ];
    expect(portChanges(opened, [3200, 7946])).toEqual({
      toOpen: [7946],
      toClose: [
        { protocol: "tcp", port: 9411 },
        { protocol: "udp", port: 3200 },
      ],
    });
  });

  it("leaves exactly the desired TCP ports open after applying the changes", () => {
    const port = fc.integer({ min: 1, max: 65535 });
    const spec = fc.oneof(
      fc.record({ protocol: fc.constantFrom("tcp" as const, "udp" as const), port }),
      fc.constant({ protocol: "icmp" as const }),
    );
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 8 }), fc.uniqueArray(port, { maxLength: 8 }), (opened, desired) => {
        const { toOpen, toClose } = portChanges(opened, desired);
        const closedKeys = new Set(toClose.map((item) => JSON.stringify(item)));
        const after = [
          ...opened.filter((item) => !closedKeys.has(JSON.stringify(item))),
          ...toOpen.map((p) => ({ protocol: "tcp" as const, port: p })),
        ];
        const afterPorts = after.map((item) => (item.protocol === "tcp" ? item.port : -1)).sort((a, b) => a - b);
        expect([...new Set(afterPorts)]).toEqual([...desired].sort((a, b) => a - b));
      }),
    );
  });
});
