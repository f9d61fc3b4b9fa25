/** The test harness's public surface: build a State, run one event, assert on the State out. */
export * from "./consistency.js";
export * from "./databag-assertions.js";
export * from "./memory-backend.js";
export * from "./run.js";
export * from "./scenario-events.js";
export * from "./state.js";
export * from "./state-world.js";
export * from "./world.js";
export * from "./world-builder.js";
