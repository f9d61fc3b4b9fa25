/**
 * `npm run bench [-- <name>...]`: run every `bench/*.bench.ts` module in turn (or those whose file
 * name contains one of the given words). Each module exports one or more async functions whose
 * names start with `bench`; each prints its own figures beside a baseline measured in the same run
 * (STYLE.md). Nothing here asserts: benchmarks report, tests decide.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const BENCH_SUFFIX = ".bench.ts";

type BenchFunction = () => unknown;

/** Bench modules in file-name order, so runs are comparable from one day to the next. */
export async function discoverBenchFiles(directory: string, filters: readonly string[] = []): Promise<string[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith(BENCH_SUFFIX)).sort();
  return filters.length === 0 ? names : names.filter((name) => filters.some((filter) => name.includes(filter)));
}

/** The module's exported functions named `bench…`, sorted by name. */
export function benchFunctionsOf(module: Readonly<Record<string, unknown>>): Array<[string, BenchFunction]> {
  return Object.entries(module)
    .filter((entry): entry is [string, BenchFunction] => entry[0].startsWith("bench") && typeof entry[1] === "function")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function header(title: string): string {
  return `\n${title}\n${"=".repeat(title.length)}\n`;
}

async function main(filters: readonly string[]): Promise<number> {
  const files = await discoverBenchFiles(BENCH_DIR, filters);
  if (files.length === 0) {
    process.stdout.write(filters.length === 0 ? "no bench/*.bench.ts files yet\n" : `no bench file matches ${filters.join(", ")}\n`);
    return 0;
  }
  let failures = 0;
  for (const file of files) {
    const module = (await import(pathToFileURL(path.join(BENCH_DIR, file)).href)) as Record<string, unknown>;
    const benches = benchFunctionsOf(module);
    if (benches.length === 0) {
      process.stdout.write(`${header(file)}(exports no bench* function)\n`);
      continue;
    }
    for (const [name, bench] of benches) {
      process.stdout.write(header(`${name} (${file})`));
      try {
        await bench();
      } catch (error) {
        // One broken bench must not hide the others' figures.
        failures += 1;
        process.stderr.write(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      }
    }
  }
  return failures === 0 ? 0 : 1;
}

// Only when run as the entry (`tsx bench/run.ts`), so tests can import the discovery functions.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
