/**
 * The gob subset against bytes recorded from Go 1.19's net/rpc with Juju 3.6's struct shapes
 * (jujuc-rpc.md §4.6; the Go programs that produced them are test/fixtures/jujuc-agent/main.go's shapes).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GobDecoder, GobEncoder, GobReader, GobWriter, takeMessage, type GobField } from "../../src/juju/gob.js";

/** Hex with `"text"` spans, as the reference writes its dumps. */
function bytes(spec: string): Buffer {
  const parts: Buffer[] = [];
  for (const token of spec.match(/"[^"]*"|[0-9a-f]+/g) ?? []) {
    parts.push(token.startsWith('"') ? Buffer.from(token.slice(1, -1), "utf8") : Buffer.from(token, "hex"));
  }
  return Buffer.concat(parts);
}

const HEADER: GobField[] = [
  { name: "ServiceMethod", kind: "string" },
  { name: "Seq", kind: "uint" },
];
const REQUEST: GobField[] = [
  { name: "ContextId", kind: "string" },
  { name: "Dir", kind: "string" },
  { name: "CommandName", kind: "string" },
  { name: "Args", kind: "strings" },
  { name: "StdinSet", kind: "bool" },
  { name: "Stdin", kind: "bytes" },
  { name: "Token", kind: "string" },
];

function decodeAll(decoder: GobDecoder, stream: Buffer) {
  const values = [];
  let rest = stream;
  for (let message = takeMessage(rest); message !== undefined; message = takeMessage(rest)) {
    rest = rest.subarray(message.consumed);
    const value = decoder.decodeMessage(message.payload);
    if (value !== undefined) values.push(value);
  }
  expect(rest.length).toBe(0);
  return values;
}

describe("the gob codec", () => {
  it("encodes a first call byte for byte as Go's net/rpc client does", () => {
    const encoder = new GobEncoder();
    const sent = Buffer.concat([
      encoder.encodeStruct("Request", HEADER, { ServiceMethod: "Jujuc.Main", Seq: 0 }),
      encoder.encodeStruct("Request", REQUEST, {
        ContextId: "tempo/0-install-123",
        Dir: "/charm",
        CommandName: "config-get",
        Args: ["--format=json"],
      }),
    ]);
    expect(sent.toString("hex")).toBe(
      bytes(`2f ff81 03 01 01 07 "Request" 01 ff82 00 01 02 01 0d "ServiceMethod" 01 0c 00 01 03 "Seq" 01 06 00 00 00`).toString("hex") +
        bytes(`0f ff82 01 0a "Jujuc.Main" 00`).toString("hex") +
        bytes(
          `66 ff83 03 01 01 07 "Request" 01 ff84 00 01 07 01 09 "ContextId" 01 0c 00 01 03 "Dir" 01 0c 00 01 0b "CommandName" 01 0c 00 01 04 "Args" 01 ff86 00 01 08 "StdinSet" 01 02 00 01 05 "Stdin" 01 0a 00 01 05 "Token" 01 0c 00 00 00`,
        ).toString("hex") +
        bytes(`16 ff85 02 01 01 08 "[]string" 01 ff86 00 01 0c 00 00`).toString("hex") +
        bytes(`3c ff84 01 13 "tempo/0-install-123" 01 06 "/charm" 01 0a "config-get" 01 01 0d "--format=json" 00`).toString("hex"),
    );
  });

  it("sends a second call's header and body as values only, with stdin after StdinSet", () => {
    const encoder = new GobEncoder();
    encoder.encodeStruct("Request", HEADER, { ServiceMethod: "Jujuc.Main", Seq: 0 });
    encoder.encodeStruct("Request", REQUEST, { ContextId: "c", Dir: "/", CommandName: "x" });
    expect(encoder.encodeStruct("Request", HEADER, { ServiceMethod: "Jujuc.Main", Seq: 1 }).toString("hex")).toBe(
      bytes(`11 ff82 01 0a "Jujuc.Main" 01 01 00`).toString("hex"),
    );
    const body = encoder.encodeStruct("Request", REQUEST, {
      ContextId: "c",
      Dir: "/",
      CommandName: "relation-set",
      Args: ["--file", "-"],
      StdinSet: true,
      Stdin: Buffer.from("{}"),
    });
    expect(body.subarray(-7).toString("hex")).toBe(bytes(`01 01 01 02 "{}" 00`).toString("hex"));
  });

  it("decodes the agent's replies by the type ids it defines on the wire, zero fields as absent", () => {
    const stream = Buffer.concat([bytes(`
      3a ff87 03 01 01 08 "Response" 01 ff88 00 01 03 01 0d "ServiceMethod" 01 0c 00 01 03 "Seq" 01 06 00 01 05 "Error" 01 0c 00 00 00
      0f ff88 01 0a "Jujuc.Main" 00
      39 ff89 03 01 01 0c "ExecResponse" 01 ff8a 00 01 03 01 04 "Code" 01 04 00 01 06 "Stdout" 01 0a 00 01 06 "Stderr" 01 0a 00 00 00
      1a ff8a 02 15`), Buffer.from('{"log-level":"info"}\n'), bytes(`00
      3a ff88 01 0a "Jujuc.Main" 01 01 01 27 "hook tool requires stdin, none supplied" 00
      0a ff8b 03 01 02 ff8c 00 00 00
      03 ff8c 00
      11 ff88 01 0a "Jujuc.Main" 01 02 00
      1f ff8a 01 02 02 18 "ERROR permission denied" 0a 00
    `)]);
    const values = decodeAll(new GobDecoder(), stream);
    expect(values).toEqual([
      { ServiceMethod: "Jujuc.Main" },
      { Stdout: Buffer.from('{"log-level":"info"}\n') },
      { ServiceMethod: "Jujuc.Main", Seq: 1n, Error: "hook tool requires stdin, none supplied" },
      {},
      { ServiceMethod: "Jujuc.Main", Seq: 2n },
      { Code: 1n, Stderr: Buffer.from("ERROR permission denied\n") },
    ]);
  });

  it("reads back every int and uint it writes, up to 64 bits", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (int, uint) => {
        const reader = new GobReader(new GobWriter().int(int).uint(uint).toBuffer());
        expect(reader.int()).toBe(int);
        expect(reader.uint()).toBe(uint);
        expect(reader.isAtEnd).toBe(true);
      }),
    );
  });

  it("reads back every string it writes as UTF-8, whatever its characters and length", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), fc.string({ unit: "binary" }), (first, second) => {
        const reader = new GobReader(new GobWriter(1).string(first).string(second).toBuffer());
        expect(reader.string()).toBe(first);
        expect(reader.string()).toBe(Buffer.from(second, "utf8").toString("utf8"));
        expect(reader.isAtEnd).toBe(true);
      }),
    );
  });

  it("writes a JavaScript number with the same bytes as the same value as a BigInt", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.maxSafeNat(), (int, uint) => {
        expect(new GobWriter().int(int).uint(uint).toBuffer()).toEqual(new GobWriter().int(BigInt(int)).uint(BigInt(uint)).toBuffer());
        const reader = new GobReader(new GobWriter().uint(uint).toBuffer());
        expect(reader.smallUint("a length")).toBe(uint);
      }),
    );
  });

  it("refuses a wire type outside the protocol's subset instead of guessing", () => {
    // wireType.MapT (field 3) for a map[string]string.
    const map = new GobWriter().int(-65).uint(4).uint(1).uint(1).string("map").uint(1).int(65).uint(0).uint(1).int(6).uint(1).int(6).uint(0).uint(0).toBuffer();
    expect(() => new GobDecoder().decodeMessage(map)).toThrow(/unsupported wire type/);
  });

  it("waits for a message that has not fully arrived", () => {
    const message = bytes(`0f ff82 01 0a "Jujuc.Main" 00`);
    expect(takeMessage(message.subarray(0, 8))).toBeUndefined();
    expect(takeMessage(message)?.consumed).toBe(message.length);
  });
});
