import { createHash } from "node:crypto";
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

/** More distinct texts than Parley's statements: a text built per call has no business here. */
const NAMED_MAX = 1_000;
const names = new Map<string, string>();

/** The statement's name: the same text, the same name, on every connection and node. */
export function statementName(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < NAMED_MAX) {
    name = `parley_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Runs one of the store's constant statements as a named (prepared) statement: PostgreSQL
 * parses it once per connection and, after five runs, stops planning it where a generic plan
 * is as good. An unnamed statement is parsed and planned at every call: on a join's short
 * reads, four fifths of PostgreSQL's time per statement (docs/performance.md, run AN). For constant
 * texts only: each connection keeps every statement it has prepared (at most NAMED_MAX names;
 * beyond that a statement runs unnamed). Their columns are named (no `table.*`): a prepared
 * statement whose result type changes fails, and another node's expand-only migration adds
 * columns while this one runs. Behind a pooler in transaction mode this needs
 * protocol-level prepared statements (PgBouncer 1.21+, `max_prepared_statements`), as
 * Prisma's own queries do.
 */
export function runPrepared<R extends pg.QueryResultRow>(pool: pg.Pool | pg.PoolClient, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
  const name = statementName(text);
  return pool.query<R>(name === undefined ? { text, values } : { name, text, values });
}
