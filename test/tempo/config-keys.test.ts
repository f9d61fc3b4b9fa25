import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { GENERATED_MODULE_NAME, generateKeySetsModule, keyListsDir } from "../../src/tempo/config-keys/generate.js";
import { keyTree } from "../../src/tempo/key-sets.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("generated key sets", () => {
  it("equal a fresh generation from data/tempo-config-keys (run `npx tsx src/tempo/config-keys/generate.ts` if not)", () => {
    const committed = readFileSync(path.join(repoRoot, "src", "tempo", "config-keys", GENERATED_MODULE_NAME), "utf8");
    expect(committed).toBe(generateKeySetsModule(keyListsDir(repoRoot)));
  });

  it("hold as many main-config paths per version as the data README counts", () => {
    // Counts from data/tempo-config-keys/README.md; the root "" is added by the index.
    const expected = { "2.7": 1133, "2.8": 1422, "2.9": 1609, "2.10": 1642, "3.0": 1398 } as const;
    for (const [version, count] of Object.entries(expected)) {
      expect(keyTree("mainConfig", version as keyof typeof expected).paths.size - 1).toBe(count);
    }
  });

  it("treat a trailing .* with nothing under it as free-form, and a .* with children as any key", () => {
    expect(keyTree("mainConfig", "2.7").freeForm.has("distributor.receivers.*")).toBe(true);
    const perTenant = keyTree("perTenantOverrides", "2.7");
    expect(perTenant.freeForm.has("overrides.*")).toBe(false);
    expect(perTenant.mappings.has("overrides.*")).toBe(true);
  });
});
