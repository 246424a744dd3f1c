import path from "node:path";
import fs from "node:fs";

/** Where the embedded database lives when DATABASE_URL is not set. */
export const DEFAULT_DATABASE_URL = "file:./data/parley.db";

/** SQLite (a `file:` URL, the embedded default) or PostgreSQL (a `postgres://` URL, for several nodes). */
export type DatabaseProvider = "sqlite" | "postgresql";

/** The Prisma schema (and its migrations folder) for each provider, relative to the project root. */
export const SCHEMA_PATHS: Record<DatabaseProvider, string> = {
  sqlite: "prisma/schema.prisma",
  postgresql: "prisma/postgresql/schema.prisma",
};

export function databaseProvider(url: string): DatabaseProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  throw new Error(`DATABASE_URL must be a SQLite file: URL or a postgres:// URL (got "${redact(url)}")`);
}

/**
 * Normalises DATABASE_URL. A SQLite `file:` URL becomes an absolute path (relative to the
 * working directory), its folder created, so the migrator and the server always open the
 * same file; a PostgreSQL URL is returned as it is.
 *
 * @example resolveDatabaseUrl(undefined) // "file:/srv/parley/data/parley.db"
 */
export function resolveDatabaseUrl(url: string | undefined): string {
  const raw = url && url.length > 0 ? url : DEFAULT_DATABASE_URL;
  if (databaseProvider(raw) === "postgresql") return raw;
  const file = raw.slice("file:".length);
  if (file === ":memory:") return raw;
  const absolute = path.resolve(file);
  // The folder holds the database, the session secret and the VAPID keys: its owner's only.
  fs.mkdirSync(path.dirname(absolute), { recursive: true, mode: 0o700 });
  return `file:${absolute}`;
}

/** The URL without its password, for messages and logs. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@]*@/, "$1:***@");
}
