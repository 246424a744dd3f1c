import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { SecurityPolicy } from "./policy";
import { parseTrustProxy } from "./trust-proxy";

/** A request as Node has it: the socket's peer address and the headers the last hop sent. */
function request(remoteAddress: string, headers: Record<string, string> = {}): IncomingMessage {
  return { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
}

describe("TRUST_PROXY", () => {
  it("parses false, true, hop counts and address lists, and refuses bad addresses", () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy("false")).toBe(false);
    expect(parseTrustProxy("0")).toBe(false);
    expect(parseTrustProxy("true")).toBe(1);
    expect(parseTrustProxy(true)).toBe(1);
    expect(parseTrustProxy("2")).toBe(2);
    expect(parseTrustProxy("loopback, 10.0.0.0/8")).toEqual(["loopback", "10.0.0.0/8"]);
    expect(() => parseTrustProxy("10.0.0.300")).toThrow(/invalid IP address/);
    expect(() => parseTrustProxy("nginx.internal")).toThrow(/invalid IP address/);
  });
});

describe("client address", () => {
  const forged = { "x-forwarded-for": "1.2.3.4, 198.51.100.7" }; // the client wrote 1.2.3.4; nginx appended 198.51.100.7

  it("is the socket's peer without a trusted proxy, whatever the headers say", () => {
    expect(new SecurityPolicy().clientIp(request("198.51.100.7", forged))).toBe("198.51.100.7");
    expect(new SecurityPolicy({ trustProxy: false }).clientIp(request("::ffff:127.0.0.1", forged))).toBe("127.0.0.1");
  });

  it("behind one proxy (true), is the entry that proxy appended, never the client's own", () => {
    const policy = new SecurityPolicy({ trustProxy: true });
    expect(policy.clientIp(request("10.0.0.2", forged))).toBe("198.51.100.7");
    expect(policy.clientIp(request("10.0.0.2", { "x-forwarded-for": "198.51.100.7" }))).toBe("198.51.100.7");
    expect(policy.clientIp(request("10.0.0.2"))).toBe("10.0.0.2");
  });

  it("behind a chain of two proxies, skips exactly two hops (by count or by their addresses)", () => {
    // client 198.51.100.7 (forging 1.2.3.4) → HAProxy 10.0.0.5 → nginx 10.0.0.2 → Parley
    const chain = request("10.0.0.2", { "x-forwarded-for": "1.2.3.4, 198.51.100.7, 10.0.0.5" });
    expect(new SecurityPolicy({ trustProxy: 2 }).clientIp(chain)).toBe("198.51.100.7");
    expect(new SecurityPolicy({ trustProxy: "10.0.0.0/8" }).clientIp(chain)).toBe("198.51.100.7");
    expect(new SecurityPolicy({ trustProxy: 1 }).clientIp(chain)).toBe("10.0.0.5");
  });

  it("with an address list, ignores the headers of a client that reaches Parley directly", () => {
    const policy = new SecurityPolicy({ trustProxy: "10.0.0.0/8" });
    expect(policy.clientIp(request("203.0.113.9", forged))).toBe("203.0.113.9");
  });
});

describe("origin behind a proxy", () => {
  const https = { origin: "https://chat.example", host: "chat.example", "x-forwarded-proto": "https" };

  it("takes X-Forwarded-Proto only from a trusted proxy", () => {
    expect(new SecurityPolicy({ trustProxy: true }).originAllowed(request("10.0.0.2", https))).toBe(true);
    expect(new SecurityPolicy({ trustProxy: false }).originAllowed(request("10.0.0.2", https))).toBe(false);
    expect(new SecurityPolicy({ trustProxy: "10.0.0.0/8" }).originAllowed(request("203.0.113.9", https))).toBe(false);
    expect(new SecurityPolicy({ trustProxy: false }).originAllowed(request("10.0.0.2", { ...https, origin: "http://chat.example" }))).toBe(true);
  });
});
