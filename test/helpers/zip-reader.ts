/**
 * Read a zip archive's central directory and entries, enough for tests to list a `.charm` (names,
 * Unix modes, timestamps) and extract it, without trusting the library that wrote it. Plain zip
 * only (no zip64, no encryption): what scripts/charm-archive.ts writes.
 */
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { inflateRawSync } from "node:zlib";

export interface ZipEntryInfo {
  readonly name: string;
  /** Unix mode from the external attributes' high 16 bits (file type + permissions). */
  readonly unixMode: number;
  /** Creator OS from "version made by" (3 = Unix). */
  readonly madeByOs: number;
  readonly method: number;
  readonly dosTime: number;
  readonly dosDate: number;
  readonly extraFieldLength: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

export function readZipEntries(zip: Buffer): ZipEntryInfo[] {
  let eocd = -1;
  for (let offset = zip.length - 22; offset >= Math.max(0, zip.length - 22 - 0xffff); offset -= 1) {
    if (zip.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) {
      eocd = offset;
      break;
    }
  }
  if (eocd < 0) throw new Error("not a zip archive: no end-of-central-directory record");
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntryInfo[] = [];
  for (let index = 0; index < count; index += 1) {
    if (zip.readUInt32LE(offset) !== CENTRAL_DIRECTORY_HEADER) throw new Error(`bad central directory header at ${offset}`);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    entries.push({
      name: zip.subarray(offset + 46, offset + 46 + nameLength).toString("utf8"),
      madeByOs: zip.readUInt8(offset + 5),
      method: zip.readUInt16LE(offset + 10),
      dosTime: zip.readUInt16LE(offset + 12),
      dosDate: zip.readUInt16LE(offset + 14),
      compressedSize: zip.readUInt32LE(offset + 20),
      uncompressedSize: zip.readUInt32LE(offset + 24),
      extraFieldLength: extraLength,
      unixMode: zip.readUInt32LE(offset + 38) >>> 16,
      localHeaderOffset: zip.readUInt32LE(offset + 42),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

export function readZipEntryContent(zip: Buffer, entry: ZipEntryInfo): Buffer {
  const header = entry.localHeaderOffset;
  if (zip.readUInt32LE(header) !== LOCAL_FILE_HEADER) throw new Error(`bad local header for ${entry.name}`);
  const dataStart = header + 30 + zip.readUInt16LE(header + 26) + zip.readUInt16LE(header + 28);
  const data = zip.subarray(dataStart, dataStart + entry.compressedSize);
  if (entry.method === 0) return Buffer.from(data);
  if (entry.method === 8) return inflateRawSync(data);
  throw new Error(`${entry.name}: unsupported compression method ${entry.method}`);
}

/** Extract every entry under `targetDir`, applying the archived Unix permissions (as Juju does). */
export async function extractZip(archive: string, targetDir: string): Promise<ZipEntryInfo[]> {
  const zip = await readFile(archive);
  const entries = readZipEntries(zip);
  for (const entry of entries) {
    const destination = path.join(targetDir, entry.name);
    if (!destination.startsWith(path.resolve(targetDir))) throw new Error(`entry escapes the target: ${entry.name}`);
    if (entry.name.endsWith("/")) {
      await mkdir(destination, { recursive: true });
      continue;
    }
    await mkdir(path.dirname(destination), { recursive: true });
    await writeFile(destination, readZipEntryContent(zip, entry));
    await chmod(destination, entry.unixMode & 0o777);
  }
  return entries;
}
