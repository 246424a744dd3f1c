import { parse as parseCookie } from "cookie";
import type { ErrorBody } from "../contract/errors";
import type { SessionService } from "../domain/session.service";
import { SESSION_COOKIE } from "../http/session.cookie";
import type { Logger } from "../logger";
import type { ParleySocket } from "./types";

/** The handshake's refusal, as socket.io-client's `connect_error` shows it (`err.data`). */
export class HandshakeError extends Error {
  constructor(readonly data: ErrorBody) {
    super(data.code);
  }
}

/**
 * `io.use` middleware: a socket is accepted only with a valid session cookie. Its user and
 * session go into `socket.data` for every handler.
 */
export function authMiddleware(sessions: SessionService, log: Logger) {
  return async (socket: ParleySocket, next: (err?: Error) => void) => {
    try {
      const token = parseCookie(socket.handshake.headers.cookie ?? "")[SESSION_COOKIE];
      const auth = await sessions.authenticate(token);
      if (!auth) {
        next(new HandshakeError({ code: "unauthorized", message: "Your session has ended. Pick a name to continue." }));
        return;
      }
      socket.data.user = auth.user;
      socket.data.sessionId = auth.sessionId;
      next();
    } catch (err) {
      log.error({ err }, "handshake failed");
      next(new HandshakeError({ code: "internal", message: "The server could not check your session." }));
    }
  };
}
