import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createClient, type RedisClientType } from "redis";
import type { AddressInfo } from "node:net";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createApplication, type HeartbeatOptions } from "./app";
import { createBetterAuth } from "./auth/better-auth";
import { loadOrCreateAuthSecret } from "./auth/secret";
import { resolveDatabaseUrl } from "./config/database-url";
import { createHttpRoutes } from "./http/routes";
import { WsGateway, type GatewayOptions } from "./gateway/ws-gateway";
import { createLogger, type Logger } from "./logger";
import { compositeBroadcast, type RoomBroadcast } from "./realtime/broadcast";
import { SecurityPolicy, type SecurityOptions } from "./security/policy";
import { createServices } from "./services";
import { sessionChannel, type ParleyServer } from "./socket/types";
import { MemoryPresenceStore } from "./store/memory/presence.store";
import { migrateDatabase } from "./store/migrate";
import { openDatabase, prismaRepositories } from "./store/prisma";

export interface ParleyOptions {
  port?: number;
  host?: string;
  databaseUrl?: string;
  /** Serve the Next.js UI too (false in socket integration tests). */
  ui?: false | { dev: boolean };
  /** Run `prisma migrate deploy` before opening the database. */
  migrate?: boolean;
  heartbeat?: HeartbeatOptions;
  /** Socket.IO connection state recovery window (ms). */
  recoveryWindowMs?: number;
  security?: SecurityOptions;
  /** BETTER_AUTH_SECRET; generated beside the database when absent. */
  authSecret?: string;
  /** PUBLIC_URL: the address people use (https:// makes cookies Secure). */
  publicUrl?: string;
  /** permessage-deflate on Socket.IO and /ws (COMPRESSION=deflate). */
  compression?: boolean;
  /** The /ws gateway's heartbeat and auth timing. */
  gateway?: Partial<GatewayOptions>;
  /** REDIS_URL: rate limits shared through Redis (more of Parley's state follows with scale-out). */
  redisUrl?: string;
  log?: Logger;
}

export interface RunningParley {
  url: string;
  port: number;
  io: ParleyServer;
  /** Graceful stop: no new connections, sockets closed, database closed. */
  close(): Promise<void>;
}

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Starts Parley: one HTTP server carrying Next, Parley's HTTP routes and Socket.IO. */
export async function startParley(options: ParleyOptions = {}): Promise<RunningParley> {
  const log = options.log ?? createLogger();
  const host = options.host ?? "localhost";
  const databaseUrl = resolveDatabaseUrl(options.databaseUrl);
  if (options.migrate ?? true) await migrateDatabase(databaseUrl);
  const db = await openDatabase(databaseUrl);
  const betterAuth = createBetterAuth(db, {
    secret: loadOrCreateAuthSecret(databaseUrl, options.authSecret),
    baseURL: options.publicUrl ?? `http://${host}:${options.port ?? 3000}`,
  });
  const services = createServices(prismaRepositories(db), new MemoryPresenceStore(), { betterAuth, db });

  const httpServer = createServer();
  let nextHandler: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  if (options.ui) {
    if (!options.ui.dev && !fs.existsSync(path.join(projectRoot, ".next", "BUILD_ID"))) {
      throw new Error("No production build of the UI: run `npm run build` first (or `npm run dev` for development).");
    }
    const { default: next } = await import("next");
    const nextApp = next({ dev: options.ui.dev, dir: projectRoot, hostname: host, port: options.port, httpServer });
    await nextApp.prepare();
    nextHandler = nextApp.getRequestHandler();
  }

  let redis: RedisClientType | undefined;
  if (options.redisUrl) {
    redis = createClient({ url: options.redisUrl }) as RedisClientType;
    redis.on("error", (err: unknown) => log.warn({ err }, "redis error"));
    await redis.connect();
  }
  const policy = new SecurityPolicy({ ...options.security, redis });
  const broadcastTargets: RoomBroadcast[] = [];
  const io = createApplication(httpServer, {
    services,
    policy,
    log,
    broadcastTargets,
    compression: options.compression,
    heartbeat: options.heartbeat,
    recoveryWindowMs: options.recoveryWindowMs,
  });
  const gateway = new WsGateway(httpServer, {
    services,
    policy,
    log,
    broadcast: compositeBroadcast(broadcastTargets),
    options: { compression: options.compression, ...options.gateway },
  });
  broadcastTargets.push(gateway);
  const routes = createHttpRoutes({
    services,
    policy,
    log,
    checkHealth: async () => {
      await db.$queryRawUnsafe("SELECT 1");
    },
    onSignOut: (sessionId) => io.in(sessionChannel(sessionId)).disconnectSockets(true),
  });

  httpServer.on("request", (req, res) => {
    // Socket.IO answers its own path (it registers a request listener of its own).
    if (req.url?.startsWith("/socket.io/")) return;
    setSecurityHeaders(res, options.ui ? options.ui.dev : false);
    void routes(req, res).then((handled) => {
      if (handled) return;
      if (nextHandler) return nextHandler(req, res);
      res.writeHead(404, { "Content-Type": "text/plain" }).end("Not found");
    }).catch((err) => {
      log.error({ err, url: req.url }, "request failed");
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.port ?? 3000, host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // io.close() disconnects every socket and closes the HTTP server (no new connections).
      gateway.close();
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
        httpServer.closeAllConnections();
      });
      await db.$disconnect();
      await redis?.quit();
    })());

  return { url, port, io, close };
}

/**
 * Headers for every page and API answer. The CSP allows inline scripts because Next's App
 * Router inlines its bootstrap (a nonce would need per-request rendering of every page);
 * everything else is locked to this origin, and no page may be framed by another site.
 */
export function setSecurityHeaders(res: ServerResponse, dev: boolean) {
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  res.setHeader("Content-Security-Policy", csp);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
}
