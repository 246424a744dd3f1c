import { DomainError } from "../domain/errors";
import type { UserSummary } from "../contract/model";
import type { RoomEvent } from "../contract/room-events";
import type { Connection, HubSession, RoomHub } from "../realtime/hub";
import type { SecurityPolicy } from "../security/policy";
import { HandshakeError } from "./auth.middleware";
import { encodeForSocketIo } from "./room-events.encoder";
import { activityChannel, roomChannel, type ParleySocket } from "./types";

const sessions = new WeakMap<ParleySocket, HubSession>();

/**
 * A Socket.IO socket as the hub's `Connection`. A class rather than an object of closures:
 * its methods are shared by every connection, which then costs its fields only (issue 32,
 * memory per idle connection).
 */
class SocketIoConnection implements Connection {
  readonly transport = "socket.io";
  readonly id: string;
  readonly user: UserSummary;
  constructor(
    private readonly socket: ParleySocket,
    readonly ip: string,
  ) {
    this.id = socket.id;
    this.user = socket.data.user;
  }
  subscribe(roomId: string) {
    return this.socket.join(roomChannel(roomId));
  }
  unsubscribe(roomId: string) {
    return this.socket.leave(roomChannel(roomId));
  }
  watch(roomId: string) {
    return this.socket.join(activityChannel(roomId));
  }
  unwatch(roomId: string) {
    return this.socket.leave(activityChannel(roomId));
  }
  deliver(event: RoomEvent) {
    const encoded = encodeForSocketIo(event);
    if (encoded) (this.socket.emit as (...args: unknown[]) => boolean)(...encoded);
  }
  close() {
    this.socket.disconnect(true);
  }
}

/** The hub's session of a connected socket (made by `hubSessionMiddleware`). */
export function sessionOf(socket: ParleySocket): HubSession {
  const session = sessions.get(socket);
  if (!session) throw new Error(`socket ${socket.id} has no hub session`);
  return session;
}

/**
 * `io.use` middleware, after the session check: the socket becomes a hub `Connection` and
 * takes its place under the caps on connections per user and per address, refused with
 * `too_many_connections` when one is reached. The place is given back on `disconnect`
 * (server/app.ts, `hub.close`). The client's address goes into `socket.data.ip`.
 */
export function hubSessionMiddleware(hub: RoomHub, policy: SecurityPolicy) {
  return (socket: ParleySocket, next: (err?: Error) => void) => {
    // A client that left while its session was being read is dropped by Socket.IO after
    // the middlewares without a `disconnect`: a place taken for it would never come back.
    // Nothing can close it between here and that check (no I/O runs in between).
    if (socket.conn.readyState !== "open") {
      next(new Error("the connection closed during the handshake"));
      return;
    }
    const ip = policy.clientIp(socket.request);
    socket.data.ip = ip;
    try {
      const session = hub.open(
        new SocketIoConnection(socket, ip),
        // A recovered socket (connection state recovery) still carries its rooms.
        socket.recovered ? [...socket.rooms].filter((r) => r.startsWith("room:")).map((r) => r.slice("room:".length)) : [],
      );
      sessions.set(socket, session);
      next();
    } catch (err) {
      if (err instanceof DomainError) next(new HandshakeError({ code: err.code, message: err.message }));
      else next(err as Error);
    }
  };
}
