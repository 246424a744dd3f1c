import type { FileRepository, StoredFileRecord } from "../ports";
import type { Db } from "./client";

type Row = {
  id: string;
  key: string;
  ownerId: string;
  name: string;
  type: string;
  size: number;
  width: number | null;
  height: number | null;
  thumbWidth: number | null;
  thumbHeight: number | null;
  purpose: string;
  roomId: string | null;
  messageId: string | null;
  createdAt: Date;
  deletedAt: Date | null;
};

const record = (r: Row): StoredFileRecord => ({
  id: r.id,
  key: r.key,
  ownerId: r.ownerId,
  name: r.name,
  type: r.type,
  size: r.size,
  ...(r.width && r.height && r.thumbWidth && r.thumbHeight ? { image: { width: r.width, height: r.height, thumbWidth: r.thumbWidth, thumbHeight: r.thumbHeight } } : {}),
  purpose: r.purpose === "avatar" ? "avatar" : "message",
  roomId: r.roomId,
  messageId: r.messageId,
  createdAt: r.createdAt,
  deleted: r.deletedAt !== null,
});

/**
 * Uploaded files' records through Prisma, on either engine: an upload, a send's check and a
 * download each read one or a few rows by key (a cold path beside the message's append, which
 * links the files in its own commit: sqlite/writer.worker.mjs, postgres/writer.ts).
 */
export class PrismaFileRepository implements FileRepository {
  constructor(private readonly db: Db) {}

  async create(file: Omit<StoredFileRecord, "roomId" | "messageId" | "deleted">): Promise<boolean> {
    const { image, ...rest } = file;
    try {
      await this.db.storedFile.create({
        data: { ...rest, width: image?.width ?? null, height: image?.height ?? null, thumbWidth: image?.thumbWidth ?? null, thumbHeight: image?.thumbHeight ?? null },
      });
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === "P2002") return false;
      throw err;
    }
  }

  async byId(id: string): Promise<StoredFileRecord | null> {
    const row = await this.db.storedFile.findUnique({ where: { id } });
    return row ? record(row) : null;
  }

  async byIds(ids: readonly string[]): Promise<StoredFileRecord[]> {
    if (ids.length === 0) return [];
    return (await this.db.storedFile.findMany({ where: { id: { in: [...ids] } } })).map(record);
  }

  async usage(ownerId: string): Promise<number> {
    const sum = await this.db.storedFile.aggregate({ where: { ownerId, deletedAt: null }, _sum: { size: true } });
    return sum._sum.size ?? 0;
  }

  async sweepable(before: Date, limit: number): Promise<Array<{ id: string; key: string }>> {
    const rows = await this.db.storedFile.findMany({
      where: { OR: [{ deletedAt: { not: null } }, { purpose: { not: "avatar" }, messageId: null, createdAt: { lt: before } }] },
      select: { id: true, key: true },
      take: limit,
    });
    // Avatar uploads that are not their owner's picture now (abandoned, or replaced), a page at a time.
    let after: string | undefined;
    while (rows.length < limit) {
      const page = await this.db.storedFile.findMany({
        where: { purpose: "avatar", deletedAt: null, createdAt: { lt: before }, ...(after ? { id: { gt: after } } : {}) },
        select: { id: true, key: true, owner: { select: { image: true } } },
        orderBy: { id: "asc" },
        take: 500,
      });
      for (const f of page) if (f.owner.image !== f.id && rows.length < limit) rows.push({ id: f.id, key: f.key });
      if (page.length < 500) break;
      after = page[page.length - 1]!.id;
    }
    return rows;
  }

  async setAvatar(userId: string, fileId: string | null): Promise<string | null> {
    const before = await this.db.user.findUnique({ where: { id: userId }, select: { image: true } });
    await this.db.user.update({ where: { id: userId }, data: { image: fileId }, select: { id: true } });
    return before?.image ?? null;
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.db.storedFile.deleteMany({ where: { id: { in: [...ids] } } });
  }

  async existingKeys(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.db.storedFile.findMany({ where: { key: { in: [...keys] } }, select: { key: true } });
    return new Set(rows.map((r) => r.key));
  }
}
