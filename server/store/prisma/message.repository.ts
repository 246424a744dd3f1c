import type { ChatMessage } from "../../contract/model";
import type { AppendResult, MessageRepository, NewMessage } from "../repositories";
import type { Db } from "./client";

const select = {
  id: true,
  roomId: true,
  seq: true,
  clientId: true,
  body: true,
  createdAt: true,
  author: { select: { id: true, name: true } },
} as const;

type Row = {
  id: string;
  roomId: string;
  seq: number;
  clientId: string;
  body: string;
  createdAt: Date;
  author: { id: string; name: string };
};

const toMessage = (r: Row): ChatMessage => ({
  id: r.id,
  roomId: r.roomId,
  seq: r.seq,
  clientId: r.clientId,
  body: r.body,
  createdAt: r.createdAt.toISOString(),
  author: { id: r.author.id, name: r.author.name },
});

export class PrismaMessageRepository implements MessageRepository {
  constructor(private readonly db: Db) {}

  async append(m: NewMessage): Promise<AppendResult> {
    const createdAt = new Date();
    // One statement, so the sequence number and the row are committed together: SQLite runs
    // it under its write lock, and no other statement can interleave with it. (An interactive
    // transaction would hold the adapter's single connection open to every other query.)
    // A repeated (authorId, clientId) inserts nothing and returns no row.
    const inserted = await this.db.$queryRaw<Array<{ seq: number | bigint }>>`
      INSERT INTO "Message" ("id", "roomId", "seq", "authorId", "clientId", "body", "createdAt")
      SELECT ${m.id}, ${m.roomId}, COALESCE(MAX("seq"), 0) + 1, ${m.author.id}, ${m.clientId}, ${m.body}, ${createdAt}
      FROM "Message" WHERE "roomId" = ${m.roomId}
      ON CONFLICT ("authorId", "clientId") DO NOTHING
      RETURNING "seq"`;
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
    const rows = await this.db.message.findMany({
      where: before === undefined ? { roomId } : { roomId, seq: { lt: before } },
      orderBy: { seq: "desc" },
      take: limit,
      select,
    });
    return rows.reverse().map(toMessage);
  }

  async pageAfter(roomId: string, after: number, limit: number): Promise<ChatMessage[]> {
    const rows = await this.db.message.findMany({
      where: { roomId, seq: { gt: after } },
      orderBy: { seq: "asc" },
      take: limit,
      select,
    });
    return rows.map(toMessage);
  }
}
