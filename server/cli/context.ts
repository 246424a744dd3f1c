import fs from "node:fs";
import { createBetterAuth } from "../auth/better-auth";
import { loadOrCreateAuthSecret } from "../auth/secret";
import { resolveDatabaseUrl } from "../config/database-url";
import { createServices, type Services } from "../services";
import { settingsFromEnv, type Env } from "../config/env";
import { MemoryPresenceStore } from "../store/memory/presence.store";
import { MemoryTypingStore } from "../store/memory/typing.store";
import { openStore } from "../store/open-store";
import type { Stores } from "../store/ports";

/** What the command line acts with: the domain on the server's database, as the operator. */
export interface AdminContext {
  services: Services;
  repos: Stores;
  databaseUrl: string;
  close(): Promise<void>;
}

/**
 * Opens the server's database (DATABASE_URL, or the default file beside the app; set up by
 * the server, which migrates it at start), with Better Auth on it (the same secret) and the domain over it. No
 * Redis, no hub: what the command line changes reaches live connections through the
 * database (the running servers' session sweep, every 5 s; a bot's token heartbeat, 30 s).
 */
export async function openAdminContext(env: { DATABASE_URL?: string; BETTER_AUTH_SECRET?: string; PUBLIC_URL?: string; FILES_DIR?: string; GUEST_ACCESS?: Env["GUEST_ACCESS"]; GUEST_IDLE_DAYS?: number | null }): Promise<AdminContext> {
  const databaseUrl = resolveDatabaseUrl(env.DATABASE_URL);
  // The server migrates its database at start; the command line never does (a migration
  // while the server writes would wait on its lock). A database it has not set up yet says so.
  const notSetUp = (err: unknown) =>
    new Error(`the database at ${databaseUrl.startsWith("file:") ? databaseUrl : "DATABASE_URL"} is not a Parley database yet: start the server once (it sets the database up), then try again. (${err instanceof Error ? err.message.split("\n")[0] : String(err)})`);
  // Never make an empty database file where the operator mistyped the path.
  if (databaseUrl.startsWith("file:") && !fs.existsSync(databaseUrl.slice("file:".length))) throw notSetUp(new Error("no such file"));
  const secret = loadOrCreateAuthSecret(databaseUrl, env.BETTER_AUTH_SECRET);
  const store = await openStore(databaseUrl, { filesDir: env.FILES_DIR }).catch((err: unknown) => {
    throw notSetUp(err);
  });
  const repos = store.repositories;
  await repos.roles.directory({ query: "", offset: 0, limit: 1 }).catch(async (err: unknown) => {
    await store.close();
    throw notSetUp(err);
  });
  const betterAuth = createBetterAuth(store.authDatabase, {
    secret,
    baseURL: env.PUBLIC_URL ?? "http://localhost",
  });
  const services = createServices(repos, { presence: new MemoryPresenceStore(), typing: new MemoryTypingStore() }, { betterAuth, sessions: repos.sessions, tokens: repos.tokens }, {
    guestDirectMessages: true,
    firstAccountAdmin: false,
    // The same settings as the server's (prune-guests' default days): GUEST_ACCESS, GUEST_IDLE_DAYS.
    settings: settingsFromEnv(env),
  });
  return { services, repos, databaseUrl, close: () => store.close() };
}
