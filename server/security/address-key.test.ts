import { describe, expect, it } from "vitest";
import { addressKey } from "./address-key";

describe("addressKey", () => {
  it("keeps a public IPv4 address as it is, an IPv4-mapped one as IPv4", () => {
    expect(addressKey("203.0.113.9")).toBe("203.0.113.9");
    expect(addressKey("8.8.8.8")).toBe("8.8.8.8");
    expect(addressKey("::ffff:203.0.113.9")).toBe("203.0.113.9");
  });

  it("keys an IPv6 address by its /64, so a new privacy address in the same network is the same key", () => {
    expect(addressKey("2001:db8:1:2:a:b:c:d")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8:1:2::99")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2a00:1450:4001:81c::200e")).toBe("2a00:1450:4001:81c::/64");
    expect(addressKey("2001:db8:1:3::1")).not.toBe(addressKey("2001:db8:1:2::1"));
  });

  it("never holds loopback, private, link-local, unique-local, CGNAT or unspecified addresses", () => {
    for (const shared of ["127.0.0.1", "::1", "::ffff:127.0.0.1", "10.1.2.3", "172.16.5.4", "192.168.1.20", "169.254.1.1", "100.64.0.1", "fe80::1", "fd00::1", "0.0.0.0", "::"]) {
      expect(addressKey(shared), shared).toBeNull();
    }
  });

  it("is null for what is not an address", () => {
    for (const junk of ["", "localhost", "203.0.113", "1.2.3.4.5", "not an ip", "203.0.113.9, 10.0.0.1"]) expect(addressKey(junk), junk).toBeNull();
  });
});
