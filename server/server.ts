import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AgentOptions as HttpsAgentOptions } from "node:https";
import { createClient, type RedisClientType } from "redis";
import type { AddressInfo, Server as NetServer } from "node:net";
import fs from "node:fs";
import path from "node:path";
import { createApplication, type HeartbeatOptions } from "./app";
import { banMessage, instanceBanIn } from "./domain/moderation.service";
import { createBetterAuth } from "./auth/better-auth";
import { loadOrCreateAuthSecret } from "./auth/secret";
import { redact, resolveDatabaseUrl } from "./config/database-url";
import { projectRoot } from "./config/paths";
import { logRequest } from "./http/access-log";
import { listen } from "./http/listen";
import { serveServiceWorker } from "./http/service-worker";
import { hideAdminPageFromOthers } from "./http/admin-gate";
import { createHttpRoutes } from "./http/routes";
import { WsGateway, type GatewayOptions } from "./gateway/ws-gateway";
import { createLogger, type Logger } from "./logger";
import { clusterRelay } from "./realtime/cluster";
import { mentionPushes } from "./push/mention-pushes";
import { PushEndpointPolicy, type PushEndpointOptions } from "./push/endpoint-policy";
import { PushService } from "./push/push.service";
import { loadOrCreateVapidKeys } from "./push/vapid";
import { redisStreamsAdapter, streamRelayBus } from "./realtime/redis-adapter";
import { RoomHub } from "./realtime/hub";
import { startPurges, type PurgeRunner } from "./realtime/hub/purges";
import type { SettingsFromEnv } from "./domain/settings.service";
import { SecurityPolicy, type SecurityOptions } from "./security/policy";
import { createServices, type Services } from "./services";
import { sessionChannel, userChannel, type ParleyServer } from "./socket/types";
import { MemoryPresenceStore } from "./store/memory/presence.store";
import { MemoryTypingStore } from "./store/memory/typing.store";
import { RedisPresenceStore, type RedisPresenceOptions } from "./store/redis/presence.store";
import { RedisTypingStore } from "./store/redis/typing.store";
import { migrateDatabase } from "./store/migrate";
import { meteredMessages } from "./metrics/metered-messages";
import { ParleyMetrics, serveMetrics, type MetricsEndpoint } from "./metrics/metrics";
import { openStore } from "./store/open-store";
import { SharpUploadProcessor } from "./files/processor";
import { DEFAULT_FILE_POLICY, type FilePolicy } from "./domain/file.service";
import { FILE_LIMIT_DEFAULTS } from "./contract/files";
import type { PushSubscriptionRepository } from "./store/ports";

export interface ParleyOptions {
  port?: number;
  host?: string;
  databaseUrl?: string;
  /** Serve the Next.js UI too (false in socket integration tests). */
  ui?: false | { dev: boolean };
  /** Run `prisma migrate deploy` before opening the database. */
  migrate?: boolean;
  /** LISTEN_SOCKETS: listening sockets on the port (server/http/listen.ts); 1 by default. */
  listenSockets?: number;
  heartbeat?: HeartbeatOptions;
  /** Socket.IO connection state recovery window (ms). */
  recoveryWindowMs?: number;
  security?: SecurityOptions;
  /** BETTER_AUTH_SECRET; generated beside the database when absent. */
  authSecret?: string;
  /** PUBLIC_URL: the address people use (https:// makes cookies Secure). */
  publicUrl?: string;
  /**
   * VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY for Web Push; generated beside the SQLite file when
   * absent. On PostgreSQL without them, Web Push is off (the nodes must share one pair).
   */
  vapid?: { publicKey?: string; privateKey?: string };
  /** Where Web Push may send (PUSH_ALLOWED_HOSTS; tests: their own push service on 127.0.0.1). */
  pushEndpoints?: PushEndpointOptions;
  /** Web Push's TLS settings (tests: a local push service with a certificate of its own). */
  pushTls?: Pick<HttpsAgentOptions, "rejectUnauthorized">;
  /** How long pushes per recipient and room are gathered (tests shorten it). */
  pushCoalesceMs?: number;
  /** GUEST_DIRECT_MESSAGES: whether guests may send and receive direct messages (default true). */
  guestDirectMessages?: boolean;
  /** ADMIN_USERNAMES: accounts that are administrators, beside the first account created. */
  adminUsernames?: readonly string[];
  /** FIRST_ACCOUNT_ADMIN: whether the first account created becomes an administrator (default true). */
  firstAccountAdmin?: boolean;
  /** GUEST_ACCESS, GUEST_IDLE_DAYS: settings the environment locks (they win over /admin's). */
  settings?: SettingsFromEnv;
  /** permessage-deflate on Socket.IO and /ws (COMPRESSION=deflate). */
  compression?: boolean;
  /** The /ws gateway's heartbeat and auth timing. */
  gateway?: Partial<GatewayOptions>;
  /**
   * REDIS_URL: run as one of several nodes. Socket.IO's broadcasts, the gateway's and
   * connection state recovery go through the Redis Streams adapter; presence, typing and
   * rate limits are kept in Redis.
   */
  redisUrl?: string;
  /** REDIS_PREFIX: the prefix of every Redis key and stream (several deployments on one Redis). */
  redisPrefix?: string;
  /** Shared presence's timing (tests shorten it). */
  presence?: Partial<RedisPresenceOptions>;
  /** How long a draining node waits for its clients to leave before closing anyway. */
  drainTimeoutMs?: number;
  /** How often the node looks for removal tasks filed elsewhere (tests shorten it; default 10 s). */
  purgeEveryMs?: number;
  /** Files: where they go on SQLite (FILES_DIR), the limits, the orphan sweep. */
  files?: FileOptions;
  /**
   * METRICS_PORT / METRICS_HOST: Prometheus metrics on a port of their own (never the public
   * one), with the process and Node metrics. Unset: nothing is served (counting goes on).
   */
  metrics?: { port: number; host?: string };
  log?: Logger;
}

export interface FileOptions {
  /** FILES_DIR: on SQLite, where file bytes go (default: `files/` beside the database). */
  dir?: string;
  policy?: Partial<FilePolicy>;
  /** Uploads per user per minute (FILE_UPLOADS_PER_MINUTE). */
  uploadsPerMinute?: number;
  /** Largest image decoded for a thumbnail, in pixels (IMAGE_MAX_PIXELS). */
  imagePixels?: number;
  /** Uploads no message took are removed after this long (FILE_ORPHAN_HOURS), and deleted files at the next sweep. */
  orphanMs?: number;
  /** How often the sweep runs. */
  sweepEveryMs?: number;
}

export interface RunningParley {
  url: string;
  port: number;
  io: ParleyServer;
  /** The domain (tests call it directly: the file sweep). */
  services: Services;
  /** The metrics endpoint's address, when METRICS_PORT is set. */
  metricsUrl?: string;
  /** This node's metrics (the entry point counts the rejections nobody handled). */
  metrics: ParleyMetrics;
  /**
   * Graceful stop (SIGTERM): /readyz turns 503, no new connections are taken, bots and
   * browsers are closed in a way that makes them reconnect (to another node, behind a load
   * balancer, which recovers their state there), then the database and Redis are closed.
   */
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for one shutdown step at most `ms`; says so (and returns false) when it gives up. */
export async function bounded(log: Logger, step: string, work: Promise<unknown>, ms = 3000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = await Promise.race([work.then(() => true as const, () => true as const), gaveUp]);
  clearTimeout(timer);
  if (!done) log.warn({ step, ms }, "shutdown step did not finish in time; going on without it");
  return done;
}


/**
 * Starts Parley: one HTTP server carrying Next, Parley's HTTP routes, Socket.IO and `/ws`,
 * in four named steps: the infrastructure (database, Redis, the live stores, the services),
 * the realtime side (the hub and its transports), HTTP (routes, readiness, the UI), and the
 * drain that `close` runs. Each step takes what the steps before it made; nothing is bound
 * late. A step that fails closes what the steps before it opened.
 */
export async function startParley(options: ParleyOptions = {}): Promise<RunningParley> {
  const log = options.log ?? createLogger();
  const host = options.host ?? "localhost";
  const metrics = new ParleyMetrics({ defaults: options.metrics !== undefined });
  const infrastructure = await openInfrastructure(options, host, metrics, log);
  let endpoint: MetricsEndpoint | undefined;
  let extraListeners: NetServer[] = [];
  try {
    const httpServer = createServer();
    const nextHandler = await prepareUi(options, host, httpServer);
    const realtime = startRealtime(httpServer, infrastructure, options, log);
    const lifecycle = { draining: false };
    serveHttp(httpServer, infrastructure, realtime, nextHandler, lifecycle, options, log);
    extraListeners = await listen(httpServer, { port: options.port ?? 3000, host, sockets: options.listenSockets ?? 1, log });
    const { port } = httpServer.address() as AddressInfo;
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    if (options.metrics) endpoint = await serveMetrics(metrics, options.metrics.port, options.metrics.host);
    const served = endpoint;
    let closing: Promise<void> | undefined;
    const close = () => (closing ??= drain(httpServer, extraListeners, infrastructure, realtime, lifecycle, options, log).finally(() => served?.close()));
    return { url, port, io: realtime.io, services: infrastructure.services, metrics, close, ...(served ? { metricsUrl: served.url } : {}) };
  } catch (err) {
    for (const listener of extraListeners) listener.close();
    await endpoint?.close();
    await closeInfrastructure(infrastructure, log);
    throw err;
  }
}

/** What the later steps run on: the database's store, Redis, the live stores, the policy and services, Web Push. */
interface Infrastructure {
  store: Awaited<ReturnType<typeof openStore>>;
  /** Parley's own Redis connection (rate limits, presence, typing), failing fast; and the adapter's. */
  redis?: RedisClientType;
  adapterRedis?: RedisClientType;
  redisPrefix: string;
  presence: MemoryPresenceStore | RedisPresenceStore;
  policy: SecurityPolicy;
  services: Services;
  push?: PushService;
  fileSweep?: NodeJS.Timeout;
  images?: SharpUploadProcessor;
  metrics: ParleyMetrics;
}

/** Step 1: the database (migrated, opened), Better Auth on it, Redis when configured, the live stores, the services. */
async function openInfrastructure(options: ParleyOptions, host: string, metrics: ParleyMetrics, log: Logger): Promise<Infrastructure> {
  const databaseUrl = resolveDatabaseUrl(options.databaseUrl);
  if (options.migrate ?? true) await migrateDatabase(databaseUrl);
  const store = await openStore(databaseUrl, {
    filesDir: options.files?.dir,
    onCommit: (writes) => metrics.sqliteBatchSize.observe(writes),
    onSearchIndex: (step) => {
      metrics.sqliteSearchIndexSeconds.observe(step.ms / 1000);
      if ("messages" in step) return metrics.sqliteSearchIndexed.inc(step.messages);
      metrics.sqliteSearchIndexFailures.inc();
      if (step.merge) log.warn({ err: step.error }, "search index merge failed; it is tried again after the next step");
      else log.warn({ err: step.error }, "search index upkeep failed; its messages stay noted and are tried again");
    },
  });
  // Every message and change stored through this node is counted and timed.
  const repositories = { ...store.repositories, messages: meteredMessages(store.repositories.messages, metrics) };
  const betterAuth = createBetterAuth(store.authDatabase, {
    secret: loadOrCreateAuthSecret(databaseUrl, options.authSecret),
    baseURL: options.publicUrl ?? `http://${host}:${options.port ?? 3000}`,
    // A banned account gets no new session (its open ones ended with the ban).
    refuseSession: async (userId) => {
      const ban = instanceBanIn(await repositories.sanctions.inForce(userId, null, new Date()));
      return ban ? banMessage(ban) : null;
    },
  });
  const redisPrefix = options.redisPrefix ?? "parley";
  const clients = options.redisUrl ? await connectRedis(options.redisUrl, metrics, log).catch(async (err: unknown) => {
    await store.close();
    throw err;
  }) : undefined;
  const redis = clients?.redis;
  const presence = redis ? new RedisPresenceStore(redis, { log, keyPrefix: redisPrefix, options: options.presence }).start() : new MemoryPresenceStore();
  const typing = redis ? new RedisTypingStore(redis, log, redisPrefix) : new MemoryTypingStore();
  const policy = new SecurityPolicy({ ...options.security, redis, redisPrefix, onRateLimited: (budget) => metrics.rateLimited(budget), ...(options.files?.uploadsPerMinute ? { uploadsPerMinute: options.files.uploadsPerMinute } : {}) });
  const images = new SharpUploadProcessor({ imagePixels: options.files?.imagePixels ?? FILE_LIMIT_DEFAULTS.imagePixels });
  const services = createServices(repositories, { presence, typing }, { betterAuth, sessions: repositories.sessions, tokens: repositories.tokens }, {
    guestDirectMessages: options.guestDirectMessages ?? true,
    adminUsernames: options.adminUsernames ?? [],
    firstAccountAdmin: options.firstAccountAdmin ?? true,
    settings: options.settings ?? {},
    beforeNewDirect: (user) => policy.beforeDirectStart(user),
    files: {
      bytes: repositories.fileBytes,
      processor: images,
      policy: { ...DEFAULT_FILE_POLICY, ...options.files?.policy },
    },
  });
  const promoted = await services.roles.promoteNamed();
  if (promoted > 0) log.info({ promoted }, "ADMIN_USERNAMES: accounts made administrators");
  const push = openPush(databaseUrl, options, repositories.pushSubscriptions, metrics, log);
  // Files no message took, and those of deleted messages, are removed now and then.
  const orphanMs = options.files?.orphanMs ?? 24 * 3600_000;
  // And addresses seen more than SEEN_ADDRESS_DAYS ago are forgotten, with the holds that ended.
  const sweepFiles = () => {
    void services.files.sweep(orphanMs).then(
      (swept) => (swept.files + swept.strays > 0 ? log.info(swept, "files swept") : undefined),
      (err: unknown) => log.warn({ err }, "file sweep failed"),
    );
    void services.addresses.forgetOld().then(
      (forgotten) => (forgotten > 0 ? log.info({ forgotten }, "old addresses forgotten") : undefined),
      (err: unknown) => log.warn({ err }, "address sweep failed"),
    );
    // And guests idle longer than the setting says are anonymised (GUEST_IDLE_DAYS, /admin).
    void services.settings.pruneGuests(null).then(
      ({ pruned }) => (pruned > 0 ? log.info({ pruned }, "idle guests anonymised") : undefined),
      (err: unknown) => log.warn({ err }, "idle guest sweep failed"),
    );
  };
  const fileSweep = setInterval(sweepFiles, options.files?.sweepEveryMs ?? 3600_000);
  fileSweep.unref();
  return { store, redis, adapterRedis: clients?.adapterRedis, redisPrefix, presence, policy, services, push, fileSweep, images, metrics };
}

/**
 * Scale-out: two Redis connections. The adapter's keeps node-redis's offline queue
 * (realtime/redis-adapter.ts); Parley's own (rate limits, presence, typing) fails fast
 * instead, so that nothing waits on it.
 */
async function connectRedis(url: string, metrics: ParleyMetrics, log: Logger): Promise<{ redis: RedisClientType; adapterRedis: RedisClientType }> {
  const where = redact(url);
  const redis = createClient({ url, disableOfflineQueue: true }) as RedisClientType;
  const adapterRedis = createClient({ url }) as RedisClientType;
  for (const client of [redis, adapterRedis]) {
    client.on("error", (err: unknown) => {
      metrics.dependencyError("redis");
      log.warn({ err, redis: where }, "redis error");
    });
    await client.connect().catch((err: unknown) => {
      void redis.destroy();
      void adapterRedis.destroy();
      throw new Error(`cannot reach Redis at ${where}: ${(err as Error).message}`);
    });
  }
  return { redis, adapterRedis };
}

/** Closes what step 1 opened, each step bounded (a start that failed later, and the end of the drain). */
async function closeInfrastructure(infrastructure: Infrastructure, log: Logger): Promise<void> {
  const { presence, push, store, redis, adapterRedis, fileSweep, images } = infrastructure;
  clearInterval(fileSweep);
  images?.close();
  if (presence instanceof RedisPresenceStore) presence.stop();
  push?.close();
  await bounded(log, "database", store.close());
  // close() lets queued commands (a leaver's presence removal) finish; a command queued
  // while Redis was away can keep it waiting for ever, so it is bounded too. The client
  // stops reconnecting either way, and the process exits after this.
  await Promise.all([redis, adapterRedis].map((client) => client && bounded(log, "Redis", client.close())));
}

/** The Next.js request handler, prepared (a production build must exist), or none without the UI. */
async function prepareUi(options: ParleyOptions, host: string, httpServer: HttpServer): Promise<RequestHandler | undefined> {
  if (!options.ui) return undefined;
  if (!options.ui.dev && !fs.existsSync(path.join(projectRoot, ".next", "BUILD_ID"))) {
    throw new Error("No production build of the UI: run `npm run build` first (or `npm run dev` for development).");
  }
  const { default: next } = await import("next");
  const nextApp = next({ dev: options.ui.dev, dir: projectRoot, hostname: host, port: options.port, httpServer });
  await nextApp.prepare();
  const handle = nextApp.getRequestHandler();
  // Which build a page is of: the service worker (app/sw.ts) keeps only its own build's pages.
  const build = options.ui.dev ? "dev" : fs.readFileSync(path.join(projectRoot, ".next", "BUILD_ID"), "utf8").trim();
  return (req, res) => {
    res.setHeader("X-Parley-Build", build);
    return handle(req, res);
  };
}

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

interface Realtime {
  hub: RoomHub;
  /** Removal tasks (all of someone's messages) this node takes. */
  purges: PurgeRunner;
  io: ParleyServer;
  gateway: WsGateway;
}

/**
 * Step 2: one room hub; Socket.IO and `/ws` are its transports and add their fan-outs to
 * it; Web Push hears what it stores; several nodes relay the gateway's events and every
 * revocation to each other.
 */
function startRealtime(httpServer: HttpServer, infrastructure: Infrastructure, options: ParleyOptions, log: Logger): Realtime {
  const { services, policy, push, adapterRedis, redisPrefix, metrics } = infrastructure;
  const hub = new RoomHub({ services, policy, log, metrics });
  const io = createApplication(httpServer, {
    services,
    policy,
    log,
    hub,
    compression: options.compression,
    heartbeat: options.heartbeat,
    recoveryWindowMs: options.recoveryWindowMs,
    adapter: adapterRedis ? redisStreamsAdapter(adapterRedis, redisPrefix, log) : undefined,
    relayed: Boolean(adapterRedis),
    push,
  });
  // Mentions of people with no tab open anywhere (the adapter asks every node) go by Web Push.
  if (push) mentionPushes({ hub, push, services, log, connected: async (userId) => (await io.in(userChannel(userId)).fetchSockets()).length > 0 });
  const gateway = new WsGateway(httpServer, { services, policy, log, hub, options: { compression: options.compression, ...options.gateway } });
  if (adapterRedis) clusterRelay(streamRelayBus(io.of("/").adapter), hub, log);
  metrics.countConnections("socket.io", () => io.engine.clientsCount);
  metrics.countConnections("ws", () => gateway.size);
  const purges = startPurges(hub, { everyMs: options.purgeEveryMs });
  hub.onPurgeFiled(() => purges.poke());
  return { hub, io, gateway, purges };
}

/**
 * Step 3: Parley's HTTP routes (auth, health, readiness, push), then the UI; Socket.IO
 * answers its own path. Readiness fails while the node drains or a dependency does not answer.
 */
function serveHttp(
  httpServer: HttpServer,
  infrastructure: Infrastructure,
  { io }: Realtime,
  nextHandler: RequestHandler | undefined,
  lifecycle: { draining: boolean },
  options: ParleyOptions,
  log: Logger,
): void {
  const { services, policy, store, redis, metrics } = infrastructure;
  const timed = <T>(p: Promise<T>, ms = 2000) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
  const routes = createHttpRoutes({
    services,
    policy,
    log,
    checkReadiness: async () => {
      const checks: Record<string, string> = {};
      const probe = async (name: "database" | "redis", fn: () => Promise<unknown>) => {
        // Anyone may ask: they learn "failed", the log keeps the reason.
        checks[name] = await timed(fn()).then(
          () => "ok",
          (err: unknown) => {
            metrics.dependencyError(name);
            log.warn({ err, check: name }, "readiness check failed");
            return "failed";
          },
        );
      };
      await Promise.all([probe("database", () => store.ping()), ...(redis ? [probe("redis", () => redis.ping())] : [])]);
      if (lifecycle.draining) checks.node = "draining";
      return { ready: !lifecycle.draining && Object.values(checks).every((c) => c === "ok"), checks };
    },
    onSignOut: (sessionId) => io.in(sessionChannel(sessionId)).disconnectSockets(true),
    // This node's sockets of the guest session move to the account's; another node's are
    // closed by its session sweep, and their browser reconnects with the new cookie.
    onSessionRotated: (from, to) => {
      for (const socket of io.of("/").sockets.values()) {
        if (socket.data.sessionId !== from) continue;
        socket.data.sessionId = to;
        void socket.leave(sessionChannel(from));
        void socket.join(sessionChannel(to));
      }
    },
  });

  httpServer.on("request", (req, res) => {
    logRequest(req, res, log);
    // Socket.IO answers its own path (it registers a request listener of its own).
    if (req.url?.startsWith("/socket.io/")) return;
    setSecurityHeaders(res, options.ui ? options.ui.dev : false);
    const servedWorker = nextHandler && (req.method === "GET" || req.method === "HEAD") && req.url === "/sw.js" ? serveServiceWorker(req, res, projectRoot, process.env.PARLEY_SW_REVISION) : Promise.resolve(false);
    void servedWorker
      .then((served) => served || routes(req, res))
      .then(async (handled) => {
        if (handled) return;
        if (nextHandler) {
          await hideAdminPageFromOthers(req, services);
          return nextHandler(req, res);
        }
        res.writeHead(404, { "Content-Type": "text/plain" }).end("Not found");
      })
      .catch((err) => {
        log.error({ err, url: req.url }, "request failed");
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
}

/**
 * Step 4, the drain (SIGTERM): a load balancer sees /readyz fail, and this node takes no new
 * connection. Bots are told to come back (1012 "service restart"); browsers' transports are
 * closed, which socket.io-client treats as a dropped connection: it reconnects, with its
 * state recoverable on any node (Redis Streams adapter). Each leaves presence here while the
 * adapter can still tell the other nodes. Then everything closes, each step bounded: a
 * dependency that does not answer (Redis reconnecting, a database connection held by a stuck
 * query) must not keep a draining node alive.
 */
async function drain(httpServer: HttpServer, extraListeners: NetServer[], infrastructure: Infrastructure, { io, gateway, purges }: Realtime, lifecycle: { draining: boolean }, options: ParleyOptions, log: Logger): Promise<void> {
  lifecycle.draining = true;
  for (const listener of extraListeners) listener.close();
  // A removal task stops after its batch under way (stored); it resumes on another node or at the next start.
  const purgesStopped = purges.stop();
  httpServer.close();
  httpServer.closeIdleConnections();
  gateway.close(1012, "service restart: reconnect");
  for (const socket of io.of("/").sockets.values()) socket.conn.close();
  const deadline = Date.now() + (options.drainTimeoutMs ?? 5000);
  while ((io.engine.clientsCount > 0 || gateway.size > 0) && Date.now() < deadline) await sleep(50);
  await sleep(200); // the leavers' presence updates, started on disconnect, finish
  await bounded(log, "message removal", purgesStopped);
  if (infrastructure.presence instanceof RedisPresenceStore) infrastructure.presence.stop();
  // io.close() disconnects whatever is left, closes the adapter and the HTTP server.
  await bounded(log, "Socket.IO", new Promise<void>((resolve) => {
    void io.close(() => resolve());
    httpServer.closeAllConnections();
  }));
  await closeInfrastructure(infrastructure, log);
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

/** Web Push, with its VAPID keys; none on PostgreSQL without them (said once in the log). */
function openPush(databaseUrl: string, options: ParleyOptions, subscriptions: PushSubscriptionRepository, metrics: ParleyMetrics, log: Logger): PushService | undefined {
  try {
    const keys = loadOrCreateVapidKeys(databaseUrl, options.vapid);
    return new PushService(subscriptions, keys, log, { subject: options.publicUrl, endpoints: new PushEndpointPolicy(options.pushEndpoints, options.pushTls), coalesceMs: options.pushCoalesceMs,
      onOutcome: (outcome) => {
        metrics.pushSent(outcome);
        if (outcome === "failed") metrics.dependencyError("push");
      },
    });
  } catch (err) {
    log.warn({ err }, "Web Push is off");
    return undefined;
  }
}
