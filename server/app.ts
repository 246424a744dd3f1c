import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import type { Logger } from "./logger";
import type { Services } from "./services";
import { authMiddleware } from "./socket/auth.middleware";
import { registerMessageHandlers } from "./socket/message.handlers";
import { registerRoomHandlers } from "./socket/room.handlers";
import { registerTypingHandlers } from "./socket/typing.handlers";
import { sessionChannel, type ParleyServer } from "./socket/types";

export interface HeartbeatOptions {
  /** How often the server pings each client. */
  pingInterval: number;
  /** How long a client has to answer before it is dropped. */
  pingTimeout: number;
}

/**
 * Heartbeat: a peer that vanishes without closing (laptop lid, dead Wi-Fi) is noticed at
 * most pingInterval + pingTimeout = 20 s after its last sign of life, and leaves presence
 * then. Socket.IO's defaults (25 s + 20 s) would keep a ghost listed for up to 45 s.
 */
export const DEFAULT_HEARTBEAT: HeartbeatOptions = { pingInterval: 10_000, pingTimeout: 10_000 };

/** Largest frame a client may send: a 4,000-character message is at most 16 KB of UTF-8. */
export const MAX_FRAME_BYTES = 64 * 1024;

/**
 * How long Socket.IO keeps a dropped socket's rooms and missed packets for it to recover
 * (connection state recovery). A fast path only: clients always rejoin and catch up from the
 * database by seq, which is what survives a restart or a longer absence.
 */
export const DEFAULT_RECOVERY_WINDOW_MS = 2 * 60_000;

export interface ApplicationDeps {
  services: Services;
  log: Logger;
  heartbeat?: HeartbeatOptions;
  recoveryWindowMs?: number;
}

/** Attaches Parley's Socket.IO server to an HTTP server and wires events to handlers. */
export function createApplication(httpServer: HttpServer, deps: ApplicationDeps): ParleyServer {
  const { services, log } = deps;
  const heartbeat = deps.heartbeat ?? DEFAULT_HEARTBEAT;
  const io: ParleyServer = new Server(httpServer, {
    ...heartbeat,
    maxHttpBufferSize: MAX_FRAME_BYTES,
    connectionStateRecovery: {
      maxDisconnectionDuration: deps.recoveryWindowMs ?? DEFAULT_RECOVERY_WINDOW_MS,
      // A recovered socket passes the handshake middleware again: its session is re-checked.
      skipMiddlewares: false,
    },
    serveClient: false,
    // Leave upgrades on other paths (Next's dev HMR, later /ws) to their own listeners.
    destroyUpgrade: false,
  });

  io.use(authMiddleware(services.sessions, log));

  io.on("connection", (socket) => {
    void socket.join(sessionChannel(socket.data.sessionId));
    registerRoomHandlers(io, socket, services, log);
    registerMessageHandlers(io, socket, services, log);
    registerTypingHandlers(socket, log);
  });

  return io;
}
