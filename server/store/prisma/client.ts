import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../../../generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "../../../generated/prisma-postgresql/client";
import { databaseProvider, redact } from "../../config/database-url";
import { postgresAdapter } from "../postgres/adapter";

/**
 * Parley's database client. Both providers are generated from one data model
 * (prisma/schema.prisma; prisma/postgresql/schema.prisma is derived from it), so their
 * clients have the same models and queries: code that uses Prisma (the cold paths, Better
 * Auth) is written once, against the SQLite client's type, and given either. Which engine's
 * store goes with it is chosen by `openStore` (store/open-store.ts).
 */
export type Db = PrismaClient;

/**
 * SQLite settings, checked at start-up (`openDatabase` throws if one did not take).
 * - WAL: readers never block the writer, and a commit is one append to the log.
 * - busy_timeout: wait for a lock instead of failing at once (a second process, a backup).
 * - foreign_keys: SQLite leaves them off unless asked.
 * - synchronous=FULL: a commit is on disk before it returns, so an acknowledged message
 *   survives power loss too, not only a process crash (NORMAL, better-sqlite3's default in
 *   WAL, may lose the last commits on power loss). Measured here: 0.46 ms against 0.38 ms per
 *   serial insert (docs/architecture.md).
 */
const PRAGMAS: Array<[name: string, value: string, expect: string]> = [
  ["journal_mode", "WAL", "wal"],
  ["busy_timeout", "5000", "5000"],
  ["foreign_keys", "ON", "1"],
  ["synchronous", "FULL", "2"],
];

/**
 * Opens the database named by a resolved DATABASE_URL: SQLite through Prisma's
 * better-sqlite3 driver adapter, or PostgreSQL through its `pg` adapter (a pool per node).
 */
export async function openDatabase(databaseUrl: string): Promise<Db> {
  const provider = databaseProvider(databaseUrl);
  if (provider === "postgresql") {
    // Appends and changes do not go through this client: postgres/writer.ts commits them in
    // groups, on a pool of its own.
    const prisma = new PostgresPrismaClient({ adapter: postgresAdapter(databaseUrl) }) as unknown as Db;
    try {
      await prisma.$queryRawUnsafe("SELECT 1");
    } catch (err) {
      await prisma.$disconnect();
      throw new Error(`cannot reach PostgreSQL at ${redact(databaseUrl)}: ${(err as Error).message}`);
    }
    return prisma;
  }
  const prisma = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: databaseUrl }) });
  for (const [name, value, expect] of PRAGMAS) {
    await prisma.$queryRawUnsafe(`PRAGMA ${name} = ${value}`);
    const rows = await prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(`PRAGMA ${name}`);
    const actual = String(Object.values(rows[0] ?? {})[0]).toLowerCase();
    if (actual !== expect) {
      await prisma.$disconnect();
      throw new Error(`SQLite PRAGMA ${name} is ${actual}, expected ${expect}`);
    }
  }
  return prisma;
}
