import type { PushEndpointOptions } from "../push/endpoint-policy";
import { io as connect, type Socket } from "socket.io-client";
import { inject } from "vitest";
import type { ClientToServerEvents, ServerToClientEvents } from "../contract/events";
import type { UserSummary } from "../contract/model";
import type { HeartbeatOptions } from "../app";
import type { SecurityOptions } from "../security/policy";
import type { GatewayOptions } from "../gateway/ws-gateway";
import { createLogger, type Logger } from "../logger";
import type { SettingsFromEnv } from "../domain/settings.service";
import { startParley, type FileOptions, type RunningParley } from "../server";
import { openDatabase, type Db } from "../store/prisma/client";
import { cloneTemplate } from "./databases";
import type { RedisPresenceOptions } from "../store/redis/presence.store";

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A fresh copy of the migrated template database, of this project's provider (SQLite or PostgreSQL). */
export function freshDatabaseUrl(): Promise<string> {
  return cloneTemplate(inject("templateDatabase"));
}

export async function openTestDatabase(): Promise<Db> {
  return openDatabase(await freshDatabaseUrl());
}

/** Opens a test server's database for a test to look at or change behind the server's back. */
export async function withDatabase<T>(databaseUrl: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDatabase(databaseUrl);
  try {
    return await fn(db);
  } finally {
    await db.$disconnect();
  }
}

/** Every test server signs sessions with this (PostgreSQL has no data folder to keep one in). */
export const TEST_AUTH_SECRET = "parley-test-secret-0123456789abcdefghijklmnop";

export interface TestServer extends RunningParley {
  databaseUrl: string;
  /** Starts a guest session over HTTP and returns its cookie header. */
  guest(name: string): Promise<{ cookie: string; user: UserSummary }>;
  /** A connected socket for a session cookie (rejects on connect_error). */
  socket(cookie: string): Promise<ClientSocket>;
  /** Stops the server only, leaving the test's client sockets to see what happens. */
  shutdown(): Promise<void>;
}

/** The real server (HTTP routes + Socket.IO + SQLite through Prisma) on a free port, without the Next UI. */
export async function startTestServer(
  options: {
    heartbeat?: HeartbeatOptions;
    recoveryWindowMs?: number;
    security?: SecurityOptions;
    redisUrl?: string;
    redisPrefix?: string;
    presence?: Partial<RedisPresenceOptions>;
    /** Share a database with another test server (a second node). */
    databaseUrl?: string;
    gateway?: Partial<GatewayOptions>;
    compression?: boolean;
    /** Whether guests may send and receive direct messages (GUEST_DIRECT_MESSAGES). */
    guestDirectMessages?: boolean;
    /** The server's logger (a test that reads the log passes a `capturingLogger()`). */
    log?: Logger;
    /** Web Push's HTTPS agent (a local push service with a certificate of its own). */
    pushTls?: { rejectUnauthorized: boolean };
    /** Where Web Push may send (the push suite: its own service on 127.0.0.1, `testOnlyAllowLocal`). */
    pushEndpoints?: PushEndpointOptions;
    pushCoalesceMs?: number;
    /** Web Push's key pair (required on PostgreSQL for Web Push to be on). */
    vapid?: { publicKey: string; privateKey: string };
    /** Files: limits, the folder (default: beside the database), the sweep. */
    files?: FileOptions;
    /**
     * Whether the first account becomes an administrator. Off unless a test asks: otherwise
     * whichever account a test happens to make first (a bot's, say) could moderate everything.
     */
    firstAccountAdmin?: boolean;
    adminUsernames?: readonly string[];
    /** Settings the environment would lock (GUEST_ACCESS, GUEST_IDLE_DAYS). */
    settings?: SettingsFromEnv;
    /** Prometheus metrics on a port of their own (0: any free port). */
    metrics?: { port: number; host?: string };
  } = {},
): Promise<TestServer> {
  const databaseUrl = options.databaseUrl ?? (await freshDatabaseUrl());
  const sockets: ClientSocket[] = [];
  const parley = await startParley({
    port: 0,
    host: "127.0.0.1",
    databaseUrl,
    ui: false,
    migrate: false,
    authSecret: TEST_AUTH_SECRET,
    heartbeat: options.heartbeat,
    recoveryWindowMs: options.recoveryWindowMs,
    // Most suites test behaviour, not budgets: they get a thousand times the real ones.
    // The security suite passes the real budgets.
    security: options.security ?? { rateLimitScale: 1000 },
    redisUrl: options.redisUrl,
    redisPrefix: options.redisPrefix,
    presence: options.presence,
    gateway: options.gateway,
    compression: options.compression,
    guestDirectMessages: options.guestDirectMessages,
    pushTls: options.pushTls,
    pushEndpoints: options.pushEndpoints,
    pushCoalesceMs: options.pushCoalesceMs,
    vapid: options.vapid,
    files: options.files,
    firstAccountAdmin: options.firstAccountAdmin ?? false,
    adminUsernames: options.adminUsernames,
    settings: options.settings,
    metrics: options.metrics,
    log: options.log ?? createLogger((process.env.TEST_LOG_LEVEL as "silent") ?? "silent"),
  });
  return {
    ...parley,
    databaseUrl,
    async guest(name) {
      const res = await fetch(`${parley.url}/api/session`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ displayName: name }),
      });
      if (res.status !== 201) throw new Error(`guest sign-in failed: ${res.status}`);
      const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
      const { user } = (await res.json()) as { user: UserSummary };
      return { cookie, user };
    },
    async socket(cookie) {
      const socket: ClientSocket = connect(parley.url, {
        extraHeaders: { cookie },
        transports: ["websocket"],
        reconnection: false,
        forceNew: true,
      });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("connect_error", reject);
      });
      return socket;
    },
    shutdown: parley.close,
    async close() {
      for (const s of sockets) s.close();
      await parley.close();
    },
  };
}

/** Resolves with the next `event` on `socket` matching `filter`, or rejects after `ms`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  filter: (...args: Parameters<ServerToClientEvents[E]>) => boolean = () => true,
  ms = 3000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no ${String(event)} within ${ms} ms`));
    }, ms);
    const listener = (...args: Parameters<ServerToClientEvents[E]>) => {
      if (!filter(...args)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(args[0]);
    };
    socket.on(event, listener as never);
  });
}

/** Collects every `event` from now on into an array. */
export function collect<E extends keyof ServerToClientEvents>(socket: ClientSocket, event: E) {
  const seen: Array<Parameters<ServerToClientEvents[E]>[0]> = [];
  socket.on(event, ((arg: Parameters<ServerToClientEvents[E]>[0]) => seen.push(arg)) as never);
  return seen;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A logger that keeps every entry (its fields and message) for a test to read. */
export function capturingLogger(): Logger & { entries: Array<Record<string, unknown> & { level: string; msg?: string }> } {
  const entries: Array<Record<string, unknown> & { level: string; msg?: string }> = [];
  const at = (level: string) => (obj: unknown, msg?: string) => {
    if (typeof obj === "string") entries.push({ level, msg: obj });
    else entries.push({ level, ...(obj as Record<string, unknown>), msg });
  };
  return { entries, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") } as never;
}
