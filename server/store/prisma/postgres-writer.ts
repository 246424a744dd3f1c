import pg from "pg";
import type { NewChange, NewMessage } from "../repositories";
// Plain JavaScript shared with the SQLite writer thread.
import { changeStatements } from "./message-changes.sql.mjs";
import type { ChangeRow } from "./sqlite-messages";

/** The most writes one transaction takes (as on SQLite's writer). */
const MAX_BATCH = 512;
/** Enough for many nodes writing one room at once; each retry costs one transaction. */
const MAX_SEQ_RETRIES = 50;

/** What the writer answers for one append: its seq, or "already stored" (the caller reads it). */
export type WrittenAppend = { inserted: number; createdAt: Date } | { existing: true };

type Request =
  | { m: NewMessage; resolve: (r: WrittenAppend) => void; reject: (e: unknown) => void }
  | { c: NewChange; resolve: (r: ChangeRow | null) => void; reject: (e: unknown) => void };

/** A unique violation on (roomId, seq): a writer without the room's lock took this number first. */
const isSeqConflict = (err: unknown) => (err as { code?: string })?.code === "23505" && /seq/.test((err as { constraint?: string }).constraint ?? "");

/** A timestamp as `timestamp(3)` stores it: UTC, ISO-8601, without the zone. */
const utc = (d: Date) => d.toISOString().replace("Z", "");

const identity = (authorId: string, clientId: string) => `${authorId}\u0000${clientId}`;

/**
 * Appends and changes on PostgreSQL, with group commit per room (as the SQLite writer
 * thread does for the whole file): the writes to one room that arrive while its previous
 * transaction is in flight wait in memory, then go in one transaction, under the room's
 * advisory lock (which queues writers on other nodes too), with one multi-row insert for the
 * appends. A waiting write holds no pool connection: one transaction per room at a time,
 * and at most `poolSize` rooms at once.
 *
 * A batch that fails is written again one write at a time, so that one bad message fails
 * alone. Dedup by (author, clientId) is kept: within a batch (a resend while the first copy
 * waits) and against stored rows.
 */
export class PostgresWriter {
  private readonly pool: pg.Pool;
  private readonly queues = new Map<string, Request[]>();
  /** Rooms with a flush scheduled or a transaction in flight. */
  private readonly busy = new Set<string>();

  constructor(connectionString: string, poolSize = 4) {
    this.pool = new pg.Pool({ connectionString, max: poolSize, connectionTimeoutMillis: 10_000 });
    // An idle connection that breaks (a restart) is dropped by the pool; the next write opens another.
    this.pool.on("error", () => undefined);
  }

  append(m: NewMessage): Promise<WrittenAppend> {
    return new Promise((resolve, reject) => this.enqueue(m.roomId, { m, resolve, reject }));
  }

  change(c: NewChange): Promise<ChangeRow | null> {
    return new Promise((resolve, reject) => this.enqueue(c.roomId, { c, resolve, reject }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private enqueue(roomId: string, request: Request) {
    let queue = this.queues.get(roomId);
    if (!queue) this.queues.set(roomId, (queue = []));
    queue.push(request);
    if (this.busy.has(roomId)) return;
    this.busy.add(roomId);
    // The writes of this turn of the event loop go together.
    setImmediate(() => void this.drain(roomId));
  }

  private async drain(roomId: string) {
    for (;;) {
      const queue = this.queues.get(roomId);
      if (!queue || queue.length === 0) {
        this.queues.delete(roomId);
        this.busy.delete(roomId);
        return;
      }
      const batch = queue.splice(0, MAX_BATCH);
      try {
        await this.writeBatch(roomId, batch);
      } catch {
        // One at a time: each fails or succeeds on its own.
        for (const request of batch) {
          try {
            await this.writeBatch(roomId, [request]);
          } catch (err) {
            request.reject(err);
          }
        }
      }
    }
  }

  /** One transaction for `batch`, retried on a seq conflict; settles every request on success. */
  private async writeBatch(roomId: string, batch: Request[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const settle = await this.transaction(roomId, batch);
        settle();
        return;
      } catch (err) {
        if (attempt >= MAX_SEQ_RETRIES || !isSeqConflict(err)) throw err;
      }
    }
  }

  /**
   * Runs the batch in one transaction; returns what settles its requests once committed.
   * BEGIN and the room's lock in one simple query, the appends in one insert, each change's
   * statements, COMMIT.
   */
  private async transaction(roomId: string, batch: Request[]): Promise<() => void> {
    const client = await this.pool.connect();
    let broken: unknown;
    try {
      try {
        const createdAt = new Date();
        const begin = `BEGIN; SELECT pg_advisory_xact_lock(hashtext(${client.escapeLiteral(roomId)}));`;
        const appends = batch.filter((r): r is AppendRequest => "m" in r);
        const changes = batch.filter((r): r is ChangeRequest => "c" in r);
        const insert = insertStatement(roomId, appends, createdAt);
        let inserted: Array<{ id: string; seq: number }> = [];
        const changed = new Map<Request, ChangeRow | null>();
        await client.query(begin);
        if (insert) {
          inserted = (await client.query<{ id: string; seq: number }>(insert.optimistic)).rows;
          // A stored copy of one of them (a resend) made the insert skip it, leaving a hole in
          // the numbers: undo, and number only those that are new (a slower statement).
          if (inserted.length < insert.count) {
            await client.query("ROLLBACK");
            await client.query(begin);
            inserted = (await client.query<{ id: string; seq: number }>(insert.deduplicated)).rows;
          }
        }
        for (const r of changes) {
          const { apply, read } = changeStatements("postgresql", r.c, utc(createdAt));
          for (const { sql, params } of apply) await client.query(sql, params);
          changed.set(r, (await client.query<ChangeRow>(read.sql, read.params)).rows[0] ?? null);
        }
        await client.query("COMMIT");
        const seqs = new Map(inserted.map((row) => [row.id, Number(row.seq)]));
        return () => {
          for (const r of batch) {
            if ("c" in r) r.resolve(changed.get(r)!);
            else {
              // Not inserted: stored earlier, or earlier in this batch (a resend while the first copy waited).
              const seq = seqs.get(r.m.id);
              r.resolve(seq === undefined ? { existing: true } : { inserted: seq, createdAt });
            }
          }
        };
      } catch (err) {
        await client.query("ROLLBACK").catch((e: unknown) => (broken = e));
        throw err;
      }
    } catch (err) {
      broken ??= isConnectionError(err) ? err : undefined;
      throw err;
    } finally {
      // A connection that failed mid-transaction is not given to the next writer.
      client.release(broken instanceof Error ? broken : undefined);
    }
  }
}

type AppendRequest = Extract<Request, { m: NewMessage }>;
type ChangeRequest = Extract<Request, { c: NewChange }>;

/**
 * The batch's appends in one statement, two ways. `optimistic` numbers them all and skips
 * any whose (author, clientId) is stored (ON CONFLICT): right unless one was a resend.
 * `deduplicated` looks each up first and numbers only the new ones, in arrival order. Copies
 * within the batch are dropped here (the first is written).
 */
function insertStatement(roomId: string, appends: AppendRequest[], createdAt: Date) {
  const seen = new Set<string>();
  const unique = appends.filter((r) => {
    const key = identity(r.m.author.id, r.m.clientId);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (unique.length === 0) return undefined;
  const values = [
    roomId,
    utc(createdAt),
    unique.map((r) => r.m.id),
    unique.map((r) => r.m.author.id),
    unique.map((r) => r.m.clientId),
    unique.map((r) => r.m.body),
    unique.map((r) => r.m.replyToId ?? null),
  ];
  const input = `SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS t(id, author, client, body, reply, n)`;
  const insert = (rows: string, number: string) => `INSERT INTO "Message" ("id", "roomId", "seq", "authorId", "clientId", "body", "createdAt", "replyToId")
      SELECT f.id, $1, base.s + f.${number}, f.author, f.client, f.body, $2::timestamp(3), f.reply
      FROM ${rows} f, (SELECT COALESCE(MAX("seq"), 0) AS s FROM "Message" WHERE "roomId" = $1) AS base`;
  return {
    count: unique.length,
    optimistic: { text: `${insert(`(${input})`, "n")} ON CONFLICT ("authorId", "clientId") DO NOTHING RETURNING "id", "seq"`, values },
    deduplicated: {
      text: `WITH t AS (${input}), fresh AS (
        SELECT t.*, row_number() OVER (ORDER BY t.n) AS k FROM t
        WHERE NOT EXISTS (SELECT 1 FROM "Message" m WHERE m."authorId" = t.author AND m."clientId" = t.client)
      ) ${insert("fresh", "k")} RETURNING "id", "seq"`,
      values,
    },
  };
}

function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return typeof code === "string" && (/^(08|57P0)/.test(code) || code.startsWith("E"));
}
