/**
 * The shape `loki_push_api` and `prometheus_remote_write` share: each provider unit puts one key
 * in its unit bag holding `{"url": "…"}` as JSON. Remote data is untrusted, so reading it yields
 * absent / invalid (with reasons an operator can act on) / valid, and never throws.
 */
import * as z from "zod";
import type { Parsed } from "../../../interface/parsed.js";
import type { Databag } from "../../../juju/backend.js";

export function parseUnitUrlField(
  unitData: Readonly<Databag>,
  key: string,
  url: z.ZodType<string>,
): Parsed<{ readonly url: string }> {
  const raw = unitData[key];
  if (raw === undefined || raw === "") return { kind: "absent" };
  let decoded: unknown;
  try {
    decoded = JSON.parse(raw);
  } catch {
    return { kind: "invalid", reasons: [`${key} is not JSON`] };
  }
  const parsed = z.object({ url }, { error: `${key} must be a JSON object with a url` }).safeParse(decoded);
  if (parsed.success) return { kind: "valid", data: { url: parsed.data.url } };
  const hasUrl = typeof decoded === "object" && decoded !== null && "url" in decoded;
  const describe = (issue: z.core.$ZodIssue) =>
    issue.path[0] !== "url" ? issue.message : hasUrl ? `${key} url is not an http(s) URL` : `${key} has no url`;
  return { kind: "invalid", reasons: [...new Set(parsed.error.issues.map(describe))] };
}
