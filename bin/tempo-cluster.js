#!/usr/bin/env node
// The `tempo-cluster` command. The CLI is TypeScript run through tsx (a dev dependency: this
// works from a clone after `npm ci`); registering tsx in this process keeps stdin, the TTY and
// the exit code the user's, with no second process.
let register;
try {
  ({ register } = await import("tsx/esm/api"));
} catch (error) {
  process.stderr.write(`tempo-cluster: cannot load TypeScript support (tsx): ${error.message}\nRun \`npm ci\` in the repository first.\n`);
  process.exit(2);
}
register();
await import(new URL("../src/cli/main.ts", import.meta.url).href);
