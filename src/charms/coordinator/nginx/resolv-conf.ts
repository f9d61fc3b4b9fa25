/**
 * The DNS server nginx asks, read from the pod's `/etc/resolv.conf`.
 *
 * nginx does not use the system resolver for names it resolves at request time: it needs a
 * `resolver` directive with an address (ngx_http_core_module `resolver`). The kubelet writes the
 * cluster DNS service into every container's resolv.conf, so the first `nameserver` there is the
 * one to use (the Python coordinator does the same, coord#88).
 */
import { isIPv4, isIPv6 } from "node:net";
import type { Parsed } from "../../../interface/parsed.js";

export const RESOLV_CONF_PATH = "/etc/resolv.conf";

/** The first nameserver, formatted for nginx's `resolver` directive (`[addr]` for IPv6). */
export function resolverFromResolvConf(text: string): Parsed<string> {
  for (const rawLine of text.split("\n")) {
    const line = rawLine.replace(/[#;].*$/, "").trim();
    const [keyword, address] = line.split(/\s+/);
    if (keyword !== "nameserver" || address === undefined) continue;
    // resolv.conf(5) allows a scope id on IPv6 (`fe80::1%eth0`); nginx does not.
    if (isIPv4(address)) return { kind: "valid", data: address };
    if (isIPv6(address)) return { kind: "valid", data: `[${address}]` };
    return { kind: "invalid", reasons: [`${RESOLV_CONF_PATH} names the nameserver ${JSON.stringify(address)}, which is not an IP address`] };
  }
  return { kind: "absent" };
}
