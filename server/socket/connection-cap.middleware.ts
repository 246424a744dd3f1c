import type { Logger } from "../logger";
import type { SecurityPolicy } from "../security/policy";
import { HandshakeError } from "./auth.middleware";
import type { ParleySocket } from "./types";

/**
 * `io.use` middleware, after the session check: takes the socket's place under the caps on
 * sockets per user and per IP (`policy.connections`), refused with `too_many_connections`
 * when one is reached. The place is given back on `disconnect` (server/app.ts). The
 * client's address goes into `socket.data.ip` for the per-IP limits.
 */
export function connectionCapMiddleware(policy: SecurityPolicy, log: Logger) {
  return (socket: ParleySocket, next: (err?: Error) => void) => {
    // A client that left while its session was being read is dropped by Socket.IO after
    // the middlewares without a `disconnect`: a place taken for it would never come back.
    // Nothing can close it between here and that check (no I/O runs in between).
    if (socket.conn.readyState !== "open") {
      next(new Error("the connection closed during the handshake"));
      return;
    }
    const ip = policy.clientIp(socket.request);
    if (!policy.connections.acquire(socket.data.user.id, ip)) {
      log.warn({ userId: socket.data.user.id, ip, transport: "socket.io" }, "connection refused: too many open connections");
      next(new HandshakeError({ code: "too_many_connections", message: "Too many open connections. Close some tabs and try again." }));
      return;
    }
    socket.data.ip = ip;
    next();
  };
}
