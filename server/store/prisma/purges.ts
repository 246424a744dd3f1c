import type { PurgeRepository, PurgeState, PurgeTarget, StoredPurge } from "../ports";
import type { Db } from "./client";

const unfinished = { in: ["pending", "running"] };
const fields = { id: true, userId: true, userName: true, actorId: true, actorName: true, removerId: true, reason: true, state: true, cursor: true, removed: true, createdAt: true, finishedAt: true } as const;
const asStored = <T extends { state: string }>(row: T) => ({ ...row, state: row.state as PurgeState });

/**
 * Removal tasks through Prisma, on either engine (a few per day at most: a cold path). A
 * lease is taken and kept by conditional updates (`updateMany` on the owner or an expired
 * lease), so two nodes never run one task at once.
 */
export class PrismaPurgeStore implements PurgeRepository {
  constructor(private readonly db: Db) {}

  async file(p: Parameters<PurgeRepository["file"]>[0]): Promise<{ purge: StoredPurge; created: boolean }> {
    const open = await this.db.messagePurge.findFirst({ where: { userId: p.userId, state: unfinished }, select: fields });
    if (open) return { purge: asStored(open), created: false };
    return { purge: asStored(await this.db.messagePurge.create({ data: p, select: fields })), created: true };
  }

  async claim(owner: string, now: Date, until: Date): Promise<StoredPurge | null> {
    const free = { state: unfinished, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] };
    // Another node may take the same one between the read and the update: then try the next.
    for (let attempt = 0; attempt < 3; attempt++) {
      const candidate = await this.db.messagePurge.findFirst({ where: free, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true } });
      if (!candidate) return null;
      const { count } = await this.db.messagePurge.updateMany({ where: { id: candidate.id, ...free }, data: { state: "running", leaseOwner: owner, leaseUntil: until } });
      if (count === 1) return asStored(await this.db.messagePurge.findUniqueOrThrow({ where: { id: candidate.id }, select: fields }));
    }
    return null;
  }

  async progress(id: string, owner: string, step: { cursor: string; removed: number; until: Date }): Promise<boolean> {
    const { count } = await this.db.messagePurge.updateMany({
      where: { id, leaseOwner: owner, state: "running" },
      data: { cursor: step.cursor, removed: { increment: step.removed }, leaseUntil: step.until },
    });
    return count === 1;
  }

  async finish(id: string, owner: string, state: "done" | "stopped", at: Date): Promise<boolean> {
    const { count } = await this.db.messagePurge.updateMany({ where: { id, leaseOwner: owner, state: "running" }, data: { state, finishedAt: at, leaseOwner: null, leaseUntil: null } });
    return count === 1;
  }

  async list(limit: number): Promise<StoredPurge[]> {
    return (await this.db.messagePurge.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit, select: fields })).map(asStored);
  }

  async remaining(userId: string, after: string, limit: number): Promise<PurgeTarget[]> {
    // The (authorId, clientId) unique index walks the person's messages in order.
    return this.db.message.findMany({
      where: { authorId: userId, clientId: { gt: after }, deletedAt: null },
      orderBy: { clientId: "asc" },
      take: limit,
      select: { id: true, roomId: true, clientId: true },
    });
  }
}
