import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatHostPort, normaliseAddress, publishedHost } from "../../src/interface/address.js";

describe("normaliseAddress", () => {
  it.each([
    ["a Kubernetes pod FQDN", "tempo-worker-0.tempo-worker-endpoints.cos.svc.cluster.local", "tempo-worker-0.tempo-worker-endpoints.cos.svc.cluster.local", "dns"],
    ["a single-label host", "localhost", "localhost", "dns"],
    ["an upper-case host, lower-cased", "Tempo-Worker-0.Cluster.Local", "tempo-worker-0.cluster.local", "dns"],
    ["an absolute FQDN with a trailing dot", "w-0.cluster.local.", "w-0.cluster.local", "dns"],
    ["host:port", "w-0.cluster.local:7946", "w-0.cluster.local", "dns"],
    ["a URL", "http://example.com", "example.com", "dns"],
    ["a URL with port and path", "https://w-0.cluster.local:3200/ready?x=1", "w-0.cluster.local", "dns"],
    ["IPv4", "192.0.2.1", "192.0.2.1", "ipv4"],
    ["IPv4 with a port", "192.0.2.1:7946", "192.0.2.1", "ipv4"],
    ["a URL on IPv4", "http://192.0.2.1:9000", "192.0.2.1", "ipv4"],
    ["bare IPv6", "2001:db8::1", "2001:db8::1", "ipv6"],
    ["bracketed IPv6", "[2001:db8::1]", "2001:db8::1", "ipv6"],
    ["bracketed IPv6 with a port", "[::1]:7946", "::1", "ipv6"],
    ["a URL on IPv6", "http://[2001:db8::1]:3200/x", "2001:db8::1", "ipv6"],
    ["IPv6 in long upper-case form, canonicalised", "2001:DB8:0:0:0:0:0:1", "2001:db8::1", "ipv6"],
  ])("turns %s into the bare host", (_name, raw, host, hostKind) => {
    expect(normaliseAddress(raw)).toEqual({ kind: "valid", host, hostKind });
  });

  it.each([
    ["an empty string", "", /is empty/],
    ["a newline", "w-0\n.cluster.local", /whitespace or a control character/],
    ["a tab", "w-0\t", /whitespace or a control character/],
    ["a NUL character", "w\u00000", /whitespace or a control character/],
    ["a space", "w 0", /whitespace/],
    ["': '", "w: 0", /": ", which YAML reads as a key\/value separator/],
    ["'{'", "{w}", /contains "\{"/],
    ["'#'", "w#0", /contains "#"/],
    ["','", "a,b", /contains ","/],
    ["'&'", "&anchor", /contains "&"/],
    ["'*'", "*alias", /contains "\*"/],
    ["'!'", "!tag", /contains "!"/],
    ["'|'", "a|b", /contains "\|"/],
    ["'>'", "a>b", /contains ">"/],
    ["a quote", "'w'", /contains "'"/],
    ["a double quote", '"w"', /contains "\\""/],
    ["'%' (an IPv6 zone id)", "fe80::1%eth0", /contains "%"/],
    ["'@' (userinfo)", "http://user@w", /contains "@"/],
    ["a backtick", "`w`", /contains "`"/],
    ["a bracket that is not IPv6", "[w-0]", /not a valid IPv6 address/],
    ["a stray bracket", "w]0", /brackets that do not enclose/],
    ["an empty label", "w..cluster.local", /empty label/],
    ["a leading dot", ".cluster.local", /empty label/],
    ["a label of 64 characters", `${"a".repeat(64)}.local`, /label of 64 characters; at most 63/],
    ["a name of 300 characters", [60, 60, 60, 60, 56].map((n) => "a".repeat(n)).join("."), /300 characters long; a host name has at most 253/],
    ["an underscore", "w_0.local", /letters, digits and inner hyphens/],
    ["a label ending in a hyphen", "w-.local", /letters, digits and inner hyphens/],
    ["a path without a scheme", "w-0/ready", /path but no scheme/],
    ["a scheme without a host", "http://", /scheme but no host/],
    ["a port that is not a number", "w-0:http", /port "http"/],
    ["port 0", "w-0:0", /port "0"/],
    ["port 65536", "w-0:65536", /port "65536"/],
    ["an empty host before a port", ":7946", /no host/],
    ["a dotted number that is not IPv4", "1.2.3", /not a valid IPv4 address/],
    ["an IPv4 octet above 255", "192.0.2.256", /not a valid IPv4 address/],
    ["a malformed IPv6", "2001:db8:::1", /not a valid IPv6 address/],
  ])("rejects %s with a reason", (_name, raw, reason) => {
    const result = normaliseAddress(raw);
    expect(result.kind).toBe("invalid");
    if (result.kind === "invalid") expect(result.reason).toMatch(reason);
  });

  it("answers a lower-case name as it answers the same name in upper case (the bare-name shortcut agrees with the full checks)", () => {
    const nameCharacter = fc.constantFrom(..."abz09-.".split(""));
    const name = fc.oneof(
      fc.string({ unit: nameCharacter, maxLength: 80 }),
      fc.array(fc.string({ unit: fc.constantFrom("a", "9", "-"), minLength: 1, maxLength: 70 }), { minLength: 1, maxLength: 6 }).map((labels) => labels.join(".")),
      fc.integer({ min: 60, max: 70 }).map((length) => `${"a".repeat(length)}.local`),
      fc.integer({ min: 240, max: 260 }).map((length) => "ab.".repeat(length).slice(0, length).replace(/\.$/, "a")),
    );
    fc.assert(
      fc.property(name, (raw) => {
        expect(normaliseAddress(raw)).toEqual(normaliseAddress(raw.toUpperCase()));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("formatHostPort", () => {
  it("joins a DNS name or IPv4 host with its port", () => {
    expect(formatHostPort("w-0.cluster.local", 7946)).toBe("w-0.cluster.local:7946");
    expect(formatHostPort("192.0.2.1", 7946)).toBe("192.0.2.1:7946");
  });

  it("brackets an IPv6 host so the port stays unambiguous", () => {
    expect(formatHostPort("::1", 7946)).toBe("[::1]:7946");
  });
});

describe("publishedHost", () => {
  it("is the normalised host of the JSON string a worker published", () => {
    expect(publishedHost(JSON.stringify("http://Tempo-0.tempo-endpoints.cos.svc.cluster.example:3200"))).toBe("tempo-0.tempo-endpoints.cos.svc.cluster.example");
  });

  it("is unknown for an absent key, text that is not JSON, JSON that is not a string, or an unusable address", () => {
    for (const raw of [undefined, "tempo-0.example", "42", JSON.stringify("a b")]) expect(publishedHost(raw)).toBeUndefined();
  });
});
