/**
 * The front door's TLS material, shared by the leader with the other coordinator units through the
 * peer relation's application bag. Every coordinator unit runs nginx, but only the leader can read
 * our certificates request and so tell which certificate is ours (certificates.ts); without this a
 * non-leader's nginx would keep talking plain HTTP to workers that serve TLS. The key itself stays
 * in the application's secret, which every unit of the application may read (Juju: secret-get by
 * the owner application's units); only its id is shared.
 */
import * as z from "zod";
import type { Parsed } from "../../../interface/parsed.js";
import type { TlsMaterial } from "../integrations.js";

export const FRONT_DOOR_TLS_KEY = "front-door-tls";

const SharedFrontDoorTls = z.object({
  caCert: z.string().min(1),
  serverCert: z.string().min(1),
  privkeySecretId: z.string().min(1),
  serverName: z.string().min(1),
});

/** Fixed key order, so unchanged material is byte-for-byte the same and never rewritten. */
export function encodeSharedFrontDoorTls(tls: TlsMaterial): string {
  return JSON.stringify({ caCert: tls.caCert, serverCert: tls.serverCert, privkeySecretId: tls.privkeySecretId, serverName: tls.serverName });
}

export function decodeSharedFrontDoorTls(raw: string | undefined): Parsed<TlsMaterial> {
  if (raw === undefined || raw === "") return { kind: "absent" };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { kind: "invalid", reasons: [`${FRONT_DOOR_TLS_KEY} is not JSON`] };
  }
  const checked = SharedFrontDoorTls.safeParse(json);
  return checked.success
    ? { kind: "valid", data: checked.data }
    : { kind: "invalid", reasons: checked.error.issues.map((issue) => `${FRONT_DOOR_TLS_KEY}: ${issue.path.join(".")} ${issue.message}`) };
}
