import type pg from "pg";
import type { ChatMessage, MessageChange } from "../../contract/model";
import type { AppendResult, ChangeResult, MessageRef, MessageRepository, NewChange, NewMessage } from "../ports";
import { CHANGE_SELECT, MESSAGE_SELECT, ORIGINAL_SELECT, REF_SELECT } from "../sql/message-reads";
import { groupReactions, quotesOf, toChange, toMessage, toRef, type ChangeRow, type RefRow, type MessageRow, type OriginalRow, type ReactionRow } from "../sql/rows";
import { runPrepared } from "./pool";
import { PostgresWriter } from "./writer";

/**
 * A page's rows with each message's reactions as one JSON column, in the page's own round
 * trip (one query of the join's eight fewer, and a `writev` less per page: in a reconnect
 * storm the node's sends to PostgreSQL were a quarter of its time; docs/performance.md, run
 * AL). The reactions are read for the page's rows only, after its LIMIT, oldest first
 * (ties by user and emoji), as they were read before.
 */
const withReactions = (page: string, order: "ASC" | "DESC") => `
  SELECT p.*, (
    SELECT json_agg(json_build_object('messageId', r."messageId", 'emoji', r."emoji", 'userId', r."userId", 'userName', ru."name") ORDER BY r."createdAt", r."userId", r."emoji")
    FROM "Reaction" r JOIN "User" ru ON ru."id" = r."userId" WHERE r."messageId" = p."id"
  ) AS "reactions"
  FROM (${page}) p ORDER BY p."seq" ${order}`;

/** The statements, in PostgreSQL's placeholders; a list of ids is one `text[]` parameter. */
const SQL = {
  latest: withReactions(`${MESSAGE_SELECT} WHERE m."roomId" = $1 ORDER BY m."seq" DESC LIMIT $2`, "DESC"),
  before: withReactions(`${MESSAGE_SELECT} WHERE m."roomId" = $1 AND m."seq" < $2 ORDER BY m."seq" DESC LIMIT $3`, "DESC"),
  after: withReactions(`${MESSAGE_SELECT} WHERE m."roomId" = $1 AND m."seq" > $2 ORDER BY m."seq" ASC LIMIT $3`, "ASC"),
  existing: `${MESSAGE_SELECT} WHERE m."authorId" = $1 AND m."clientId" = $2`,
  originalsOf: `${ORIGINAL_SELECT} WHERE m."id" = ANY($1::text[])`,
  changes: `${CHANGE_SELECT} WHERE c."roomId" = $1 AND c."cseq" > $2 ORDER BY c."cseq" ASC LIMIT $3`,
  cursor: `SELECT COALESCE(MAX("cseq"), 0) AS "cursor" FROM "MessageChange" WHERE "roomId" = $1`,
  touched: withReactions(
    `${MESSAGE_SELECT} WHERE m."id" IN (SELECT DISTINCT "messageId" FROM "MessageChange" WHERE "roomId" = $1 AND "cseq" > $2 LIMIT $3)`,
    "ASC",
  ),
  ref: `${REF_SELECT} WHERE m."id" = $1`,
} as const;

/**
 * A join's read in one statement: the change cursor and the page in one snapshot (so the page
 * reflects exactly the changes up to the cursor), one row per message, or a single row with
 * no message when the page is empty.
 */
const withCursor = (page: string, order: "ASC" | "DESC") => `
  SELECT c."changeCursor", p.* FROM (SELECT COALESCE(MAX("cseq"), 0) AS "changeCursor" FROM "MessageChange" WHERE "roomId" = $1) c
  LEFT JOIN (${page}) p ON true ORDER BY p."seq" ${order}`;
const JOIN_SQL = { latest: withCursor(SQL.latest, "DESC"), after: withCursor(SQL.after, "ASC") } as const;

/** A message row read `withReactions`: its reactions (null: none), in `withReactions`' order. */
type PageRow = MessageRow & { reactions: ReactionRow[] | null };

/**
 * The message store on PostgreSQL: appends and changes group-committed per room by the
 * writer (writer.ts) on a `pg` pool of its own; pages, catch-up and the reads a change
 * needs on the read pool, as flat rows mapped once for both engines (`sql/rows.ts`).
 */
export class PostgresMessageStore implements MessageRepository {
  private readonly writer: PostgresWriter;

  constructor(
    private readonly reads: pg.Pool,
    databaseUrl: string,
  ) {
    this.writer = new PostgresWriter(databaseUrl);
  }

  /** Batches written so far, by way (writer.ts): appends alone, or locked. */
  get batchesWritten(): Readonly<{ alone: number; locked: number }> {
    return this.writer.written;
  }

  /** Closes the writer's pool (the read pool is closed by its owner). */
  close(): Promise<void> {
    return this.writer.close();
  }

  private async rows<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> {
    return (await runPrepared<R>(this.reads, sql, params)).rows;
  }

  async append(m: NewMessage): Promise<AppendResult> {
    const written = await this.writer.append(m);
    if ("inserted" in written) {
      const { inserted: seq, createdAt } = written;
      const message: ChatMessage = { id: m.id, roomId: m.roomId, seq, clientId: m.clientId, body: m.body, createdAt: createdAt.toISOString(), author: m.author };
      if (m.attachments?.length) message.attachments = m.attachments;
      return { duplicate: false, message };
    }
    // Stored earlier under the same clientId: the stored copy, as it is now.
    const [existing] = await this.rows<MessageRow>(SQL.existing, [m.author.id, m.clientId]);
    if (!existing) throw new Error(`message ${m.clientId} was neither inserted nor found`);
    return { duplicate: true, message: toMessage(existing) };
  }

  /** Messages read `withReactions`, with their replies' quotes attached (one more query, when a page holds replies). */
  private async complete(rows: PageRow[]): Promise<ChatMessage[]> {
    if (rows.length === 0) return [];
    const replyIds = rows.map((r) => r.replyToId).filter((id): id is string => !!id);
    const originals = replyIds.length > 0 ? await this.rows<OriginalRow>(SQL.originalsOf, [replyIds]) : null;
    const reactions = groupReactions(rows.flatMap((r) => r.reactions ?? []));
    const quotes = originals ? quotesOf(originals) : undefined;
    return rows.map((r) => toMessage(r, reactions.get(r.id), r.replyToId ? quotes?.get(r.replyToId) : undefined));
  }

  async pageBefore(roomId: string, before: number | undefined, limit: number): Promise<ChatMessage[]> {
    const rows = await (before === undefined ? this.rows<PageRow>(SQL.latest, [roomId, limit]) : this.rows<PageRow>(SQL.before, [roomId, before, limit]));
    return this.complete(rows.reverse());
  }

  async joinPage(roomId: string, after: number | undefined, limit: number): Promise<{ changeCursor: number; messages: ChatMessage[] }> {
    const rows = await (after === undefined ? this.rows<PageRow & { changeCursor: number }>(JOIN_SQL.latest, [roomId, limit]) : this.rows<PageRow & { changeCursor: number }>(JOIN_SQL.after, [roomId, after, limit]));
    const messages = rows.filter((r) => r.id !== null);
    return { changeCursor: Number(rows[0]?.changeCursor ?? 0), messages: await this.complete(after === undefined ? messages.reverse() : messages) };
  }

  async pageAfter(roomId: string, after: number, limit: number): Promise<ChatMessage[]> {
    return this.complete(await this.rows<PageRow>(SQL.after, [roomId, after, limit]));
  }

  async findMessage(messageId: string): Promise<MessageRef | null> {
    const [row] = await this.rows<RefRow>(SQL.ref, [messageId]);
    return row ? toRef(row) : null;
  }

  async applyChange(c: NewChange): Promise<ChangeResult | null> {
    // In the room's group commit, the locked way (writer.ts): under the lock appends take across nodes.
    const row = await this.writer.change(c);
    return row ? { change: toChange(row), duplicate: row.id !== c.id } : null;
  }

  async changesAfter(roomId: string, after: number, limit: number): Promise<MessageChange[]> {
    return (await this.rows<ChangeRow>(SQL.changes, [roomId, after, limit])).map(toChange);
  }

  async changedSince(roomId: string, after: number, limit: number): Promise<{ messages: ChatMessage[]; more: boolean }> {
    const rows = await this.rows<PageRow>(SQL.touched, [roomId, after, limit + 1]);
    return { messages: await this.complete(rows.slice(0, limit)), more: rows.length > limit };
  }

  async changeCursor(roomId: string): Promise<number> {
    const [row] = await this.rows<{ cursor: number }>(SQL.cursor, [roomId]);
    return Number(row?.cursor ?? 0);
  }
}
