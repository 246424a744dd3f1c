import type { IncomingMessage } from "node:http";
import proxyaddr from "proxy-addr";
import type { TrustProxy } from "../config/trust-proxy";

// TRUST_PROXY's setting is read with the rest of the configuration (config/trust-proxy.ts).
export { parseTrustProxy, type TrustProxy } from "../config/trust-proxy";

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
