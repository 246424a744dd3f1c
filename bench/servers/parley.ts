/**
 * Parley as it runs in production, minus the UI: auth at the handshake, validation, rate
 * limits (budgets scaled up so that the load is measured, not refused), persistence with
 * dedup and sequence numbers in SQLite (synchronous=FULL), presence. Prints "ready <port>".
 * Env: DATABASE_URL (a fresh file by default); REDIS_URL and REDIS_PREFIX (one node of
 * several: the Redis Streams adapter, presence and rate limits in Redis); LISTEN_SOCKETS.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { createLogger } from "../../server/logger";
import { startParley } from "../../server/server";
import { statsProbe } from "../lib/probe";

const databaseUrl = process.env.DATABASE_URL ?? `file:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parley-bench-")), "parley.db")}`;
const parley = await startParley({
  port: Number(process.env.PORT ?? 0),
  host: "127.0.0.1",
  databaseUrl,
  ui: false,
  migrate: process.env.MIGRATE !== "false",
  listenSockets: Number(process.env.LISTEN_SOCKETS ?? 1),
  recoveryWindowMs: process.env.RECOVERY_WINDOW_MS ? Number(process.env.RECOVERY_WINDOW_MS) : undefined,
  authSecret: "parley-bench-secret-0123456789abcdefghijklmnop",
  security: { rateLimitScale: 1_000_000, maxConnectionsPerUser: 100_000, maxConnectionsPerIp: 100_000 },
  ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL, redisPrefix: process.env.REDIS_PREFIX } : {}),
  log: createLogger("error"),
});
// The probe answers before Parley's own routes (it is registered first in the list).
const server = parley.io.httpServer;
const probe = statsProbe();
const listeners = server.listeners("request");
server.removeAllListeners("request");
server.on("request", (req, res) => {
  if (probe(req, res)) return;
  for (const l of listeners) (l as (...a: unknown[]) => void).call(server, req, res);
});
process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
process.once("SIGTERM", () => void parley.close().then(() => process.exit(0)));
