import { describe, expect, it } from "vitest";
import { memoiseRecent } from "../../src/interface/recent-memo.js";
import { readProviderDatabag } from "../../src/interface/requirer.js";

describe("memoiseRecent", () => {
  it("computes an answer once per key while the key stays among the most recent", () => {
    const computed: string[] = [];
    const length = memoiseRecent(2, (key) => {
      computed.push(key);
      return key.length;
    });
    expect([length("a"), length("bb"), length("a"), length("bb")]).toEqual([1, 2, 1, 2]);
    expect(computed).toEqual(["a", "bb"]);
  });

  it("forgets the least recently used key when full", () => {
    const computed: string[] = [];
    const echo = memoiseRecent(2, (key) => {
      computed.push(key);
      return key;
    });
    echo("a");
    echo("b");
    echo("a");
    echo("c"); // evicts b, the least recently used
    echo("a");
    echo("b");
    expect(computed).toEqual(["a", "b", "c", "b"]);
  });
});

describe("reading the same worker_config twice", () => {
  it("gives each reader its own mapping", () => {
    const bag = { worker_config: JSON.stringify("memberlist:\n  join_members:\n  - w-0.local:7946\n") };
    const first = readProviderDatabag(bag);
    const second = readProviderDatabag(bag);
    if (first.kind !== "valid" || second.kind !== "valid") throw new Error("expected valid provider data");
    expect(second.data.workerConfig.mapping).toEqual(first.data.workerConfig.mapping);
    expect(second.data.workerConfig.mapping).not.toBe(first.data.workerConfig.mapping);
    expect(second.data.workerConfig.mapping.memberlist).not.toBe(first.data.workerConfig.mapping.memberlist);
  });
});
