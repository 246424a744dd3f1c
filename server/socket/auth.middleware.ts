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

/** What a tab says of itself in its handshake (`auth`): whose tab it is, when it knows. */
const expectedUser = (auth: unknown): string | undefined =>
  typeof auth === "object" && auth !== null && typeof (auth as { user?: unknown }).user === "string" ? (auth as { user: string }).user : undefined;

/**
 * `io.use` middleware: a socket is accepted only with a valid session cookie. It runs for
 * every connection, a recovered one included, so a session is never trusted blindly.
 * The user and session go into `socket.data` for every handler.
 *
 * A tab names the person it was opened for (`auth.user`): when the browser's cookie now
 * belongs to someone else (they signed in in another tab while this one waited offline),
 * the socket is refused, so that what this tab's outbox holds is never sent as the other
 * person. Scripts that name nobody are not asked.
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
      const expected = expectedUser(socket.handshake.auth);
      if (expected !== undefined && expected !== session.user.id) {
        log.info({ transport: "socket.io", outcome: "refused: another person's session" }, "connection refused");
        next(new HandshakeError({ code: "unauthorized", message: "Someone else has signed in on this browser. Sign in again: anything you wrote waits on this device until then." }));
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
