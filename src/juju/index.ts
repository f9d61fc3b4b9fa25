/** The charm runtime's public surface: what a charm (and the test harness) imports. */
export * from "./action.js";
export * from "./backend.js";
export * from "./charm.js";
export * from "./kubernetes-names.js";
export * from "./context.js";
export * from "./databag.js";
export * from "./events.js";
export * from "./model.js";
export * from "./pebble.js";
export * from "./ports.js";
export * from "./secrets.js";
