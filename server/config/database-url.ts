import path from "node:path";
import fs from "node:fs";

/** Where the embedded database lives when DATABASE_URL is not set. */
export const DEFAULT_DATABASE_URL = "file:./data/parley.db";

/**
 * Normalises a SQLite `file:` URL to an absolute path (relative to the working directory),
 * creating its folder, so the migrator and the server always open the same file.
 *
 * @example resolveDatabaseUrl(undefined) // "file:/srv/parley/data/parley.db"
 */
export function resolveDatabaseUrl(url: string | undefined): string {
  const raw = url && url.length > 0 ? url : DEFAULT_DATABASE_URL;
  if (!raw.startsWith("file:")) {
    throw new Error(`DATABASE_URL must be a SQLite file: URL (got "${raw}")`);
  }
  const file = raw.slice("file:".length);
  if (file === ":memory:") return raw;
  const absolute = path.resolve(file);
  fs.mkdirSync(path.dirname(absolute), { recursive: true });
  return `file:${absolute}`;
}
