import { describe, expect, it } from "vitest";
import { changedFiles } from "../../src/juju/pebble-sync.js";

describe("which desired files must be pushed", () => {
  const observed = new Map([
    ["/same", { content: "a", permissions: 0o644 }],
    ["/content", { content: "old", permissions: 0o644 }],
    ["/mode", { content: "k", permissions: 0o644 }],
  ]);

  it("names each file that is missing, has other bytes, or only another mode, and skips the rest", () => {
    const desired = [
      { path: "/same", content: "a", permissions: 0o644 },
      { path: "/content", content: "new", permissions: 0o644 },
      { path: "/mode", content: "k", permissions: 0o600 },
      { path: "/new", content: "n", permissions: 0o644 },
    ];
    expect(changedFiles(observed, desired).map(({ file, change }) => [file.path, change])).toEqual([
      ["/content", "content"],
      ["/mode", "mode"],
      ["/new", "created"],
    ]);
  });
});
