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
 * Prisma's SQLite adapter opens a transaction with a plain BEGIN, which is deferred: a
 * transaction that reads, then writes (every `upsert`, each read-then-update in the Prisma
 * stores) fails with SQLITE_BUSY when another connection commits between its read and its
 * write, whatever busy_timeout says, because its snapshot is stale by then. The message
 * writer's thread commits many times a second, so under traffic such a cold-path write failed
 * as "cannot reach its database" (measured: 1,297 of 2,000 upserts with a thread committing
 * beside them). BEGIN IMMEDIATE takes the write lock first, waiting for it under busy_timeout,
 * so the transaction's reads and writes see one state and its commit cannot be refused.
 * The adapter keeps its connection as `client` and prepares "BEGIN" in one place
 * (startTransaction); if a new version changes that, opening fails here instead of the
 * transactions failing later.
 */
class ImmediateSQLite extends PrismaBetterSQLite3 {
  override async connect(): ReturnType<PrismaBetterSQLite3["connect"]> {
    const adapter = await super.connect();
    const client = (adapter as unknown as { client?: { prepare?: (sql: string) => unknown } }).client;
    if (typeof client?.prepare !== "function") throw new Error("Prisma's SQLite adapter no longer exposes its connection: transactions cannot be made immediate (server/store/prisma/client.ts)");
    const prepare = client.prepare.bind(client);
    client.prepare = (sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql);
    return adapter;
  }
}

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
  const prisma = new PrismaClient({ adapter: new ImmediateSQLite({ url: databaseUrl }) });
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
