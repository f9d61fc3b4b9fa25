import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // e2e tests spawn real processes (dispatch, fake hook commands); give them room on a 2-core CI.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
