import proxyaddr from "proxy-addr";

/**
 * Which hops in front of Parley are trusted to report the client's address (TRUST_PROXY).
 *
 * Proxies (nginx's `$proxy_add_x_forwarded_for`, HAProxy's `option forwardfor`, http-proxy's
 * `xfwd`) *append* the address they saw to whatever `X-Forwarded-For` the client sent, so the
 * leftmost entry is the client's own word. The address is read from the right instead,
 * skipping only trusted hops, by `proxy-addr` (the library Express uses for `trust proxy`):
 *
 * - `false` (default): no proxy; the socket's address.
 * - `true` or `1`: one proxy in front (the socket's peer); `N`: N proxies in a chain.
 * - a comma-separated list of addresses, CIDRs or proxy-addr's names (`loopback`,
 *   `linklocal`, `uniquelocal`): every hop whose address is in the list is skipped.
 *
 * @example
 * parseTrustProxy("true")                         // one hop
 * parseTrustProxy("loopback, 10.0.0.0/8")         // any number of hops from those ranges
 */
export type TrustProxy = false | number | string[];

/** TRUST_PROXY's text to a setting; throws with a clear message on a bad address. */
export function parseTrustProxy(raw: string | boolean | number | undefined): TrustProxy {
  if (raw === undefined || raw === false) return false;
  if (raw === true) return 1;
  if (typeof raw === "number") return hops(raw);
  const text = raw.trim();
  if (text === "" || text === "false") return false;
  if (text === "true") return 1;
  if (/^\d+$/.test(text)) return hops(Number(text));
  const list = text.split(",").map((s) => s.trim()).filter(Boolean);
  proxyaddr.compile(list); // throws "invalid IP address: …" on a bad entry
  return list;
}

function hops(n: number): TrustProxy {
  if (!Number.isInteger(n) || n < 0) throw new Error(`TRUST_PROXY: a hop count must be a whole number, got ${n}`);
  return n === 0 ? false : n;
}
