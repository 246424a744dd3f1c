import type { Server as HttpServer } from "node:http";
import { Server, type ServerOptions } from "socket.io";
import type { Logger } from "./logger";
import type { SecurityPolicy } from "./security/policy";
import type { Services } from "./services";
import { authMiddleware } from "./socket/auth.middleware";
import { ROOM_REQUESTS, type RoomHub } from "./realtime/hub";
import { hubSessionMiddleware, sessionOf } from "./socket/hub-session.middleware";
import type { PushService } from "./push/push.service";
import { registerPushHandlers } from "./socket/push.handlers";
import { socketIoFanout } from "./socket/room-events.encoder";
import { registerRoomHandlers } from "./socket/room.handlers";
import { registerTokenHandlers } from "./socket/token.handlers";
import { guardRecovery } from "./socket/recovery.guard";
import { sessionChannel, userChannel, type ParleyServer } from "./socket/types";
import { socketHandlers } from "./socket/validate";

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

/** A connection that has not completed the Socket.IO handshake (and its auth) by then is closed. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** How often connected sockets' sessions are checked again: a revoked session's sockets close within this. */
export const SESSION_SWEEP_MS = 5_000;

/**
 * How long Socket.IO keeps a dropped socket's rooms and missed packets for it to recover
 * (connection state recovery): off by default. Clients always rejoin and catch up from the
 * database, by `seq` for messages and by change cursor for edits, deletions and reactions,
 * which is what survives a restart or a longer absence anyway. Recovery replays every
 * packet missed, one by one: 1,000 clients back after 10,000 changes took 19.6 s with a
 * 2-minute window against 1.3 s without (docs/performance.md, run I), and a reconnect storm
 * of plain messages measured the same either way. RECOVERY_WINDOW_MS turns it on.
 */
export const DEFAULT_RECOVERY_WINDOW_MS = 0;

export interface ApplicationDeps {
  services: Services;
  policy: SecurityPolicy;
  log: Logger;
  heartbeat?: HeartbeatOptions;
  recoveryWindowMs?: number;
  /** The room hub: Socket.IO is one of its transports (its fan-out is added here). */
  hub: RoomHub;
  /** permessage-deflate (COMPRESSION=deflate); off by default, see docs/protocol.md "Compression". */
  compression?: boolean;
  /** The Socket.IO adapter between nodes (the Redis Streams adapter with REDIS_URL); in-process otherwise. */
  adapter?: ServerOptions["adapter"];
  /**
   * The cluster relay (server/realtime/cluster.ts) carries the hub's events to the other
   * nodes. With recovery off, Socket.IO's fan-out then stays on this node and takes the
   * relayed events, so that an event crosses Redis once. With recovery on it goes through the
   * adapter, whose stream is what a recovered socket's missed packets are read from.
   */
  relayed?: boolean;
  /** Web Push, when on. */
  push?: PushService;
}

/** Attaches Parley's Socket.IO server to an HTTP server and wires events to handlers. */
export function createApplication(httpServer: HttpServer, deps: ApplicationDeps): ParleyServer {
  const { services, policy, log } = deps;
  const heartbeat = deps.heartbeat ?? DEFAULT_HEARTBEAT;
  const recoveryWindowMs = deps.recoveryWindowMs ?? DEFAULT_RECOVERY_WINDOW_MS;
  const io: ParleyServer = new Server(httpServer, {
    ...heartbeat,
    maxHttpBufferSize: MAX_FRAME_BYTES,
    perMessageDeflate: deps.compression ? { threshold: 0 } : false,
    // 0 turns recovery off altogether: with any window, the adapter keeps every broadcast.
    ...(recoveryWindowMs > 0
      ? {
          connectionStateRecovery: {
            maxDisconnectionDuration: recoveryWindowMs,
            // A recovered socket passes the handshake middleware again: its session is re-checked.
            skipMiddlewares: false,
          },
        }
      : {}),
    serveClient: false,
    ...(deps.adapter ? { adapter: deps.adapter } : {}),
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Runs before Engine.IO creates a session, for polling and WebSocket alike: a foreign
    // Origin or a handshake flood is refused with 403 and leaves nothing behind.
    allowRequest: (req, callback) => {
      if (!policy.originAllowed(req)) {
        log.warn({ origin: req.headers.origin, ip: policy.clientIp(req) }, "refused a foreign origin");
        callback("origin not allowed", false);
        return;
      }
      const ip = policy.clientIp(req);
      void policy.limits.take("handshakePerIp", ip).then(
        (wait) => {
          if (wait !== null) log.warn({ ip, transport: "socket.io" }, "handshake refused: too many from this address");
          callback(wait === null ? null : "too many handshakes", wait === null);
        },
        () => callback("internal", false),
      );
    },
    // Leave upgrades on other paths (Next's dev HMR, later /ws) to their own listeners.
    destroyUpgrade: false,
  });

  guardRecovery(io, services, log);
  io.use(authMiddleware(services.auth, log));
  io.use(hubSessionMiddleware(deps.hub, policy));
  deps.hub.addFanout(socketIoFanout(io, { acrossNodes: !(deps.relayed && recoveryWindowMs === 0) }));

  // Every socket's handlers, made once and shared (socket/validate.ts).
  const handlers = socketHandlers(deps.hub);
  // Leaves every room's presence and gives back the place hubSessionMiddleware took.
  handlers.onLifecycle("disconnect", function () {
    return deps.hub.close(sessionOf(this));
  });
  // Every room request of the hub's capabilities, under its contract name; then Socket.IO's own.
  for (const name of ROOM_REQUESTS) handlers.hub(name);
  const ctx = { io, services, policy, handlers, hub: deps.hub, push: deps.push };
  registerRoomHandlers(ctx);
  registerTokenHandlers(ctx);
  registerPushHandlers(ctx);

  io.on("connection", (socket) => {
    void socket.join([sessionChannel(socket.data.sessionId), userChannel(socket.data.user.id)]);
    handlers.attach(socket);
    // One line per connection, when it ends: who, how it ended, how long it lasted.
    const opened = performance.now();
    socket.once("disconnect", (reason) =>
      log.info({ transport: "socket.io", connection: socket.id, userId: socket.data.user.id, ip: socket.data.ip, outcome: reason, recovered: socket.recovered || undefined, seconds: Math.round((performance.now() - opened) / 100) / 10 }, "connection closed"),
    );
  });

  // Sessions end elsewhere too (signed out on another node, revoked, expired): close their
  // sockets within SESSION_SWEEP_MS.
  const sweep = setInterval(() => {
    const ids = [...new Set([...io.of("/").sockets.values()].map((s) => s.data.sessionId))];
    void services.auth.liveSessions(ids).then(
      (live) => {
        for (const id of ids) if (!live.has(id)) io.in(sessionChannel(id)).disconnectSockets(true);
      },
      (err: unknown) => log.error({ err }, "session sweep failed"),
    );
  }, SESSION_SWEEP_MS);
  sweep.unref();
  io.engine.on("close", () => clearInterval(sweep));
  const close = io.close.bind(io);
  io.close = (fn) => {
    clearInterval(sweep);
    return close(fn);
  };

  return io;
}
