/**
 * Zip a charm directory into a `.charm` file that `juju deploy ./<name>.charm` accepts.
 *
 * Deterministic: entries sorted by path, directory entries included (as charmcraft's archives
 * have them), one fixed timestamp, permissions normalised to 0644/0755 from the executable bit,
 * so the same directory always gives the same bytes. Unix modes go in the external attributes,
 * which is where Juju's unzip reads the executable bit of `dispatch` and `node/bin/node`.
 */
import { createWriteStream } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { ZipFile } from "yazl";
import { renderManifestYaml } from "./charm-metadata.js";

/**
 * Built from local-time fields so the DOS time fields come out the same in every time zone (the
 * universal-time extra field is turned off for the same reason).
 */
const FIXED_MTIME = new Date(1980, 0, 2, 0, 0, 0);

export interface ArchiveEntry {
  /** POSIX path inside the archive; directories end with `/`. */
  readonly archivePath: string;
  readonly sourcePath: string;
  readonly isDirectory: boolean;
  readonly isExecutable: boolean;
}

/** Every file and directory under `root`, sorted by archive path. */
export async function listCharmEntries(root: string): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  async function walk(relativeDir: string): Promise<void> {
    for (const dirent of await readdir(path.join(root, relativeDir), { withFileTypes: true })) {
      const relative = relativeDir ? `${relativeDir}/${dirent.name}` : dirent.name;
      const sourcePath = path.join(root, relative);
      if (dirent.isDirectory()) {
        entries.push({ archivePath: `${relative}/`, sourcePath, isDirectory: true, isExecutable: true });
        await walk(relative);
      } else {
        // stat follows links, so a linked file is archived as its content.
        const stats = await stat(sourcePath);
        entries.push({ archivePath: relative, sourcePath, isDirectory: false, isExecutable: (stats.mode & 0o111) !== 0 });
      }
    }
  }
  await walk("");
  return sortEntries(entries);
}

function sortEntries(entries: ArchiveEntry[]): ArchiveEntry[] {
  return entries.sort((a, b) => (a.archivePath < b.archivePath ? -1 : a.archivePath > b.archivePath ? 1 : 0));
}

/** The entries that put a Node binary at `node/bin/node`, where `dispatch` looks first. */
export function nodeRuntimeEntries(nodeBinary: string): ArchiveEntry[] {
  return [
    { archivePath: "node/", sourcePath: "", isDirectory: true, isExecutable: true },
    { archivePath: "node/bin/", sourcePath: "", isDirectory: true, isExecutable: true },
    { archivePath: "node/bin/node", sourcePath: nodeBinary, isDirectory: false, isExecutable: true },
  ];
}

export interface PackRequest {
  /** A built charm directory (scripts/charm-layout.ts). */
  readonly charmDir: string;
  /** The Node binary to pack as `node/bin/node`; without one the charm needs node on the unit's PATH. */
  readonly nodeBinary?: string;
  /**
   * The one architecture `nodeBinary` runs on: the archive's `manifest.yaml` then names only it, so
   * Juju never places the charm on a node whose CPU cannot run its runtime.
   */
  readonly architecture?: string;
  readonly outFile: string;
}

/** Zip a built charm directory, plus the Node runtime, into `outFile`; returns the entries written. */
export async function packCharmDir(request: PackRequest): Promise<ArchiveEntry[]> {
  const fromDir = await listCharmEntries(request.charmDir);
  if (fromDir.some((entry) => entry.archivePath.startsWith("node/")) && request.nodeBinary !== undefined) {
    throw new Error(`${request.charmDir} already holds node/; it would clash with the packed runtime`);
  }
  const runtime = request.nodeBinary === undefined ? [] : nodeRuntimeEntries(request.nodeBinary);
  const entries = sortEntries([...fromDir, ...runtime]);
  const replaced: Record<string, string> =
    request.architecture === undefined ? {} : { "manifest.yaml": renderManifestYaml([request.architecture]) };
  await writeZip(entries, request.outFile, replaced);
  return entries;
}

async function writeZip(entries: readonly ArchiveEntry[], outFile: string, replaced: Readonly<Record<string, string>> = {}): Promise<void> {
  const zip = new ZipFile();
  const written = pipeline(zip.outputStream, createWriteStream(outFile));
  for (const entry of entries) {
    if (entry.isDirectory) {
      zip.addEmptyDirectory(entry.archivePath, { mtime: FIXED_MTIME, mode: 0o40755, forceDosTimestamp: true });
    } else {
      const content = replaced[entry.archivePath];
      zip.addBuffer(content === undefined ? await readFile(entry.sourcePath) : Buffer.from(content), entry.archivePath, {
        mtime: FIXED_MTIME,
        mode: entry.isExecutable ? 0o100755 : 0o100644,
        compress: true,
        forceDosTimestamp: true,
      });
    }
  }
  zip.end();
  await written;
}
