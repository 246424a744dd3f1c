import { quoteOf, type ChatMessage, type MessageChange, type ReplyQuote } from "../../contract/model";
import type { AppendResult, ChangeResult, MessageRef, MessageRepository, NewChange, NewMessage } from "../ports";
import type { Prisma } from "../../../generated/prisma/client";
import type { Db } from "../prisma/client";
import { groupReactions, toChange } from "../sql/rows";
import { PostgresWriter } from "./writer";

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

/**
 * The message store on PostgreSQL: appends and changes group-committed per room by the
 * writer (writer.ts) on a `pg` pool of its own; pages and catch-up read through Prisma.
 */
export class PostgresMessageStore implements MessageRepository {
  private readonly writer: PostgresWriter;

  constructor(
    private readonly db: Db,
    databaseUrl: string,
  ) {
    this.writer = new PostgresWriter(databaseUrl);
  }

  /** Closes the writer's pool (the Prisma client is closed by its owner). */
  close(): Promise<void> {
    return this.writer.close();
  }

  async append(m: NewMessage): Promise<AppendResult> {
    const written = await this.writer.append(m);
    if ("inserted" in written) {
      const { inserted: seq, createdAt } = written;
      return { duplicate: false, message: { id: m.id, roomId: m.roomId, seq, clientId: m.clientId, body: m.body, createdAt: createdAt.toISOString(), author: m.author } };
    }
    // Stored earlier under the same clientId: the stored copy, as it is now.
    const existing = await this.db.message.findUnique({ where: { authorId_clientId: { authorId: m.author.id, clientId: m.clientId } }, select });
    if (!existing) throw new Error(`message ${m.clientId} was neither inserted nor found`);
    return { duplicate: true, message: toMessage(existing) };
  }

  async pageBefore(roomId: string, before: number | undefined, limit: number): Promise<ChatMessage[]> {
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
    // In the room's group commit, under its advisory lock (the one appends take across nodes).
    const row = await this.writer.change(c);
    return row ? { change: toChange(row), duplicate: row.id !== c.id } : null;
  }

  async changesAfter(roomId: string, after: number, limit: number): Promise<MessageChange[]> {
    const rows = await this.db.messageChange.findMany({
      where: { roomId, cseq: { gt: after } },
      orderBy: { cseq: "asc" },
      take: limit,
      include: { actor: { select: { name: true } }, message: { select: { seq: true } } },
    });
    return rows.map((r) => toChange({ ...r, actorName: r.actor.name, messageSeq: r.message.seq, kind: r.kind as MessageChange["kind"] }));
  }

  async changedSince(roomId: string, after: number, limit: number): Promise<{ messages: ChatMessage[]; more: boolean }> {
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
    const { _max } = await this.db.messageChange.aggregate({ where: { roomId }, _max: { cseq: true } });
    return _max.cseq ?? 0;
  }

  async pageAfter(roomId: string, after: number, limit: number): Promise<ChatMessage[]> {
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
