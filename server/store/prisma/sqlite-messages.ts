import Database from "better-sqlite3";
import type { ChatMessage } from "../../contract/model";
import type { AppendResult, NewMessage } from "../repositories";

/** The most appends one transaction takes. */
const MAX_BATCH = 512;
/** How long to wait before trying again when another connection holds SQLite's write lock. */
const BUSY_RETRY_MS = 2;

interface Pending {
  m: NewMessage;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

type MessageRow = { id: string; roomId: string; seq: number; clientId: string; body: string; createdAt: string | number; authorId: string; authorName: string };

const toMessage = (r: MessageRow): ChatMessage => ({
  id: r.id,
  roomId: r.roomId,
  seq: r.seq,
  clientId: r.clientId,
  body: r.body,
  createdAt: new Date(r.createdAt).toISOString(),
  author: { id: r.authorId, name: r.authorName },
});

/** Timestamps as Prisma's better-sqlite3 adapter writes them (its default "iso8601" format). */
const sqliteTimestamp = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

/**
 * Messages on SQLite, on a better-sqlite3 connection of their own with prepared statements:
 * the hot path's append, and the pages read on every join and catch-up.
 *
 * Appends use group commit: the appends that arrive while the event loop is busy
 * are written together in one transaction, one commit (one fsync under synchronous=FULL),
 * and each caller is answered after it. It is the same statement as through Prisma
 * (`message.repository.ts`), without Prisma's per-statement cost (~0.3 ms in its engine-less
 * mode against ~15 µs here: docs/performance.md).
 *
 * The connection never waits for SQLite's write lock (busy_timeout 0): Prisma's connection
 * may hold it across awaits in a transaction of its own, so a blocking wait on this thread
 * could never end. A busy batch is retried a moment later instead. A batch that fails
 * otherwise is written again one append at a time, so that one bad message fails alone.
 */
export class SqliteMessages {
  private readonly sqlite: Database.Database;
  private readonly insert: Database.Statement;
  private readonly existing: Database.Statement;
  private readonly latest: Database.Statement;
  private readonly before: Database.Statement;
  private readonly after: Database.Statement;
  private readonly pending: Pending[] = [];
  private scheduled = false;

  constructor(file: string) {
    this.sqlite = new Database(file);
    this.sqlite.pragma("journal_mode = WAL");
    this.sqlite.pragma("synchronous = FULL");
    this.sqlite.pragma("foreign_keys = ON");
    this.sqlite.pragma("busy_timeout = 0");
    this.insert = this.sqlite.prepare(`
      INSERT INTO "Message" ("id", "roomId", "seq", "authorId", "clientId", "body", "createdAt")
      SELECT ?, ?, COALESCE(MAX("seq"), 0) + 1, ?, ?, ?, ? FROM "Message" WHERE "roomId" = ?
      ON CONFLICT ("authorId", "clientId") DO NOTHING
      RETURNING "seq"`);
    this.existing = this.sqlite.prepare(`
      SELECT m."id", m."roomId", m."seq", m."clientId", m."body", m."createdAt", m."authorId", u."name" AS "authorName"
      FROM "Message" m JOIN "User" u ON u."id" = m."authorId"
      WHERE m."authorId" = ? AND m."clientId" = ?`);
    // Pages: one statement with the author's name joined, where Prisma runs two (the
    // messages, then their authors) at ~0.5 ms each; a rejoin reads two pages.
    const page = (where: string, order: "ASC" | "DESC") =>
      this.sqlite.prepare(`
        SELECT m."id", m."roomId", m."seq", m."clientId", m."body", m."createdAt", m."authorId", u."name" AS "authorName"
        FROM "Message" m JOIN "User" u ON u."id" = m."authorId"
        WHERE ${where} ORDER BY m."seq" ${order} LIMIT ?`);
    this.latest = page(`m."roomId" = ?`, "DESC");
    this.before = page(`m."roomId" = ? AND m."seq" < ?`, "DESC");
    this.after = page(`m."roomId" = ? AND m."seq" > ?`, "ASC");
  }

  /** Up to `limit` messages before `before` (the latest without it), oldest first. */
  pageBefore(roomId: string, before: number | undefined, limit: number): ChatMessage[] {
    const rows = (before === undefined ? this.latest.all(roomId, limit) : this.before.all(roomId, before, limit)) as MessageRow[];
    return rows.reverse().map(toMessage);
  }

  /** Up to `limit` messages after `after`, oldest first. */
  pageAfter(roomId: string, after: number, limit: number): ChatMessage[] {
    return (this.after.all(roomId, after, limit) as MessageRow[]).map(toMessage);
  }

  append(m: NewMessage): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ m, resolve, reject });
      this.schedule(0);
    });
  }

  close(): void {
    this.sqlite.close();
  }

  private schedule(delayMs: number) {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.flush();
    };
    if (delayMs > 0) setTimeout(run, delayMs);
    else setImmediate(run);
  }

  private flush() {
    while (this.pending.length > 0) {
      const batch = this.pending.slice(0, MAX_BATCH);
      const createdAt = Date.now();
      let outcomes: AppendResult[];
      try {
        outcomes = this.sqlite.transaction(() => batch.map((b) => this.write(b.m, createdAt)))();
      } catch (err) {
        if (isBusy(err)) return this.schedule(BUSY_RETRY_MS);
        // One at a time: each fails or succeeds on its own.
        for (const b of this.pending.splice(0, batch.length)) {
          try {
            b.resolve(this.sqlite.transaction(() => this.write(b.m, Date.now()))());
          } catch (one) {
            if (isBusy(one)) {
              this.pending.unshift(b);
              return this.schedule(BUSY_RETRY_MS);
            }
            b.reject(one);
          }
        }
        continue;
      }
      this.pending.splice(0, batch.length);
      batch.forEach((b, i) => b.resolve(outcomes[i]!));
    }
  }

  private write(m: NewMessage, createdAt: number): AppendResult {
    const row = this.insert.get(m.id, m.roomId, m.author.id, m.clientId, m.body, sqliteTimestamp(createdAt), m.roomId) as { seq: number } | undefined;
    if (row) {
      const message: ChatMessage = { id: m.id, roomId: m.roomId, seq: row.seq, clientId: m.clientId, body: m.body, createdAt: new Date(createdAt).toISOString(), author: m.author };
      return { duplicate: false, message };
    }
    const e = this.existing.get(m.author.id, m.clientId) as MessageRow | undefined;
    if (!e) throw new Error(`message ${m.clientId} was neither inserted nor found`);
    return { duplicate: true, message: toMessage(e) };
  }
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? "";
  return code === "SQLITE_BUSY" || code.startsWith("SQLITE_BUSY_") || code === "SQLITE_LOCKED";
}
