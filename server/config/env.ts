import fs from "node:fs";
import path from "node:path";
import { parseEnv as parseDotEnv } from "node:util";
import { z } from "zod";
import { parseTrustProxy } from "./trust-proxy";

/** Environment variables, parsed once at start-up; a bad value stops the server with a clear message. */
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("localhost"),
  /** file:./data/parley.db (SQLite, the default) or postgres://… (PostgreSQL, for several nodes). */
  DATABASE_URL: z.string().optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /** Heartbeat, in ms; see server/app.ts for why the defaults are what they are. */
  PING_INTERVAL_MS: z.coerce.number().int().positive().optional(),
  PING_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
  /** Socket.IO connection state recovery window, in ms (0 turns it off). */
  RECOVERY_WINDOW_MS: z.coerce.number().int().nonnegative().optional(),
  /** Comma-separated origins allowed to open sockets and post to the API; empty: same origin. */
  ALLOWED_ORIGINS: z.string().optional(),
  /**
   * Which proxies may report client addresses: `false`, `true` (one hop), a hop count, or
   * addresses/CIDRs (`loopback, 10.0.0.0/8`). See security/trust-proxy.ts and docs/deploy.md.
   */
  TRUST_PROXY: z
    .string()
    .default("false")
    .transform((raw, ctx) => {
      try {
        return parseTrustProxy(raw);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** Signs session cookies (32+ characters); generated beside the database when absent. */
  BETTER_AUTH_SECRET: z.string().optional(),
  /** The address people use, e.g. https://chat.example.org (https makes cookies Secure). */
  PUBLIC_URL: z.url().optional(),
  /** Web Push's VAPID key pair (npx web-push generate-vapid-keys); generated beside the SQLite file when absent. */
  VAPID_PUBLIC_KEY: z.string().optional(),
  VAPID_PRIVATE_KEY: z.string().optional(),
  /**
   * Where Web Push may send: comma-separated host names, `*.domain` for subdomains. Default:
   * the browsers' push services (server/push/endpoint-policy.ts).
   */
  PUSH_ALLOWED_HOSTS: z
    .string()
    .optional()
    .transform((raw) => raw?.split(",").map((h) => h.trim()).filter((h) => h.length > 0)),
  /** redis://host:port: run as one of several nodes (adapter, presence, typing, rate limits in Redis). Unset: one process. */
  REDIS_URL: z.string().optional(),
  /** Prefix of every Redis key and stream, for several deployments on one Redis. */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits and _ . : - only").default("parley"),
  /**
   * Apply pending migrations at start (`prisma migrate deploy`). With several nodes, run
   * `npm run db:migrate` once per release instead and set this to false on the nodes.
   */
  MIGRATE_ON_START: z.enum(["true", "false"]).default("true"),
  /**
   * Listening sockets on PORT (Node 22.12+; server/http/listen.ts): a node busy with a
   * restart's reconnects accepts one connection per socket per turn of its event loop. More
   * than 1 lets another process of the same user bind PORT too instead of failing.
   */
  LISTEN_SOCKETS: z.coerce.number().int().min(1).max(64).default(1),
  /** How long a draining node (SIGTERM) waits for its clients to leave, in ms. */
  DRAIN_TIMEOUT_MS: z.coerce.number().int().nonnegative().default(5000),
  /** permessage-deflate on Socket.IO and /ws: saves ~76 % of bytes for ~225 KiB and ~7x CPU per connection. */
  COMPRESSION: z.enum(["off", "deflate"]).default("off"),
  /** Usernames (comma-separated) whose accounts are administrators, beside the first account created. */
  ADMIN_USERNAMES: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((u) => u.trim().toLowerCase()).filter(Boolean)),
  /**
   * "false": the first account created is not made an administrator (administrators come from
   * ADMIN_USERNAMES only), e.g. where strangers may sign up before the operator does.
   */
  FIRST_ACCOUNT_ADMIN: z.enum(["true", "false"]).default("true"),
  /**
   * Who may come in without an account: "open", "read-only" (guests read, cannot write) or
   * "off" (no new guests). Given here, it wins over /admin's setting, which shows it locked.
   */
  GUEST_ACCESS: z.enum(["open", "read-only", "off"]).optional(),
  /** Guests idle this many days are anonymised and signed out ("off": never). Given here, it wins over /admin's. */
  GUEST_IDLE_DAYS: z
    .union([z.literal("off"), z.coerce.number().int().min(1).max(3650)])
    .optional()
    .transform((v) => (v === "off" ? null : v)),
  /** "off": guests can neither send nor receive direct messages (accounts still can). */
  GUEST_DIRECT_MESSAGES: z.enum(["on", "off"]).default("on"),
  /** Where file bytes go on SQLite (default: `files/` beside the database). With PostgreSQL they are in the database. */
  FILES_DIR: z.string().min(1).optional(),
  /** Largest file, in MB. */
  FILE_MAX_MB: z.coerce.number().positive().default(25),
  /** Files one message may carry (at most 50). */
  FILES_PER_MESSAGE: z.coerce.number().int().min(1).max(50).default(10),
  /** What one person's files may take together, in MB. */
  FILE_QUOTA_MB: z.coerce.number().positive().default(1024),
  /** Uploads one person may make per minute. */
  FILE_UPLOADS_PER_MINUTE: z.coerce.number().int().positive().default(30),
  /** "off": guests (no account) cannot upload files. */
  GUEST_UPLOADS: z.enum(["on", "off"]).default("on"),
  /** Largest image decoded for a thumbnail, in megapixels; larger ones become files to download. */
  IMAGE_MAX_MEGAPIXELS: z.coerce.number().positive().default(50),
  /** Uploads no message took are removed after this many hours. */
  FILE_ORPHAN_HOURS: z.coerce.number().positive().default(24),
  /** Multiplies every rate-limit budget. */
  RATE_LIMIT_SCALE: z.coerce.number().positive().default(1),
  /** Prometheus metrics on this port (unset: off). Never the public port: /metrics there is a 404. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** The address the metrics port listens on (127.0.0.1: this machine only; 0.0.0.0 in a container). */
  METRICS_HOST: z.string().min(1).default("127.0.0.1"),
});

export type Env = z.infer<typeof envSchema>;

/**
 * Reads a `.env` file (KEY=value lines, as Node's `--env-file` reads them) into `target`,
 * where the variable is not set already: the real environment wins over the file. Nothing
 * happens when the file does not exist. Returns the names it set. Called before `parseEnv`,
 * so a bad value in the file is named as any other.
 */
export function loadEnvFile(file = path.join(process.cwd(), ".env"), target: Record<string, string | undefined> = process.env): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  const set: string[] = [];
  for (const [name, value] of Object.entries(parseDotEnv(text))) {
    if (target[name] !== undefined) continue;
    target[name] = value;
    set.push(name);
  }
  return set;
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/** The settings the environment locks (GUEST_ACCESS, GUEST_IDLE_DAYS): only those given. */
export function settingsFromEnv(env: Partial<Pick<Env, "GUEST_ACCESS" | "GUEST_IDLE_DAYS">>): { guestAccess?: Env["GUEST_ACCESS"] & string; guestIdleDays?: number | null } {
  return {
    ...(env.GUEST_ACCESS !== undefined ? { guestAccess: env.GUEST_ACCESS } : {}),
    ...(env.GUEST_IDLE_DAYS !== undefined ? { guestIdleDays: env.GUEST_IDLE_DAYS } : {}),
  };
}
