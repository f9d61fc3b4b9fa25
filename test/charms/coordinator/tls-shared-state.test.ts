import { describe, expect, it } from "vitest";
import {
  decodeSharedTlsState,
  encodeSharedTlsState,
  problemSharedByLeader,
  sharedTlsState,
} from "../../../src/charms/coordinator/integrations/tls-shared-state.js";

describe("the certificates state the leader shares with its peers", () => {
  it("decodes to what was encoded, for TLS on and for a problem", () => {
    for (const state of [sharedTlsState(7, undefined), sharedTlsState(7, { severity: "blocked", message: "bad CA" })]) {
      expect(decodeSharedTlsState(encodeSharedTlsState(state))).toEqual({ kind: "valid", data: state });
    }
  });

  it("encodes the same state to the same bytes whatever order its fields were built in", () => {
    const built = { message: "TLS on", status: "active", relationId: 7 } as const;
    expect(encodeSharedTlsState(built)).toBe(encodeSharedTlsState(sharedTlsState(7, undefined)));
  });

  it("shows nothing for data that is not a shared state, and says why", () => {
    expect(decodeSharedTlsState("{oops")).toEqual({ kind: "invalid", reasons: ["tls-state is not JSON"] });
    expect(decodeSharedTlsState('{"relationId":7,"status":"on","message":"x"}').kind).toBe("invalid");
    expect(problemSharedByLeader("{oops", 7)).toBeUndefined();
    expect(problemSharedByLeader(undefined, 7)).toBeUndefined();
  });

  it("turns a shared problem about the current relation into the same problem, said to be the leader's", () => {
    const raw = encodeSharedTlsState(sharedTlsState(7, { severity: "waiting", message: "waiting for ca" }));
    expect(problemSharedByLeader(raw, 7)).toEqual({ severity: "waiting", message: "waiting for ca (per the leader)" });
    expect(problemSharedByLeader(raw, 8)).toBeUndefined();
  });
});
