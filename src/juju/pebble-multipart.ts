/**
 * multipart/form-data as Pebble's files API uses it: a push is a "request" part (JSON metadata)
 * followed by one "files" part per file whose `filename` is the file's absolute path; a pull answers
 * with a "files" part and a closing "response" part (JSON). Pebble refuses boundaries shorter than
 * 32 characters. Both the HTTP client and the test server use this codec.
 */
import { nodeCrypto } from "./lazy-builtins.js";

export interface MultipartPart {
  readonly name: string;
  /** Pebble puts the absolute path here, not a base name. */
  readonly filename?: string;
  readonly contentType: string;
  readonly body: Uint8Array;
}

export const MULTIPART_FORM_DATA = "multipart/form-data";

/**
 * A boundary derived from the content (deterministic output) that the content cannot contain
 * except by a hash collision; 40 hex characters keeps it above Pebble's 32-character minimum.
 */
export function boundaryFor(parts: readonly MultipartPart[]): string {
  const hash = nodeCrypto().createHash("sha256");
  for (const part of parts) hash.update(part.name).update(part.filename ?? "").update(part.body);
  return "pebble-" + hash.digest("hex").slice(0, 40);
}

function quoteParameter(value: string): string {
  return '"' + value.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
}

export function encodeMultipart(parts: readonly MultipartPart[], boundary: string = boundaryFor(parts)): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name=${quoteParameter(part.name)}` + (part.filename !== undefined ? `; filename=${quoteParameter(part.filename)}` : "");
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\nContent-Type: ${part.contentType}\r\n\r\n`, "utf-8"));
    chunks.push(Buffer.from(part.body));
    chunks.push(Buffer.from("\r\n", "utf-8"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, "utf-8"));
  return { body: Buffer.concat(chunks), contentType: `${MULTIPART_FORM_DATA}; boundary=${boundary}` };
}

/** The media type and parameters of a Content-Type (or Content-Disposition) header value. */
export function parseHeaderParameters(value: string): { mediaType: string; parameters: Record<string, string> } {
  const semicolon = value.indexOf(";");
  const mediaType = (semicolon < 0 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  const parameters: Record<string, string> = {};
  const rest = semicolon < 0 ? "" : value.slice(semicolon + 1);
  const parameterPattern = /\s*([^=\s;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))\s*;?/g;
  for (const match of rest.matchAll(parameterPattern)) {
    const key = (match[1] ?? "").toLowerCase();
    parameters[key] = match[2] !== undefined ? match[2].replace(/\\(.)/g, "$1") : (match[3] ?? "").trim();
  }
  return { mediaType, parameters };
}

export type MultipartDecoded = { kind: "valid"; parts: MultipartPart[] } | { kind: "invalid"; reason: string };

/** Split a multipart body into parts; a malformed body is an expected failure, not an exception. */
export function decodeMultipart(body: Uint8Array, boundary: string): MultipartDecoded {
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const delimiter = Buffer.from(`--${boundary}`, "utf-8");
  const parts: MultipartPart[] = [];
  let position = buffer.indexOf(delimiter);
  if (position < 0) return { kind: "invalid", reason: "no multipart boundary found" };
  for (;;) {
    position += delimiter.length;
    if (buffer.subarray(position, position + 2).toString("utf-8") === "--") return { kind: "valid", parts };
    if (buffer.subarray(position, position + 2).toString("utf-8") !== "\r\n") return { kind: "invalid", reason: "malformed boundary line" };
    const headerStart = position + 2;
    const headerEnd = buffer.indexOf("\r\n\r\n", headerStart, "utf-8");
    if (headerEnd < 0) return { kind: "invalid", reason: "unterminated part headers" };
    const headers: Record<string, string> = {};
    for (const line of buffer.subarray(headerStart, headerEnd).toString("utf-8").split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const bodyStart = headerEnd + 4;
    const next = buffer.indexOf(Buffer.concat([Buffer.from("\r\n", "utf-8"), delimiter]), bodyStart);
    if (next < 0) return { kind: "invalid", reason: "missing closing boundary" };
    const disposition = parseHeaderParameters(headers["content-disposition"] ?? "");
    const name = disposition.parameters["name"];
    if (name === undefined) return { kind: "invalid", reason: "a part has no form-data name" };
    const filename = disposition.parameters["filename"];
    parts.push({
      name,
      ...(filename !== undefined ? { filename } : {}),
      contentType: headers["content-type"] ?? "application/octet-stream",
      body: new Uint8Array(buffer.subarray(bodyStart, next)),
    });
    position = next + 2;
  }
}
