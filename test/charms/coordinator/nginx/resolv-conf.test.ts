import { describe, expect, it } from "vitest";
import { resolverFromResolvConf } from "../../../../src/charms/coordinator/nginx/resolv-conf.js";

describe("the DNS server nginx asks, from the pod's resolv.conf", () => {
  it("is the first nameserver the kubelet wrote", () => {
    const text = "search cos.svc.cluster.local svc.cluster.local\nnameserver 10.152.183.10\nnameserver 10.0.0.2\noptions ndots:5\n";
    expect(resolverFromResolvConf(text)).toEqual({ kind: "valid", data: "10.152.183.10" });
  });

  it("brackets an IPv6 nameserver, as nginx's resolver directive needs", () => {
    expect(resolverFromResolvConf("nameserver fd00:10:96::a\n")).toEqual({ kind: "valid", data: "[fd00:10:96::a]" });
  });

  it("skips comments", () => {
    expect(resolverFromResolvConf("# nameserver 1.1.1.1\n; nameserver 2.2.2.2\nnameserver 10.0.0.10 # cluster dns\n")).toEqual({
      kind: "valid",
      data: "10.0.0.10",
    });
  });

  it("is absent when no nameserver is listed", () => {
    expect(resolverFromResolvConf("search local\n")).toEqual({ kind: "absent" });
  });

  it("ends a line at ; as resolv.conf(5) does, so nothing after it can reach nginx.conf", () => {
    expect(resolverFromResolvConf("nameserver 1.2.3.4;resolver_timeout 1s\n")).toEqual({ kind: "valid", data: "1.2.3.4" });
  });

  it("refuses a nameserver that is not an IP address", () => {
    expect(resolverFromResolvConf("nameserver dns.local\n")).toEqual({
      kind: "invalid",
      reasons: ['/etc/resolv.conf names the nameserver "dns.local", which is not an IP address'],
    });
  });
});
