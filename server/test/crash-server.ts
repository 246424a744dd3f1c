/**
 * A Parley node (no UI) in a process of its own, for tests that kill it with SIGKILL
 * (`node-process.ts`). Env: PORT, DATABASE_URL; for the multi-node tests REDIS_URL,
 * REDIS_PREFIX, PRESENCE_TTL_MS, PRESENCE_SWEEP_MS, RECOVERY_WINDOW_MS. Prints "ready" when it accepts connections.
 */
import { createLogger } from "../logger";
import { startParley } from "../server";
import { TEST_AUTH_SECRET } from "./harness";

const ms = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
const ttlMs = ms("PRESENCE_TTL_MS");

const parley = await startParley({
  port: Number(process.env.PORT),
  host: "127.0.0.1",
  databaseUrl: process.env.DATABASE_URL,
  ui: false,
  migrate: false,
  authSecret: TEST_AUTH_SECRET,
  security: { rateLimitScale: 1000, trustProxy: true },
  redisUrl: process.env.REDIS_URL,
  redisPrefix: process.env.REDIS_PREFIX,
  recoveryWindowMs: ms("RECOVERY_WINDOW_MS"),
  presence: ttlMs ? { ttlMs, renewMs: Math.ceil(ttlMs / 3), sweepMs: ms("PRESENCE_SWEEP_MS") ?? ttlMs } : undefined,
  log: createLogger((process.env.LOG_LEVEL as "silent" | undefined) ?? "silent"),
});
process.stdout.write(`ready ${parley.url}\n`);
process.once("SIGTERM", () => void parley.close().then(() => process.exit(0)));
