import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { boundaryFor, decodeMultipart, encodeMultipart, parseHeaderParameters, type MultipartPart } from "../../src/juju/pebble-multipart.js";

const partArbitrary: fc.Arbitrary<MultipartPart> = fc.record({
  name: fc.constantFrom("request", "files", "response"),
  filename: fc.option(fc.string({ minLength: 1 }).map((tail) => "/" + tail.replace(/[\r\n]/g, "_")), { nil: undefined }),
  contentType: fc.constantFrom("application/json", "application/octet-stream"),
  body: fc.uint8Array({ maxLength: 256 }),
}).map((part) => (part.filename === undefined ? { name: part.name, contentType: part.contentType, body: part.body } : part));

describe("Pebble multipart codec", () => {
  it("decodes what it encodes, bytes and file paths intact", () => {
    fc.assert(
      fc.property(fc.array(partArbitrary, { maxLength: 4 }), (parts) => {
        const { body, contentType } = encodeMultipart(parts);
        const boundary = parseHeaderParameters(contentType).parameters["boundary"] ?? "";
        const decoded = decodeMultipart(body, boundary);
        expect(decoded.kind).toBe("valid");
        if (decoded.kind !== "valid") return;
        expect(decoded.parts.map((part) => ({ ...part, body: Array.from(part.body) }))).toEqual(
          parts.map((part) => ({ ...part, body: Array.from(part.body) })),
        );
      }),
    );
  });

  it("derives the same boundary of at least 32 characters from the same parts", () => {
    const parts = [{ name: "files", filename: "/a", contentType: "application/octet-stream", body: new Uint8Array([1, 2]) }];
    expect(boundaryFor(parts)).toBe(boundaryFor(parts));
    expect(boundaryFor(parts).length).toBeGreaterThanOrEqual(32);
  });

  it("reads quoted parameters with escaped quotes", () => {
    expect(parseHeaderParameters('form-data; name="files"; filename="/a \\"b\\".txt"')).toEqual({
      mediaType: "form-data",
      parameters: { name: "files", filename: '/a "b".txt' },
    });
    expect(parseHeaderParameters("multipart/form-data; boundary=abc").parameters["boundary"]).toBe("abc");
  });

  it("reports a body without its closing boundary as invalid", () => {
    const body = Buffer.from('--abc\r\nContent-Disposition: form-data; name="files"\r\n\r\nhello', "utf-8");
    expect(decodeMultipart(body, "abc")).toEqual({ kind: "invalid", reason: "missing closing boundary" });
  });
});
