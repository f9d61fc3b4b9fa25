/**
 * The `content` encoding of `grafana_dashboard`: base64 of an `.xz` stream (cos-lib's `LZMABase64`,
 * which Grafana's consumer undoes with Python's `lzma.decompress`). Node has no LZMA, and a
 * compressor would be the largest thing in the charm, so we write a valid `.xz` stream whose LZMA2
 * chunks are all *uncompressed* chunks — a form the format defines for incompressible data (xz file
 * format 1.0.4 §3.1, §3.3, §4, §5; LZMA2 control bytes 0x01/0x02 in liblzma's lzma2_decoder.c).
 * Any xz decoder reads it; it is only larger than compressed data, which a dashboard can afford.
 */

const CRC32_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC32_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function uint32le(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

/** xz's multibyte integer: 7 bits per byte, least significant first, high bit = more follows. */
function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
}

function padToFour(bytes: number[]): number[] {
  while (bytes.length % 4 !== 0) bytes.push(0);
  return bytes;
}

const STREAM_FLAGS = [0x00, 0x01]; // check type 1: CRC32
/** LZMA2's largest uncompressed chunk. */
const CHUNK = 0x10000;

export function xzStored(data: Uint8Array): Uint8Array {
  const streamHeader = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, ...STREAM_FLAGS, ...uint32le(crc32(Uint8Array.from(STREAM_FLAGS)))];

  // Block header: size, flags (one filter, no optional sizes), LZMA2 filter (id 0x21) with one
  // property byte (dictionary size 64 KiB, enough for 64 KiB chunks), padding, CRC32.
  const headerBody = padToFour([0x00, 0x00, 0x21, 0x01, 0x08]);
  headerBody[0] = (headerBody.length + 4) / 4 - 1;
  const blockHeader = [...headerBody, ...uint32le(crc32(Uint8Array.from(headerBody)))];

  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < data.length; offset += CHUNK) {
    const piece = data.subarray(offset, Math.min(offset + CHUNK, data.length));
    // 0x01: uncompressed chunk resetting the dictionary (the first); 0x02: without reset.
    chunks.push(Uint8Array.of(offset === 0 ? 0x01 : 0x02, (piece.length - 1) >> 8, (piece.length - 1) & 0xff), piece);
  }
  chunks.push(Uint8Array.of(0x00)); // end of LZMA2 data
  const compressedSize = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const blockPadding = (4 - ((blockHeader.length + compressedSize) % 4)) % 4;
  const check = uint32le(crc32(data));
  const unpaddedSize = blockHeader.length + compressedSize + check.length;

  const indexBody = padToFour([0x00, ...varint(1), ...varint(unpaddedSize), ...varint(data.length)]);
  const index = [...indexBody, ...uint32le(crc32(Uint8Array.from(indexBody)))];
  const footerBody = [...uint32le(index.length / 4 - 1), ...STREAM_FLAGS];
  const streamFooter = [...uint32le(crc32(Uint8Array.from(footerBody))), ...footerBody, 0x59, 0x5a];

  const parts = [Uint8Array.from(streamHeader), Uint8Array.from(blockHeader), ...chunks, new Uint8Array(blockPadding), Uint8Array.from(check), Uint8Array.from(index), Uint8Array.from(streamFooter)];
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** cos-lib's `LZMABase64.compress`: UTF-8 → xz → base64. */
export function lzmaBase64(text: string): string {
  return Buffer.from(xzStored(new TextEncoder().encode(text))).toString("base64");
}

/**
 * Reads back what `xzStored` writes: a single-block stream of uncompressed LZMA2 chunks. Anything
 * else (a compressed chunk, another filter) is `undefined`: this is the simulator's Grafana, not an
 * xz decoder; a real Grafana charm decodes any xz with Python's lzma.
 */
export function readXzStored(bytes: Uint8Array): string | undefined {
  const magic = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
  if (bytes.length < 12 || magic.some((byte, index) => bytes[index] !== byte)) return undefined;
  let at = 12;
  const headerSize = ((bytes[at] ?? 0) + 1) * 4;
  if (bytes[at + 2] !== 0x21) return undefined; // LZMA2 only
  at += headerSize;
  const pieces: Uint8Array[] = [];
  for (;;) {
    const control = bytes[at];
    if (control === undefined) return undefined;
    if (control === 0x00) break;
    if (control !== 0x01 && control !== 0x02) return undefined;
    const size = ((bytes[at + 1] ?? 0) << 8) + (bytes[at + 2] ?? 0) + 1;
    pieces.push(bytes.subarray(at + 3, at + 3 + size));
    at += 3 + size;
  }
  return new TextDecoder().decode(Buffer.concat(pieces));
}

/** cos-lib's `LZMABase64.decompress`, for what `lzmaBase64` wrote. */
export function readLzmaBase64(text: string): string | undefined {
  return readXzStored(Buffer.from(text, "base64"));
}
