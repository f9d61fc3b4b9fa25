import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PortSpec } from "../../src/juju/backend.js";
import { diffPorts, parsePortKey, portKey, sortPorts } from "../../src/juju/ports.js";

const port: fc.Arbitrary<PortSpec> = fc.oneof(
  fc.record({ protocol: fc.constantFrom("tcp" as const, "udp" as const), port: fc.integer({ min: 1, max: 65535 }) }),
  fc.constant({ protocol: "icmp" as const }),
);

describe("ports", () => {
  it("reads back Juju's spelling of every port", () => {
    fc.assert(
      fc.property(port, (spec) => {
        expect(parsePortKey(portKey(spec))).toEqual(spec);
      }),
    );
  });

  it("defaults a bare number to tcp and rejects what Juju would", () => {
    expect(parsePortKey("3200")).toEqual({ protocol: "tcp", port: 3200 });
    expect(parsePortKey("0/tcp")).toBeUndefined();
    expect(parsePortKey("80-90/tcp")).toBeUndefined();
  });

  it("applying the diff to the opened set gives exactly the wanted set", () => {
    fc.assert(
      fc.property(fc.array(port), fc.array(port), (current, wanted) => {
        const { open, close } = diffPorts(current, wanted);
        const closed = new Set(close.map(portKey));
        const result = sortPorts([...current.filter((p) => !closed.has(portKey(p))), ...open]);
        expect(result).toEqual(sortPorts(wanted));
      }),
    );
  });

  it("changes nothing when the wanted ports are already open, in any order", () => {
    const ports: PortSpec[] = [{ protocol: "udp", port: 53 }, { protocol: "icmp" }, { protocol: "tcp", port: 80 }];
    expect(diffPorts(ports, [...ports].reverse())).toEqual({ open: [], close: [] });
  });
});
