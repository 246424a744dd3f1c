import type { IncomingMessage } from "node:http";

/**
 * Cross-site WebSocket hijacking defence: a browser always sends `Origin` on a WebSocket
 * upgrade and on cross-origin requests, and a page cannot forge it. A request whose Origin
 * is present and not allowed is refused. One without Origin is not from another site's page
 * (a bot, a script, a same-origin GET), and the session check still applies to it.
 *
 * `allowed` is the configured allowlist (ALLOWED_ORIGINS); when empty, only the server's own
 * origin (scheme + Host header) is allowed; `scheme` is the socket's, or X-Forwarded-Proto's
 * behind a trusted proxy only (SecurityPolicy.originAllowed).
 */
export function isAllowedOrigin(req: IncomingMessage, allowed: readonly string[], scheme: "http" | "https"): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowed.length > 0) return allowed.includes(origin);
  const host = req.headers.host;
  if (!host) return false;
  return origin === `${scheme}://${host}`;
}

/** Normalises ALLOWED_ORIGINS ("https://a.example, https://b.example") to a list of origins. */
export function parseAllowedOrigins(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const url = new URL(s);
      return url.origin;
    });
}
