import type pg from "pg";
import { openPool, runPrepared } from "./pool";
import type { NewChange, NewMessage } from "../ports";
import { isDatabaseUnavailable } from "../unavailable";
// Plain JavaScript shared with the SQLite writer thread.
import { changeStatements } from "../sql/message-changes.sql.mjs";
import type { ChangeRow } from "../sql/rows";

/** The most writes one transaction takes (as on SQLite's writer). */
const MAX_BATCH = 512;
/**
 * Transactions per room at once: the next takes the lock as the previous commits. (In the
 * closed-loop bench, 1 and 2 gave the same throughput within the noise: docs/performance.md.)
 */
const IN_FLIGHT_PER_ROOM = 2;
/** Enough for many nodes writing one room at once; each retry costs one transaction. */
const MAX_SEQ_RETRIES = 50;

/** What the writer answers for one append: its seq, or "already stored" (the caller reads it). */
export type WrittenAppend = { inserted: number; createdAt: Date } | { existing: true };

type Request =
  | { m: NewMessage; resolve: (r: WrittenAppend) => void; reject: (e: unknown) => void }
  | { c: NewChange; resolve: (r: ChangeRow | null) => void; reject: (e: unknown) => void };

/** A unique violation on (roomId, seq): a writer that did not go through the counter took this number first. */
const isSeqConflict = (err: unknown) => (err as { code?: string })?.code === "23505" && /seq/.test((err as { constraint?: string }).constraint ?? "");

/** A timestamp as `timestamp(3)` stores it: UTC, ISO-8601, without the zone. */
const utc = (d: Date) => d.toISOString().replace("Z", "");

const identity = (authorId: string, clientId: string) => `${authorId}\u0000${clientId}`;

/**
 * Appends and changes on PostgreSQL, with group commit per room (as the SQLite writer
 * thread does for the whole file): the writes to one room that arrive while its previous
 * transaction is in flight wait in memory, then go in one transaction. What orders the
 * writers of a room, on every node, is the lock on the room's counter row ("RoomSeq": its
 * last message number), held until commit.
 *
 * Two ways to write a batch:
 * - **Appends alone** (no change, no file: nearly every batch) are one statement in a
 *   transaction of its own: the counter moves by the batch's size and the messages are
 *   inserted with the numbers it handed out, in one round trip. A message already stored
 *   (a resend), a number taken (a counter behind), or any other failure undoes the whole
 *   statement, and the batch is written the locked way instead.
 * - **Locked**: BEGIN, the counter row's lock (and the room's advisory lock, which writers
 *   of earlier versions take) and a savepoint in one simple query; the appends in one insert
 *   that numbers only those not stored yet; each change's statements; COMMIT. A batch that
 *   fails is written again one write at a time in the same transaction, so that one bad
 *   message fails alone.
 *
 * Dedup by (author, clientId) is kept: within a batch (a resend while the first copy waits)
 * and against stored rows. A waiting write holds no pool connection: at most two
 * transactions per room, and at most `poolSize` at once.
 */
export class PostgresWriter {
  private readonly pool: pg.Pool;
  private readonly queues = new Map<string, Request[]>();
  /** Rooms with a flush scheduled or a transaction in flight. */
  private readonly busy = new Set<string>();
  /** Batches written so far, by way: appends alone in one statement, or locked (tests read it). */
  readonly written = { alone: 0, locked: 0 };

  constructor(connectionString: string, poolSize = 4) {
    this.pool = openPool(connectionString, poolSize);
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

  /**
   * Writes the room's queue, batch after batch. Two transactions per room may be in flight:
   * the next batch starts once the previous one holds the counter's lock (a locked batch:
   * after its first round trip; appends alone: once written, as their one statement takes
   * the lock at no moment seen from here), so it still gets its numbers after the previous
   * batch's: each sender's order is kept.
   */
  private async drain(roomId: string) {
    const inFlight = new Set<Promise<void>>();
    // Batches answer in the order they committed: two in flight may see their COMMITs' replies
    // in either order (two connections), and the hub publishes what the store answers as it
    // answers it, so a later batch waits for the earlier one to have answered.
    let answered: Promise<void> = Promise.resolve();
    for (;;) {
      const queue = this.queues.get(roomId);
      if (!queue || queue.length === 0 || inFlight.size >= IN_FLIGHT_PER_ROOM) {
        if (inFlight.size === 0) {
          this.queues.delete(roomId);
          this.busy.delete(roomId);
          return;
        }
        await Promise.race(inFlight);
        continue;
      }
      const batch = queue.splice(0, MAX_BATCH);
      const locked = deferred();
      const turn = answered;
      const done = this.writeBatch(roomId, batch, locked.resolve, turn).finally(() => {
        locked.resolve(); // a batch that failed before its lock lets the next one go
        inFlight.delete(done);
      });
      answered = done;
      inFlight.add(done);
      await locked.promise;
    }
  }

  /**
   * One transaction for `batch`, retried whole on a seq conflict (a writer without the lock);
   * settles every request. A write that fails is undone alone (a savepoint each, inside the
   * same transaction and lock), and fails alone. A lost connection fails them all: the
   * clients send them again, and their clientIds keep them single.
   */
  private async writeBatch(roomId: string, batch: Request[], onLocked: () => void, turn: Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const settle = (attempt === 1 && (await this.appendsAlone(roomId, batch))) || (await this.transaction(roomId, batch, onLocked));
        await turn;
        settle();
        return;
      } catch (err) {
        if (attempt < MAX_SEQ_RETRIES && isSeqConflict(err)) continue;
        await turn;
        for (const r of batch) r.reject(err);
        return;
      }
    }
  }

  /**
   * A batch of appends without files, as one statement in its own transaction (see the
   * class): returns what settles its requests, or undefined when the batch is not of that
   * kind or the statement failed for a reason the locked way handles (a resend, a number
   * taken, a bad message). A lost database fails the batch as the locked way would.
   */
  private async appendsAlone(roomId: string, batch: Request[]): Promise<(() => void) | undefined> {
    const appends: AppendRequest[] = [];
    for (const r of batch) {
      if (!("m" in r) || r.m.attachments?.length) return undefined;
      appends.push(r);
    }
    const createdAt = new Date();
    const unique = uniqueAppends(appends);
    // Each author's last place in the batch: their read position moves to it.
    const last = new Map<string, number>();
    unique.forEach((r, i) => last.set(r.m.author.id, i + 1));
    const values = [...appendValues(roomId, unique, createdAt), [...last.keys()], [...last.values()]];
    let base: number;
    try {
      // Prepared once per connection: parsing and planning it each time cost about a tenth of
      // the append rate (docs/performance.md, run AI). Where a pooler in front of PostgreSQL
      // loses prepared statements, it fails and the batch goes the locked way, as for any failure.
      base = Number((await runPrepared<{ s: number }>(this.pool, APPENDS_ALONE, values)).rows[0]!.s);
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw err;
      return undefined;
    }
    this.written.alone++;
    // The statement numbered them base + 1, base + 2, … in the order of `unique`.
    const seqs = new Map(unique.map((r, i) => [r.m.id, base + i + 1]));
    return () => {
      // Not inserted: a copy of one earlier in this batch (a resend while the first copy waited).
      for (const r of appends) {
        const seq = seqs.get(r.m.id);
        r.resolve(seq === undefined ? { existing: true } : { inserted: seq, createdAt });
      }
    };
  }

  /**
   * Runs the batch in one transaction; returns what settles its requests once committed.
   * BEGIN, the room's locks and a savepoint in one simple query; the appends in one insert;
   * each change's statements; COMMIT. If the batch fails, it is undone to the savepoint and
   * written again one write at a time, each under a savepoint of its own.
   */
  private async transaction(roomId: string, batch: Request[], onLocked: () => void): Promise<() => void> {
    const client = await this.pool.connect();
    let broken: unknown;
    try {
      try {
        const createdAt = new Date();
        const room = client.escapeLiteral(roomId);
        // The counter row's lock orders this batch with every other writer of the room; the
        // advisory lock, with the writers of versions before the counter (a rolling upgrade).
        await client.query(
          `BEGIN; SELECT pg_advisory_xact_lock(hashtext(${room})); INSERT INTO "RoomSeq" ("roomId", "seq") VALUES (${room}, 0) ON CONFLICT ("roomId") DO UPDATE SET "seq" = "RoomSeq"."seq"; SAVEPOINT batch;`,
        );
        onLocked();
        const outcomes = new Map<Request, Outcome>();
        try {
          await this.write(client, roomId, batch, createdAt, outcomes);
        } catch (err) {
          if (isDatabaseUnavailable(err) || isSeqConflict(err)) throw err;
          await client.query("ROLLBACK TO SAVEPOINT batch");
          outcomes.clear();
          for (const r of batch) {
            await client.query("SAVEPOINT one");
            try {
              await this.write(client, roomId, [r], createdAt, outcomes);
              await client.query("RELEASE SAVEPOINT one");
            } catch (e) {
              if (isDatabaseUnavailable(e) || isSeqConflict(e)) throw e;
              await client.query("ROLLBACK TO SAVEPOINT one");
              outcomes.set(r, { failed: e });
            }
          }
        }
        await client.query("COMMIT");
        this.written.locked++;
        return () => {
          for (const r of batch) {
            const outcome = outcomes.get(r)!;
            if ("failed" in outcome) r.reject(outcome.failed);
            else if ("c" in r) r.resolve((outcome as { changed: ChangeRow | null }).changed);
            else r.resolve((outcome as { appended: WrittenAppend }).appended);
          }
        };
      } catch (err) {
        await client.query("ROLLBACK").catch((e: unknown) => (broken = e));
        throw err;
      }
    } catch (err) {
      broken ??= isDatabaseUnavailable(err) ? err : undefined;
      throw err;
    } finally {
      // A connection that failed mid-transaction is not given to the next writer.
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  /** The batch's appends (one insert) and changes, inside the open transaction; notes each outcome. */
  private async write(client: pg.PoolClient, roomId: string, batch: Request[], createdAt: Date, outcomes: Map<Request, Outcome>) {
    const appends = batch.filter((r): r is AppendRequest => "m" in r);
    const unique = uniqueAppends(appends);
    if (unique.length > 0) {
      const inserted = (await client.query<{ id: string; seq: number }>(APPENDS_LOCKED, appendValues(roomId, unique, createdAt))).rows;
      const seqs = new Map(inserted.map((row) => [row.id, Number(row.seq)]));
      await linkFiles(client, roomId, appends.filter((r) => seqs.has(r.m.id) && r.m.attachments?.length));
      for (const r of appends) {
        // Not inserted: stored earlier, or earlier in this batch (a resend while the first copy waited).
        const seq = seqs.get(r.m.id);
        outcomes.set(r, { appended: seq === undefined ? { existing: true } : { inserted: seq, createdAt } });
      }
    }
    for (const r of batch) {
      if (!("c" in r)) continue;
      const { apply, read } = changeStatements("postgresql", r.c, utc(createdAt));
      for (const { sql, params } of apply) await client.query(sql, params);
      outcomes.set(r, { changed: (await client.query<ChangeRow>(read.sql, read.params)).rows[0] ?? null });
    }
  }
}

/**
 * Links the new messages' files to them, in their transaction: each file must still be its
 * author's and free. One taken meanwhile (two sends of one upload at once) fails the batch,
 * which is then written one message at a time: that message fails alone (FILE_TAKEN).
 */
async function linkFiles(client: pg.PoolClient, roomId: string, appends: AppendRequest[]) {
  const files = appends.flatMap((r) => r.m.attachments!.map((a) => ({ id: a.id, message: r.m.id, owner: r.m.author.id })));
  if (files.length === 0) return;
  const { rowCount } = await client.query(
    `UPDATE "StoredFile" f SET "messageId" = t.message, "roomId" = $1
     FROM unnest($2::text[], $3::text[], $4::text[]) AS t(id, message, owner)
     WHERE f."id" = t.id AND f."ownerId" = t.owner AND f."messageId" IS NULL AND f."deletedAt" IS NULL`,
    [roomId, files.map((f) => f.id), files.map((f) => f.message), files.map((f) => f.owner)],
  );
  if (rowCount !== files.length) throw Object.assign(new Error("a file of this message is attached to another one"), { code: "FILE_TAKEN" });
}

type Outcome = { appended: WrittenAppend } | { changed: ChangeRow | null } | { failed: unknown };

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

type AppendRequest = Extract<Request, { m: NewMessage }>;

/** Copies within a batch (a resend while the first copy waited) dropped: the first is written. */
function uniqueAppends(appends: AppendRequest[]): AppendRequest[] {
  const seen = new Set<string>();
  return appends.filter((r) => {
    const key = identity(r.m.author.id, r.m.clientId);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** $1 to $8 of both statements below. */
function appendValues(roomId: string, unique: AppendRequest[], createdAt: Date): unknown[] {
  return [
    roomId,
    utc(createdAt),
    unique.map((r) => r.m.id),
    unique.map((r) => r.m.author.id),
    unique.map((r) => r.m.clientId),
    unique.map((r) => r.m.body),
    unique.map((r) => r.m.replyToId ?? null),
    unique.map((r) => (r.m.attachments?.length ? JSON.stringify(r.m.attachments) : null)),
  ];
}

/**
 * The batch's appends in one statement, two ways, each numbering them from the room's
 * counter and moving it in the same statement, and moving each author's read position to
 * their latest new message (one's own messages are never unread).
 */
const APPEND_INPUT = `SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) WITH ORDINALITY AS t(id, author, client, body, reply, files, n)`;
const insertMessages = (rows: string, number: string) => `INSERT INTO "Message" ("id", "roomId", "seq", "authorId", "clientId", "body", "createdAt", "replyToId", "attachments")
      SELECT f.id, $1, base.s + f.${number}, f.author, f.client, f.body, $2::timestamp(3), f.reply, f.files
      FROM ${rows} f, base`;

/**
 * Appends alone (a transaction of their own): numbers them all and fails whole if one is
 * stored already. Their numbers are known before the insert (the counter's value plus each
 * one's place), so the read positions move from each author's last place ($9, $10), and the
 * statement returns only the counter's value, not a row per message.
 */
const APPENDS_ALONE = `WITH base AS (
        INSERT INTO "RoomSeq" ("roomId", "seq") VALUES ($1, cardinality($3::text[]))
        ON CONFLICT ("roomId") DO UPDATE SET "seq" = "RoomSeq"."seq" + EXCLUDED."seq"
        RETURNING "seq" - cardinality($3::text[]) AS s
      ), ins AS (${insertMessages(`(${APPEND_INPUT})`, "n")}), own AS (
        UPDATE "RoomFollow" rf SET "readSeq" = base.s + a.n FROM base, unnest($9::text[], $10::int[]) AS a(author, n)
        WHERE rf."roomId" = $1 AND rf."userId" = a.author AND rf."readSeq" < base.s + a.n
      ) SELECT s FROM base`;

/**
 * Appends in the locked transaction, whose snapshot is taken under the counter's lock, so it
 * sees every stored message: looks each up first and numbers only the new ones, in arrival
 * order, from the greater of the counter and the room's highest stored number (which mends a
 * counter missing or behind).
 */
const APPENDS_LOCKED = `WITH t AS (${APPEND_INPUT}), fresh AS (
        SELECT t.*, row_number() OVER (ORDER BY t.n) AS k FROM t
        WHERE NOT EXISTS (SELECT 1 FROM "Message" m WHERE m."authorId" = t.author AND m."clientId" = t.client)
      ), base AS (
        UPDATE "RoomSeq" c SET "seq" = GREATEST(c."seq", (SELECT COALESCE(MAX("seq"), 0) FROM "Message" WHERE "roomId" = $1)) + (SELECT count(*) FROM fresh)
        WHERE c."roomId" = $1
        RETURNING c."seq" - (SELECT count(*) FROM fresh) AS s
      ), ins AS (${insertMessages("fresh", "k")} RETURNING "id", "seq", "authorId"), own AS (
        UPDATE "RoomFollow" rf SET "readSeq" = x.seq
        FROM (SELECT "authorId", MAX("seq") AS seq FROM ins GROUP BY "authorId") x
        WHERE rf."roomId" = $1 AND rf."userId" = x."authorId" AND rf."readSeq" < x.seq
      ) SELECT "id", "seq" FROM ins`;
