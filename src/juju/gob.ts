/**
 * The subset of Go's `encoding/gob` that Juju's jujuc protocol uses (jujuc-rpc.md §4): flat structs
 * of strings, byte slices, bools, ints and uints, and one `[]string`. No maintained gob codec exists
 * on npm, so this is our own, written from go1.19 `src/encoding/gob/doc.go`.
 *
 * Wire facts that shape it:
 * - A stream is `uint(length) payload` messages; a payload is `int(-id) wireType` (a type definition)
 *   or `int(id) value` (doc.go:259–268).
 * - Type ids are chosen by the sender from a process-wide counter, so the agent's reply ids cannot be
 *   predicted: the decoder reads the definitions off the wire (encoder.go, type.go:163–186).
 * - Struct fields travel as `uint(delta) value`, zero values omitted, `0` ends the struct; fields are
 *   matched by name, so a receiver treats absent fields as zero (encode.go:433–466, doc.go:33–37).
 *
 * Anything outside the subset (arrays, maps, interfaces, GobEncoder types) is a `GobDecodeError`:
 * the caller falls back to spawning the hook tools rather than guessing.
 */

/** The predefined type ids (doc.go:241–257). */
export const GobType = { bool: 1, int: 2, uint: 3, bytes: 5, string: 6 } as const;

/** The first id a Go encoder gives a user type (type.go:279–283). */
export const FIRST_USER_TYPE_ID = 65;

/** Go's decoder refuses messages over 1 GiB (decoder.go:15–18); so do we. */
const MAX_MESSAGE_BYTES = 1 << 30;

export class GobDecodeError extends Error {
  constructor(message: string) {
    super(`gob: ${message}`);
    this.name = "GobDecodeError";
  }
}

// ---------------------------------------------------------------- encoding

/** A growable byte buffer with gob's scalar encodings. */
export class GobWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(capacity = 256) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }

  /** Below 128 one byte; otherwise `-(byte count)` then the value big-endian (doc.go:109–122). */
  uint(value: number | bigint): this {
    // Lengths, field deltas and type ids are small numbers: no BigInt for them (a hook makes
    // ~30 of these per hook command, 1,000+ commands at 1,000 workers).
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) {
      if (value < 128) {
        this.reserve(1);
        this.buffer[this.length++] = value;
        return this;
      }
      let count = 0;
      for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) count += 1;
      this.reserve(count + 1);
      this.buffer[this.length++] = 256 - count;
      for (let index = count - 1, rest = value; index >= 0; index -= 1, rest = Math.floor(rest / 256)) {
        this.buffer[this.length + index] = rest % 256;
      }
      this.length += count;
      return this;
    }
    let big = BigInt(value);
    if (big < 0n) throw new RangeError(`gob uint cannot be negative: ${value}`);
    if (big < 128n) {
      this.reserve(1);
      this.buffer[this.length++] = Number(big);
      return this;
    }
    const bytes: number[] = [];
    while (big > 0n) {
      bytes.unshift(Number(big & 0xffn));
      big >>= 8n;
    }
    this.reserve(bytes.length + 1);
    this.buffer[this.length++] = 256 - bytes.length;
    for (const byte of bytes) this.buffer[this.length++] = byte;
    return this;
  }

  /** Zig-zag into a uint: the sign in the low bit (doc.go:124–134). */
  int(value: number | bigint): this {
    if (typeof value === "number" && Number.isSafeInteger(value) && Math.abs(value) < 2 ** 51) {
      return this.uint(value < 0 ? (-value - 1) * 2 + 1 : value * 2);
    }
    const big = BigInt(value);
    return this.uint(big < 0n ? ((~big) << 1n) | 1n : big << 1n);
  }

  bytes(value: Uint8Array): this {
    this.uint(value.length);
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  string(value: string): this {
    // Straight into the buffer: no intermediate Buffer per string (several per hook command).
    const length = Buffer.byteLength(value, "utf8");
    this.uint(length);
    this.reserve(length);
    this.length += this.buffer.write(value, this.length, length, "utf8");
    return this;
  }

  raw(value: Uint8Array): this {
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  /** The bytes written so far, without a copy: later writes only append, so they never change it. */
  toBuffer(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/** A field of a struct type as this codec sends it. */
export type GobFieldKind = "string" | "bytes" | "bool" | "int" | "uint" | "strings";
export interface GobField {
  readonly name: string;
  readonly kind: GobFieldKind;
}
export type GobValue = string | Uint8Array | boolean | number | bigint | readonly string[];

/**
 * The type definitions and value encoders of one direction of a connection. Each type is defined
 * once per connection (a repeat is `gob: duplicate type received`, decoder.go:58–63), before the
 * first value that needs it.
 */
export class GobEncoder {
  private nextId = FIRST_USER_TYPE_ID;
  private stringSliceId: number | undefined;
  /** Keyed by the field list itself: net/rpc's header and jujuc's body are both named `Request`. */
  private readonly structIds = new Map<readonly GobField[], number>();

  /** The `uint(length)` that goes before a payload on the wire. */
  private static lengthPrefix(payload: Buffer): Buffer {
    return new GobWriter(9).uint(payload.length).toBuffer();
  }

  private static commonType(writer: GobWriter, name: string, id: number): void {
    // CommonType{Name(0) string, Id(1) int}; an empty name is a zero field, omitted like Go does
    // for the anonymous `struct{}` of an error reply (§4.6).
    if (name === "") writer.uint(2).int(id).uint(0);
    else writer.uint(1).string(name).uint(1).int(id).uint(0);
  }

  /**
   * The struct's definition, then `[]string`'s if not yet sent: the order and ids a Go encoder uses
   * (jujuc-rpc.md §4.6), so our requests are byte-identical to jujuc's.
   */
  private define(name: string, fields: readonly GobField[]): Buffer[] {
    const id = this.nextId++;
    this.structIds.set(fields, id);
    const needsStringSlice = fields.some((field) => field.kind === "strings") && this.stringSliceId === undefined;
    if (needsStringSlice) this.stringSliceId = this.nextId++;
    // wireType.StructT (field 2): structType{CommonType(0), Field(1) []*fieldType{Name(0), Id(1)}}
    const struct = new GobWriter().int(-id).uint(3);
    struct.uint(1);
    GobEncoder.commonType(struct, name, id);
    struct.uint(1).uint(fields.length);
    for (const field of fields) struct.uint(1).string(field.name).uint(1).int(this.typeIdOf(field.kind)).uint(0);
    struct.uint(0).uint(0);
    const definitions = [struct.toBuffer()];
    if (needsStringSlice) {
      const sliceId = this.stringSliceId!;
      // wireType.SliceT (field 1): sliceType{CommonType(0), Elem(1) typeId}
      const slice = new GobWriter().int(-sliceId).uint(2);
      slice.uint(1);
      GobEncoder.commonType(slice, "[]string", sliceId);
      slice.uint(1).int(GobType.string).uint(0).uint(0);
      definitions.push(slice.toBuffer());
    }
    return definitions;
  }

  private typeIdOf(kind: GobFieldKind): number {
    if (kind === "strings") return this.stringSliceId!;
    return GobType[kind];
  }

  /**
   * The messages for one struct value: its type definitions the first time, then the value with zero
   * fields omitted. `values` are in `fields` order; undefined counts as zero.
   */
  encodeStruct(name: string, fields: readonly GobField[], values: Readonly<Record<string, GobValue | undefined>>): Buffer {
    const messages = this.structIds.has(fields) ? [] : this.define(name, fields);
    const writer = new GobWriter().int(this.structIds.get(fields)!);
    let previous = -1;
    fields.forEach((field, index) => {
      const value = values[field.name];
      if (isZero(value)) return;
      writer.uint(index - previous);
      previous = index;
      writeValue(writer, field.kind, value!);
    });
    writer.uint(0);
    messages.push(writer.toBuffer());
    return Buffer.concat(messages.flatMap((payload) => [GobEncoder.lengthPrefix(payload), payload]));
  }
}

function isZero(value: GobValue | undefined): boolean {
  if (value === undefined || value === false || value === "" || value === 0 || value === 0n) return true;
  if (typeof value === "object") return value.length === 0;
  return false;
}

function writeValue(writer: GobWriter, kind: GobFieldKind, value: GobValue): void {
  switch (kind) {
    case "string":
      writer.string(value as string);
      return;
    case "bytes":
      writer.bytes(value as Uint8Array);
      return;
    case "bool":
      writer.uint(value ? 1 : 0);
      return;
    case "int":
      writer.int(value as number | bigint);
      return;
    case "uint":
      writer.uint(value as number | bigint);
      return;
    case "strings": {
      const items = value as readonly string[];
      writer.uint(items.length);
      for (const item of items) writer.string(item);
      return;
    }
  }
}

// ---------------------------------------------------------------- decoding

/** A type the peer defined: the subset this codec understands. */
export type GobWireType =
  | { readonly kind: "struct"; readonly name: string; readonly fields: ReadonlyArray<{ name: string; id: number }> }
  | { readonly kind: "slice"; readonly name: string; readonly elem: number };

export type GobDecoded = string | Buffer | boolean | bigint | GobDecoded[] | GobStruct;
export interface GobStruct {
  readonly [field: string]: GobDecoded;
}

/** Reads gob scalars from one message payload. */
export class GobReader {
  private offset = 0;

  constructor(private readonly data: Buffer) {}

  get isAtEnd(): boolean {
    return this.offset >= this.data.length;
  }

  private byte(): number {
    if (this.offset >= this.data.length) throw new GobDecodeError("unexpected end of message");
    return this.data[this.offset++]!;
  }

  uint(): bigint {
    const first = this.byte();
    if (first < 128) return BigInt(first);
    const count = 256 - first;
    if (count > 8) throw new GobDecodeError(`uint of ${count} bytes`);
    let value = 0n;
    for (let index = 0; index < count; index += 1) value = (value << 8n) | BigInt(this.byte());
    return value;
  }

  /** A uint that must fit a JavaScript number (lengths, counts, deltas). */
  smallUint(what: string): number {
    const first = this.data[this.offset];
    if (first !== undefined && first < 128) {
      this.offset += 1;
      return first;
    }
    const value = this.uint();
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new GobDecodeError(`${what} too large: ${value}`);
    return Number(value);
  }

  int(): bigint {
    const value = this.uint();
    return (value & 1n) === 1n ? ~(value >> 1n) : value >> 1n;
  }

  smallInt(what: string): number {
    const value = this.int();
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new GobDecodeError(`${what} out of range: ${value}`);
    }
    return Number(value);
  }

  bytes(): Buffer {
    const length = this.smallUint("byte length");
    if (this.offset + length > this.data.length) throw new GobDecodeError("byte string runs past the message");
    const value = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return Buffer.from(value);
  }

  string(): string {
    return this.bytes().toString("utf8");
  }
}

/** `uint(delta)` field numbers of one struct, starting at -1, until the terminating 0. */
function* structFields(reader: GobReader): Generator<number> {
  let field = -1;
  for (;;) {
    const delta = reader.smallUint("field delta");
    if (delta === 0) return;
    field += delta;
    yield field;
  }
}

function readCommonType(reader: GobReader): { name: string; id: number } {
  let name = "";
  let id = 0;
  for (const field of structFields(reader)) {
    if (field === 0) name = reader.string();
    else if (field === 1) id = reader.smallInt("type id");
    else throw new GobDecodeError(`CommonType has no field ${field}`);
  }
  return { name, id };
}

/** A `wireType` value (type.go:639–647); only SliceT and StructT are in this protocol's subset. */
export function readWireType(reader: GobReader): GobWireType {
  let wireType: GobWireType | undefined;
  for (const field of structFields(reader)) {
    if (field === 1) {
      let common = { name: "", id: 0 };
      let elem = 0;
      for (const sliceField of structFields(reader)) {
        if (sliceField === 0) common = readCommonType(reader);
        else if (sliceField === 1) elem = reader.smallInt("slice element id");
        else throw new GobDecodeError(`sliceType has no field ${sliceField}`);
      }
      wireType = { kind: "slice", name: common.name, elem };
    } else if (field === 2) {
      let common = { name: "", id: 0 };
      const fields: Array<{ name: string; id: number }> = [];
      for (const structField of structFields(reader)) {
        if (structField === 0) common = readCommonType(reader);
        else if (structField === 1) {
          const count = reader.smallUint("field count");
          for (let index = 0; index < count; index += 1) {
            let fieldName = "";
            let fieldId = 0;
            for (const part of structFields(reader)) {
              if (part === 0) fieldName = reader.string();
              else if (part === 1) fieldId = reader.smallInt("field type id");
              else throw new GobDecodeError(`fieldType has no field ${part}`);
            }
            fields.push({ name: fieldName, id: fieldId });
          }
        } else throw new GobDecodeError(`structType has no field ${structField}`);
      }
      wireType = { kind: "struct", name: common.name, fields };
    } else {
      // ArrayT, MapT, GobEncoderT, BinaryMarshalerT, TextMarshalerT: never in jujuc's messages.
      throw new GobDecodeError(`unsupported wire type (wireType field ${field})`);
    }
  }
  if (wireType === undefined) throw new GobDecodeError("empty wire type");
  return wireType;
}

/**
 * The receiving side of one direction of a connection: remembers the peer's type definitions and
 * decodes values by them. Feed it whole message payloads (without their length prefix).
 */
export class GobDecoder {
  private readonly types = new Map<number, GobWireType>();

  /** A definition is stored and gives undefined; a value gives its decoded struct. */
  decodeMessage(payload: Buffer): GobStruct | undefined {
    const reader = new GobReader(payload);
    const id = reader.smallInt("type id");
    if (id < 0) {
      if (this.types.has(-id)) throw new GobDecodeError(`duplicate type received: ${-id}`);
      this.types.set(-id, readWireType(reader));
      if (!reader.isAtEnd) throw new GobDecodeError("trailing bytes after a type definition");
      return undefined;
    }
    const type = this.types.get(id);
    if (type?.kind !== "struct") throw new GobDecodeError(`value of undefined or non-struct type ${id}`);
    const value = this.readStruct(reader, type);
    if (!reader.isAtEnd) throw new GobDecodeError("trailing bytes after a value");
    return value;
  }

  private readStruct(reader: GobReader, type: Extract<GobWireType, { kind: "struct" }>): GobStruct {
    const value: Record<string, GobDecoded> = {};
    for (const field of structFields(reader)) {
      const definition = type.fields[field];
      if (definition === undefined) throw new GobDecodeError(`struct ${type.name} has no field ${field}`);
      value[definition.name] = this.readValue(reader, definition.id);
    }
    return value;
  }

  private readValue(reader: GobReader, id: number): GobDecoded {
    switch (id) {
      case GobType.bool:
        return reader.uint() !== 0n;
      case GobType.int:
        return reader.int();
      case GobType.uint:
        return reader.uint();
      case GobType.bytes:
        return reader.bytes();
      case GobType.string:
        return reader.string();
    }
    const type = this.types.get(id);
    if (type === undefined) throw new GobDecodeError(`field of undefined type ${id}`);
    if (type.kind === "struct") return this.readStruct(reader, type);
    const count = reader.smallUint("slice length");
    const items: GobDecoded[] = [];
    for (let index = 0; index < count; index += 1) items.push(this.readValue(reader, type.elem));
    return items;
  }
}

/**
 * The first complete message at the front of a byte stream: its payload (without the length prefix)
 * and how many bytes it used; undefined while it has not fully arrived.
 */
export function takeMessage(stream: Buffer): { payload: Buffer; consumed: number } | undefined {
  if (stream.length === 0) return undefined;
  const first = stream[0]!;
  const prefixBytes = first < 128 ? 1 : 1 + (256 - first);
  if (prefixBytes > 9) throw new GobDecodeError("bad message length prefix");
  if (prefixBytes > stream.length) return undefined;
  const length = new GobReader(stream.subarray(0, prefixBytes)).smallUint("message length");
  if (length > MAX_MESSAGE_BYTES) throw new GobDecodeError(`message of ${length} bytes`);
  if (length === 0) throw new GobDecodeError("empty message");
  if (prefixBytes + length > stream.length) return undefined;
  return { payload: stream.subarray(prefixBytes, prefixBytes + length), consumed: prefixBytes + length };
}
