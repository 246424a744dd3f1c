import { toErrorBody } from "../domain/errors";
import type { ErrorBody } from "../contract/errors";
import type { AuthService } from "../domain/auth.service";
import type { Logger } from "../logger";
import type { ParleySocket } from "./types";

/** The handshake's refusal, as socket.io-client's `connect_error` shows it (`err.data`). */
export class HandshakeError extends Error {
  constructor(readonly data: ErrorBody) {
    super(data.code);
  }
}

/**
 * `io.use` middleware: a socket is accepted only with a valid session cookie. It runs for
 * every connection, a recovered one included, so a session is never trusted blindly.
 * The user and session go into `socket.data` for every handler.
 */
export function authMiddleware(auth: AuthService, log: Logger) {
  return async (socket: ParleySocket, next: (err?: Error) => void) => {
    try {
      const session = await auth.authenticateHandshake(socket.handshake.headers.cookie);
      if (!session) {
        log.info({ transport: "socket.io", outcome: "refused: no session" }, "connection refused");
        next(new HandshakeError({ code: "unauthorized", message: "Your session has ended. Sign in to continue." }));
        return;
      }
      socket.data.user = session.user;
      socket.data.sessionId = session.sessionId;
      next();
    } catch (err) {
      const body = toErrorBody(err, log, { stage: "handshake" });
      next(new HandshakeError(body.code === "unavailable" ? body : { code: "internal", message: "The server could not check your session." }));
    }
  };
}
