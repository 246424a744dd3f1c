/**
 * Parley's entry point: reads the environment, starts Next + Socket.IO + the database on one
 * port, and shuts down gracefully on SIGTERM / SIGINT.
 */
import { loadEnvFile, parseEnv, settingsFromEnv } from "./config/env";
import { parseAllowedOrigins } from "./security/origin";
import { DEFAULT_HEARTBEAT } from "./app";
import { createLogger } from "./logger";
import { guardProcess } from "./process-guards";
import { startParley } from "./server";

// A .env file beside where the server starts, if there is one; the real environment wins.
const fromFile = loadEnvFile();
const env = (() => {
  try {
    return parseEnv();
  } catch (err) {
    // Before the logger: the message names each variable at fault.
    console.error((err as Error).message);
    process.exit(1);
  }
})();
const log = createLogger(env.LOG_LEVEL, undefined, { pretty: env.NODE_ENV === "development" });
if (fromFile.length > 0) log.info({ variables: fromFile }, "read .env");

const parley = await startParley({
  port: env.PORT,
  host: env.HOST,
  databaseUrl: env.DATABASE_URL,
  migrate: env.MIGRATE_ON_START === "true",
  listenSockets: env.LISTEN_SOCKETS,
  ui: { dev: env.NODE_ENV === "development" },
  heartbeat: {
    pingInterval: env.PING_INTERVAL_MS ?? DEFAULT_HEARTBEAT.pingInterval,
    pingTimeout: env.PING_TIMEOUT_MS ?? DEFAULT_HEARTBEAT.pingTimeout,
  },
  recoveryWindowMs: env.RECOVERY_WINDOW_MS,
  authSecret: env.BETTER_AUTH_SECRET,
  publicUrl: env.PUBLIC_URL,
  vapid: { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY },
  ...(env.PUSH_ALLOWED_HOSTS ? { pushEndpoints: { hosts: env.PUSH_ALLOWED_HOSTS } } : {}),
  redisUrl: env.REDIS_URL,
  redisPrefix: env.REDIS_PREFIX,
  drainTimeoutMs: env.DRAIN_TIMEOUT_MS,
  compression: env.COMPRESSION === "deflate",
  guestDirectMessages: env.GUEST_DIRECT_MESSAGES === "on",
  adminUsernames: env.ADMIN_USERNAMES,
  firstAccountAdmin: env.FIRST_ACCOUNT_ADMIN === "true",
  settings: settingsFromEnv(env),
  files: {
    dir: env.FILES_DIR,
    policy: {
      fileBytes: Math.round(env.FILE_MAX_MB * 1024 * 1024),
      filesPerMessage: env.FILES_PER_MESSAGE,
      quotaBytes: Math.round(env.FILE_QUOTA_MB * 1024 * 1024),
      guestUploads: env.GUEST_UPLOADS === "on",
    },
    uploadsPerMinute: env.FILE_UPLOADS_PER_MINUTE,
    imagePixels: Math.round(env.IMAGE_MAX_MEGAPIXELS * 1_000_000),
    orphanMs: env.FILE_ORPHAN_HOURS * 3600_000,
  },
  ...(env.METRICS_PORT !== undefined ? { metrics: { port: env.METRICS_PORT, host: env.METRICS_HOST } } : {}),
  security: {
    allowedOrigins: parseAllowedOrigins(env.ALLOWED_ORIGINS),
    trustProxy: env.TRUST_PROXY,
    rateLimitScale: env.RATE_LIMIT_SCALE,
  },
  log,
}).catch((err: unknown) => {
  log.error({ err }, "Parley failed to start");
  process.exit(1);
});

log.info({ url: parley.url, mode: env.NODE_ENV, ...(parley.metricsUrl ? { metrics: parley.metricsUrl } : {}) }, `Parley is ready on ${parley.url}`);

// Draining (DRAIN_TIMEOUT_MS) plus closing the database and Redis.
const SHUTDOWN_GRACE_MS = env.DRAIN_TIMEOUT_MS + 5_000;
let stopping = false;
let exitCode: 0 | 1 = 0;
/** The graceful stop, bounded: exits 0 after a clean stop on a signal, 1 otherwise (an uncaught exception, even one while stopping). */
function shutdown(reason: string, code: 0 | 1): void {
  if (code === 1) exitCode = 1;
  if (stopping) return;
  stopping = true;
  log.info({ reason }, "shutting down");
  const force = setTimeout(() => {
    log.error({}, "graceful shutdown timed out; exiting");
    process.exit(1);
  }, SHUTDOWN_GRACE_MS);
  force.unref();
  parley.close().then(
    () => process.exit(exitCode),
    (err: unknown) => {
      log.error({ err }, "error during shutdown");
      process.exit(1);
    },
  );
}
for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => shutdown(signal, 0));
guardProcess(process, { log, countRejection: () => parley.metrics.unhandledRejections.inc(), shutdown: (reason) => shutdown(reason, 1) });
