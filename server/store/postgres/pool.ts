import pg from "pg";

/** `timestamp without time zone`, as Parley's `timestamp(3)` columns are. */
const TIMESTAMP_OID = 1114;

/**
 * Parley's columns hold UTC without a zone (as Prisma writes them). pg would read them as
 * local time; here they are read as UTC, whatever the server's TZ.
 */
const utcTimestamp = (text: string) => new Date(`${text.replace(" ", "T")}Z`);

const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP_OID && format !== "binary" ? utcTimestamp : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * A `pg` pool for one of the PostgreSQL store's jobs (the writer's group commits, the reads),
 * each of its own so that reads never queue behind transactions waiting for a room's lock.
 * An idle connection that breaks (a restart) is dropped by the pool; the next query opens another.
 */
export function openPool(connectionString: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 10_000, types });
  pool.on("error", () => undefined);
  return pool;
}
