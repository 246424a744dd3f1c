import type { IncomingMessage } from "node:http";
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

/** A trust function for proxy-addr: `(address, hopIndex) => trusted`. */
export function compileTrust(setting: TrustProxy): (addr: string, i: number) => boolean {
  if (setting === false) return () => false;
  if (typeof setting === "number") return (_addr, i) => i < setting;
  return proxyaddr.compile(setting);
}

/** The client's address as proxy-addr reads it: right to left, skipping trusted hops. */
export function clientAddress(req: IncomingMessage, trust: (addr: string, i: number) => boolean): string {
  if (!req.socket.remoteAddress) return "unknown";
  return normalise(proxyaddr(req, trust));
}

/**
 * The scheme the client used: `https` on a TLS socket, or `X-Forwarded-Proto`'s first value
 * when (and only when) the socket's peer is a trusted proxy. Proxies set this header rather
 * than append to it (nginx's `proxy_set_header`, HAProxy's `set-header`), so its first value
 * is the outermost proxy's.
 */
export function clientScheme(req: IncomingMessage, trust: (addr: string, i: number) => boolean): "http" | "https" {
  if ((req.socket as { encrypted?: boolean }).encrypted) return "https";
  const peer = req.socket.remoteAddress;
  if (!peer || !trust(peer, 0)) return "http";
  const header = req.headers["x-forwarded-proto"];
  const first = (Array.isArray(header) ? header[0] : header)?.split(",")[0]?.trim().toLowerCase();
  return first === "https" ? "https" : "http";
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client: budgets are keyed by the IPv4 form. */
function normalise(addr: string): string {
  return addr.startsWith("::ffff:") && addr.includes(".") ? addr.slice("::ffff:".length) : addr;
}
