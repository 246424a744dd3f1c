import ipaddr from "ipaddr.js";

/**
 * Ranges a ban never holds: the machine itself, private networks and the carrier-grade NAT
 * space are shared by many people (and by Parley's own proxies), so holding them would keep
 * out everyone behind them.
 */
const SHARED_RANGES = new Set(["unspecified", "broadcast", "multicast", "linkLocal", "loopback", "private", "carrierGradeNat", "uniqueLocal"]);

/**
 * The key under which a client address is remembered and held by a ban, or null when it is
 * never held (loopback, private, link-local, unique-local, CGNAT, or not an address).
 *
 * An IPv4 address (an IPv4-mapped IPv6 one included) is its own key. An IPv6 address is keyed
 * by its /64: a home or phone gets a whole /64 and picks new addresses in it at will (privacy
 * extensions), so holding one address would hold nobody.
 *
 * @example
 * addressKey("203.0.113.9")            // "203.0.113.9"
 * addressKey("::ffff:203.0.113.9")     // "203.0.113.9"
 * addressKey("2001:db8:1:2:a:b:c:d")   // "2001:db8:1:2::/64"
 * addressKey("10.1.2.3")               // null
 */
export function addressKey(address: string): string | null {
  // Four dotted parts or IPv6 only: "203.0.113" is valid to inet_aton, never a socket's address.
  if (!ipaddr.IPv4.isValidFourPartDecimal(address) && !ipaddr.IPv6.isValid(address)) return null;
  const ip = ipaddr.process(address);
  if (SHARED_RANGES.has(ip.range())) return null;
  if (ip.kind() === "ipv4") return ip.toString();
  const prefix = ipaddr.IPv6.networkAddressFromCIDR(`${ip.toString()}/64`);
  return `${prefix.toString()}/64`;
}
