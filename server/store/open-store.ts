import { dirname, join } from "node:path";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { databaseProvider, type DatabaseProvider } from "../config/database-url";
import type { Stores } from "./ports";
import { openDatabase, type Db } from "./prisma/client";
import { postgresStore } from "./postgres";
import { sqliteStore, type SqliteWriterHooks } from "./sqlite";

/** One engine's implementation of every database port. */
export interface EngineStore extends Stores {
  /** Releases what the store holds of its own (threads, connections beside Prisma's). */
  close(): Promise<void>;
}

/** The database Parley runs on: its engine, its ports, and Prisma's client (auth, migrations, cold paths). */
export interface Store {
  provider: DatabaseProvider;
  /** Prisma's client: for Better Auth's adapter and tests; services use the ports. */
  db: Db;
  repositories: EngineStore;
  /** Better Auth's database adapter (Prisma's, for this engine). */
  authDatabase: ReturnType<typeof prismaAdapter>;
  /** Answers once the database does (readiness). */
  ping(): Promise<void>;
  /** Closes the store, then Prisma's client. */
  close(): Promise<void>;
}

/** Where files go by default: a `files` folder beside the SQLite database. */
export function defaultFilesDir(databaseUrl: string): string {
  return join(dirname(databaseUrl.slice("file:".length)), "files");
}

/**
 * Opens the database named by a resolved DATABASE_URL: the only code that chooses an engine
 * (`file:` → `store/sqlite/`, `postgres://` → `store/postgres/`).
 */
export async function openStore(databaseUrl: string, options: { filesDir?: string } & Pick<SqliteWriterHooks, "onCommit" | "onSearchIndex"> = {}): Promise<Store> {
  const provider = databaseProvider(databaseUrl);
  const db = await openDatabase(databaseUrl);
  const repositories =
    provider === "postgresql" ? postgresStore(db, databaseUrl) : sqliteStore(db, databaseUrl.slice("file:".length), { filesDir: options.filesDir ?? defaultFilesDir(databaseUrl), onCommit: options.onCommit, onSearchIndex: options.onSearchIndex });
  return {
    provider,
    db,
    repositories,
    authDatabase: prismaAdapter(db, { provider }),
    ping: async () => void (await db.$queryRawUnsafe("SELECT 1")),
    close: async () => {
      await repositories.close();
      await db.$disconnect();
    },
  };
}
