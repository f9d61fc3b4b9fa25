/**
 * Worker addresses: from what a worker published to the bare host every consumer needs.
 *
 * The address lands verbatim in `memberlist.join_members` (`<host>:7946`), in certificate SANs and in
 * the rendered YAML, so a URL or `host:port` breaks the ring (python-reference §6.4) and a stray
 * YAML/flow character could break or inject into the config. We accept the shapes real workers send
 * and reject everything else with a reason an operator can act on.
 */
import { isIPv4, isIPv6 } from "node:net";
import { quote } from "./describe-input.js";

export type HostKind = "dns" | "ipv4" | "ipv6";

export type NormalisedAddress =
  | { readonly kind: "valid"; readonly host: string; readonly hostKind: HostKind }
  | { readonly kind: "invalid"; readonly reason: string };

/** RFC 1035 limits. */
const MAX_LABEL_LENGTH = 63;
const MAX_NAME_LENGTH = 253;

/**
 * Characters that YAML treats specially in a plain scalar or flow collection, or that make a URL
 * ambiguous (`@` userinfo, `%` escapes and IPv6 zone ids). Brackets are handled separately: they are
 * legal only around an IPv6 literal.
 */
const SPECIAL_CHARACTERS = ["{", "}", "#", ",", "&", "*", "!", "|", ">", "'", '"', "%", "@", "`"];

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
/**
 * What a worker normally publishes: an already bare, lower-case DNS name of labels of 1 to 63
 * letters, digits and inner hyphens. For such a name every check below passes and the host is the
 * name itself, so it is answered at once (the coordinator normalises every unit's address on
 * every hook). All-digit names are left to the full path: they are IPv4 candidates.
 */
const BARE_DNS_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const DIGITS_AND_DOTS = /^[0-9.]+$/;
const DNS_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

/**
 * `host`, `host:port`, `scheme://host[:port][/path]`, IPv4, IPv6 (bare or `[bracketed]`, with a port
 * when bracketed) → the bare host, lower-cased (DNS names are case-insensitive; one spelling per host
 * keeps the ring free of duplicates). IPv6 is returned in its canonical compressed form, unbracketed.
 */
export function normaliseAddress(raw: string): NormalisedAddress {
  if (raw.length <= MAX_NAME_LENGTH && BARE_DNS_NAME.test(raw) && !DIGITS_AND_DOTS.test(raw)) return valid(raw, "dns");
  if (raw.length === 0) return invalid("is empty");
  if (raw.includes(": ")) return invalid('contains ": ", which YAML reads as a key/value separator');
  if (/[\s\p{Cc}]/u.test(raw)) return invalid("contains whitespace or a control character");
  const special = SPECIAL_CHARACTERS.find((character) => raw.includes(character));
  if (special !== undefined) return invalid(`contains ${JSON.stringify(special)}, which YAML or URLs treat specially`);

  let authority = raw;
  const scheme = SCHEME.exec(raw);
  if (scheme) {
    const rest = raw.slice(scheme[0].length);
    const pathStart = rest.search(/[/?]/);
    authority = pathStart === -1 ? rest : rest.slice(0, pathStart);
    if (authority.length === 0) return invalid("has a scheme but no host");
  } else if (raw.includes("/")) {
    return invalid("has a path but no scheme (expected host, host:port or scheme://host[:port][/path])");
  }

  if (authority.startsWith("[")) {
    const bracketed = /^\[([^\][]+)\](?::([^:]*))?$/.exec(authority);
    if (!bracketed) return invalid("has unbalanced or misplaced brackets");
    const portProblem = bracketed[2] === undefined ? undefined : checkPort(bracketed[2]);
    if (portProblem) return invalid(portProblem);
    return ipv6(bracketed[1] ?? "");
  }
  if (authority.includes("[") || authority.includes("]")) return invalid("has brackets that do not enclose an IPv6 address");

  const colons = authority.split(":").length - 1;
  if (colons >= 2) return ipv6(authority);
  let host = authority;
  if (colons === 1) {
    const [hostPart = "", port = ""] = authority.split(":");
    const portProblem = checkPort(port);
    if (portProblem) return invalid(portProblem);
    host = hostPart;
  }
  return hostname(host);
}

/**
 * The host a worker's `address` key names: the key's JSON string (every databag value is JSON,
 * spec §2), normalised as above. Undefined for an absent, non-JSON, non-string or unusable value;
 * the cluster view is where such a unit is named in the status.
 */
export function publishedHost(rawAddressValue: string | undefined): string | undefined {
  if (rawAddressValue === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(rawAddressValue);
  } catch {
    return undefined;
  }
  if (typeof value !== "string") return undefined;
  const normalised = normaliseAddress(value);
  return normalised.kind === "valid" ? normalised.host : undefined;
}

/** `host:port` for a normalised host, bracketing IPv6 (`[::1]:7946`) so that the port stays unambiguous. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function hostname(host: string): NormalisedAddress {
  if (host.length === 0) return invalid("has no host");
  if (DIGITS_AND_DOTS.test(host)) {
    // All-numeric names are not DNS names (RFC 1123 §2.1), so this must be an IPv4 address.
    return isIPv4(host) ? valid(host, "ipv4") : invalid(`${quote(host)} is not a valid IPv4 address`);
  }
  // One trailing dot marks an absolute FQDN; it names the same host.
  const name = (host.endsWith(".") ? host.slice(0, -1) : host).toLowerCase();
  if (name.length > MAX_NAME_LENGTH) return invalid(`is ${name.length} characters long; a host name has at most ${MAX_NAME_LENGTH}`);
  for (const label of name.split(".")) {
    if (label.length === 0) return invalid("has an empty label (two dots in a row, or a leading dot)");
    if (label.length > MAX_LABEL_LENGTH) return invalid(`has a label of ${label.length} characters; at most ${MAX_LABEL_LENGTH} are allowed`);
    if (!DNS_LABEL.test(label)) return invalid(`has the label ${quote(label)}; labels hold letters, digits and inner hyphens only`);
  }
  return valid(name, "dns");
}

function ipv6(candidate: string): NormalisedAddress {
  if (!isIPv6(candidate)) return invalid(`${quote(candidate)} is not a valid IPv6 address (use [address]:port to add a port)`);
  // The WHATWG URL parser prints IPv6 in RFC 5952 canonical form; isIPv6 already vouched for the input.
  const canonical = new URL(`http://[${candidate}]/`).hostname.slice(1, -1);
  return valid(canonical, "ipv6");
}

function checkPort(port: string): string | undefined {
  if (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    return `has the port ${quote(port)}; a port is a number from 1 to 65535`;
  }
  return undefined;
}

function valid(host: string, hostKind: HostKind): NormalisedAddress {
  return { kind: "valid", host, hostKind };
}

function invalid(reason: string): NormalisedAddress {
  return { kind: "invalid", reason };
}
