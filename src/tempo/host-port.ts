/**
 * `host:port` as Go's net.JoinHostPort writes it: an IPv6 literal goes in brackets, otherwise
 * `2001:db8::1:7946` would be read as an address with no port.
 */
import { isIP } from "node:net";

export function isIpAddress(host: string): boolean {
  return isIP(host) !== 0;
}

export function joinHostPort(host: string, port: number): string {
  // An IPv6 address always holds a colon; checking that first spares isIP for every DNS name.
  return host.includes(":") && isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}
