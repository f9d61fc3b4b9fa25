import { describe, expect, it } from "vitest";
import { headlessServiceOf } from "../../src/tempo/frontend-address.js";

describe("headlessServiceOf", () => {
  it("drops the pod label from a pod FQDN of the application in the model", () => {
    expect(headlessServiceOf("tempo-0.tempo-endpoints.cos.svc.cluster.local", "tempo", "cos")).toBe("tempo-endpoints.cos.svc.cluster.local");
  });

  it("keeps a cluster domain other than cluster.local", () => {
    expect(headlessServiceOf("tempo-1.tempo-endpoints.cos.svc.k8s.example", "tempo", "cos")).toBe("tempo-endpoints.cos.svc.k8s.example");
  });

  it("does not claim an address of another application's service", () => {
    expect(headlessServiceOf("other-0.other-endpoints.cos.svc.cluster.local", "tempo", "cos")).toBeNull();
  });

  it("does not claim an IPv4 address, whose labels are octets (python-reference §6.4)", () => {
    expect(headlessServiceOf("192.0.2.1", "tempo", "cos")).toBeNull();
  });

  it("does not claim an FQDN with an empty label, such as a trailing dot", () => {
    expect(headlessServiceOf("tempo-0.tempo-endpoints.cos.svc.cluster.local.", "tempo", "cos")).toBeNull();
  });
});
