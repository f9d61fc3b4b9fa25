/**
 * Tests that run a real component (nginx, the Go toolchain, …) instead of a fake of our own.
 *
 * CI installs every such component (`.ci/run`) and sets `CI=true`: there a missing binary fails the
 * suite, so a broken install can never turn these tests into silent skips. On a developer machine
 * without the binary the tests are skipped with the reason printed, and `.ci/run` says what to install.
 *
 *   const nginx = realComponent("nginx");
 *   describe.skipIf(!nginx.available)(`real nginx (${nginx.reason})`, () => { … nginx.path … });
 */
import { accessSync, constants } from "node:fs";
import path from "node:path";

export interface RealComponent {
  readonly available: boolean;
  /** Absolute path of the binary when available. */
  readonly path: string;
  /** Why it is or is not used, for the test title. */
  readonly reason: string;
}

/** Directories searched besides PATH: Debian puts nginx in /usr/sbin, which a non-root PATH may omit. */
const EXTRA_DIRS = ["/usr/sbin", "/usr/local/sbin", "/usr/lib/go/bin"];

function findOnPath(binary: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter).filter((dir) => dir !== ""), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function isCi(): boolean {
  return process.env.CI === "true" || process.env.CI === "1";
}

/**
 * Look a real component up. Under CI a missing one throws at collection time, naming the package
 * `.ci/run` should have installed.
 */
export function realComponent(binary: string, debianPackage: string = binary): RealComponent {
  const found = findOnPath(binary);
  if (found) return { available: true, path: found, reason: `using ${found}` };
  if (isCi()) throw new Error(`CI needs the real ${binary}: .ci/run must install the Debian package ${debianPackage}`);
  return { available: false, path: "", reason: `skipped: ${binary} not found; apt-get install ${debianPackage}` };
}
