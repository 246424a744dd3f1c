import { quoteOf, type ChatMessage, type MessageChange, type ReplyQuote } from "../../contract/model";
import type { AppendResult, ChangeResult, MessageRef, MessageRepository, NewChange, NewMessage } from "../repositories";
import type { Prisma } from "../../../generated/prisma/client";
import { providerOf, sqliteFileOf, type Db } from "./client";
// Plain JavaScript shared with the SQLite writer thread.
import { changeStatements } from "./message-changes.sql.mjs";
import { groupReactions, SqliteMessages, toChange, type ChangeRow } from "./sqlite-messages";

const select = {
  id: true,
  roomId: true,
  seq: true,
  clientId: true,
  body: true,
  createdAt: true,
  editedAt: true,
  deletedAt: true,
  replyToId: true,
  author: { select: { id: true, name: true } },
  reactions: { select: { emoji: true, user: { select: { id: true, name: true } } }, orderBy: { createdAt: "asc" } },
} satisfies Prisma.MessageSelect;

type Row = {
  id: string;
  roomId: string;
  seq: number;
  clientId: string;
  body: string;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  replyToId: string | null;
  author: { id: string; name: string };
  reactions: Array<{ emoji: string; user: { id: string; name: string } }>;
};

const toMessage = (r: Row, quotes?: Map<string, ReplyQuote>): ChatMessage => {
  const replyTo = r.replyToId ? quotes?.get(r.replyToId) : undefined;
  const reactions = groupReactions(r.reactions.map((x) => ({ messageId: r.id, emoji: x.emoji, userId: x.user.id, userName: x.user.name }))).get(r.id);
  return {
    id: r.id,
    roomId: r.roomId,
    seq: r.seq,
    clientId: r.clientId,
    body: r.body,
    createdAt: r.createdAt.toISOString(),
    author: { id: r.author.id, name: r.author.name },
    ...(r.editedAt ? { editedAt: r.editedAt.toISOString() } : {}),
    ...(r.deletedAt ? { deleted: true as const } : {}),
    ...(reactions ? { reactions } : {}),
    ...(replyTo ? { replyTo } : {}),
  };
};

/** A timestamp as the change statements write it: UTC, ISO-8601, without the zone. */
const utc = (d: Date) => d.toISOString().replace("Z", "");

/** Enough for many nodes writing one room at once; each retry costs one statement. */
const MAX_SEQ_RETRIES = 50;

/** A unique violation on (roomId, seq): another node took this number first. */
function isSeqConflict(err: unknown): boolean {
  const text = `${(err as Error)?.message ?? ""} ${JSON.stringify((err as { meta?: unknown })?.meta ?? {})}`;
  return /Message_roomId_seq_key|\(roomId, seq\)|"roomId", ?"seq"/.test(text) || (/23505/.test(text) && /seq/.test(text));
}

export class PrismaMessageRepository implements MessageRepository {
  private readonly postgres: boolean;
  /** SQLite (a file): appends (group commit) and pages on a connection of their own. */
  private readonly sqlite: SqliteMessages | undefined;

  constructor(private readonly db: Db) {
    this.postgres = providerOf(db) === "postgresql";
    const file = sqliteFileOf(db);
    this.sqlite = file ? new SqliteMessages(file) : undefined;
  }

  /** Closes the SQLite connection (the Prisma client is closed by its owner). */
  close(): void {
    this.sqlite?.close();
  }

  async append(m: NewMessage): Promise<AppendResult> {
    // On PostgreSQL two nodes may read the same MAX(seq) at once: the second insert then
    // waits for the first to commit and fails on the unique (roomId, seq), and is retried
    // with the next number. A later seq is therefore never visible before an earlier one.
    // (SQLite runs the statement under its single write lock and never gets here.)
    if (this.sqlite) return this.sqlite.append(m);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.appendOnce(m);
      } catch (err) {
        if (attempt >= MAX_SEQ_RETRIES || !isSeqConflict(err)) throw err;
      }
    }
  }

  private insertStatement(m: NewMessage, createdAt: Date) {
    // One statement, so the sequence number and the row are committed together: SQLite runs
    // it under its write lock, and no other statement can interleave with it. (An interactive
    // transaction would hold the adapter's single connection open to every other query.)
    // A repeated (authorId, clientId) inserts nothing and returns no row.
    return this.db.$queryRaw<Array<{ seq: number | bigint }>>`
      INSERT INTO "Message" ("id", "roomId", "seq", "authorId", "clientId", "body", "createdAt", "replyToId")
      SELECT ${m.id}, ${m.roomId}, COALESCE(MAX("seq"), 0) + 1, ${m.author.id}, ${m.clientId}, ${m.body}, ${createdAt}, ${m.replyToId ?? null}
      FROM "Message" WHERE "roomId" = ${m.roomId}
      ON CONFLICT ("authorId", "clientId") DO NOTHING
      RETURNING "seq"`;
  }

  private async appendOnce(m: NewMessage): Promise<AppendResult> {
    const createdAt = new Date();
    const insert = this.insertStatement(m, createdAt);
    // PostgreSQL: the room's advisory lock, taken in the same transaction, queues writers to
    // one room (across nodes) instead of letting them collide and retry; the insert, a
    // statement of its own, then reads MAX(seq) after the previous writer's commit.
    const inserted = this.postgres
      ? (await this.db.$transaction([this.db.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext(${m.roomId}))) AS l`, insert]))[1]
      : await insert;
    return this.outcome(m, createdAt, inserted);
  }

  /** The stored message, or (nothing inserted) the one stored earlier under the same clientId. */
  private async outcome(m: NewMessage, createdAt: Date, inserted: Array<{ seq: number | bigint }>): Promise<AppendResult> {
    if (inserted.length === 1) {
      return {
        duplicate: false,
        message: {
          id: m.id,
          roomId: m.roomId,
          seq: Number(inserted[0]!.seq),
          clientId: m.clientId,
          body: m.body,
          createdAt: createdAt.toISOString(),
          author: m.author,
        },
      };
    }
    const existing = await this.db.message.findUnique({
      where: { authorId_clientId: { authorId: m.author.id, clientId: m.clientId } },
      select,
    });
    if (!existing) throw new Error(`message ${m.clientId} was neither inserted nor found`);
    return { duplicate: true, message: toMessage(existing) };
  }

  async pageBefore(roomId: string, before: number | undefined, limit: number): Promise<ChatMessage[]> {
    if (this.sqlite) return this.sqlite.pageBefore(roomId, before, limit);
    const rows = await this.db.message.findMany({
      where: before === undefined ? { roomId } : { roomId, seq: { lt: before } },
      orderBy: { seq: "desc" },
      take: limit,
      select,
    });
    const quotes = await this.quotes(rows);
    return rows.reverse().map((r) => toMessage(r, quotes));
  }

  async findMessage(messageId: string): Promise<MessageRef | null> {
    if (this.sqlite) return this.sqlite.findMessage(messageId);
    const m = await this.db.message.findUnique({
      where: { id: messageId },
      select: { id: true, roomId: true, seq: true, authorId: true, body: true, deletedAt: true, author: { select: { name: true } } },
    });
    return m ? { id: m.id, roomId: m.roomId, seq: m.seq, authorId: m.authorId, authorName: m.author.name, body: m.body, deleted: m.deletedAt !== null } : null;
  }

  /** Quotes of the messages `rows` reply to, as they are now. */
  private async quotes(rows: Row[]): Promise<Map<string, ReplyQuote> | undefined> {
    const ids = rows.map((r) => r.replyToId).filter((id): id is string => !!id);
    if (ids.length === 0) return undefined;
    const originals = await this.db.message.findMany({
      where: { id: { in: ids } },
      select: { id: true, seq: true, body: true, deletedAt: true, author: { select: { id: true, name: true } } },
    });
    return new Map(originals.map((o) => [o.id, quoteOf({ id: o.id, seq: o.seq, body: o.body, deleted: o.deletedAt !== null, author: o.author })]));
  }

  async applyChange(c: NewChange): Promise<ChangeResult | null> {
    if (this.sqlite) return this.sqlite.change(c);
    // PostgreSQL: the room's advisory lock (the one appends take) queues writers to one
    // room across nodes, so cseq is read after the previous change's commit; the statements
    // then run in the same transaction.
    const { apply, read } = changeStatements("postgresql", c, utc(new Date()));
    const results = await this.db.$transaction([
      this.db.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext(${c.roomId}))) AS l`,
      ...apply.map(({ sql, params }) => this.db.$executeRawUnsafe(sql, ...params)),
      this.db.$queryRawUnsafe<ChangeRow[]>(read.sql, ...read.params),
    ]);
    const row = (results.at(-1) as ChangeRow[])[0];
    return row ? { change: toChange(row), duplicate: row.id !== c.id } : null;
  }

  async changesAfter(roomId: string, after: number, limit: number): Promise<MessageChange[]> {
    if (this.sqlite) return this.sqlite.changesAfter(roomId, after, limit);
    const rows = await this.db.messageChange.findMany({
      where: { roomId, cseq: { gt: after } },
      orderBy: { cseq: "asc" },
      take: limit,
      include: { actor: { select: { name: true } }, message: { select: { seq: true } } },
    });
    return rows.map((r) => toChange({ ...r, actorName: r.actor.name, messageSeq: r.message.seq, kind: r.kind as MessageChange["kind"] }));
  }

  async changedSince(roomId: string, after: number, limit: number): Promise<{ messages: ChatMessage[]; more: boolean }> {
    if (this.sqlite) return this.sqlite.changedSince(roomId, after, limit);
    const touched = await this.db.messageChange.findMany({
      where: { roomId, cseq: { gt: after } },
      distinct: ["messageId"],
      select: { messageId: true },
      take: limit + 1,
    });
    const ids = touched.slice(0, limit).map((t) => t.messageId);
    const rows = await this.db.message.findMany({ where: { id: { in: ids } }, orderBy: { seq: "asc" }, select });
    const quotes = await this.quotes(rows);
    return { messages: rows.map((r) => toMessage(r, quotes)), more: touched.length > limit };
  }

  async changeCursor(roomId: string): Promise<number> {
    if (this.sqlite) return this.sqlite.changeCursor(roomId);
    const { _max } = await this.db.messageChange.aggregate({ where: { roomId }, _max: { cseq: true } });
    return _max.cseq ?? 0;
  }

  async pageAfter(roomId: string, after: number, limit: number): Promise<ChatMessage[]> {
    if (this.sqlite) return this.sqlite.pageAfter(roomId, after, limit);
    const rows = await this.db.message.findMany({
      where: { roomId, seq: { gt: after } },
      orderBy: { seq: "asc" },
      take: limit,
      select,
    });
    const quotes = await this.quotes(rows);
    return rows.map((r) => toMessage(r, quotes));
  }
}
