import type { PushSubscriptionRepository, StoredPushSubscription } from "../ports";
import type { Db } from "./client";

/** Web Push subscriptions through Prisma, on either engine. */
export class PrismaPushSubscriptionStore implements PushSubscriptionRepository {
  constructor(private readonly db: Db) {}

  byEndpoint(endpoint: string): Promise<StoredPushSubscription | null> {
    return this.db.pushSubscription.findUnique({ where: { endpoint } });
  }

  async save(sub: StoredPushSubscription, keep: number): Promise<void> {
    const { id, endpoint, ...rest } = sub;
    await this.db.pushSubscription.upsert({ where: { endpoint }, create: { id, endpoint, ...rest }, update: rest });
    // The newest `keep` stay.
    const stale = await this.db.pushSubscription.findMany({
      where: { userId: sub.userId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: keep,
      select: { id: true },
    });
    if (stale.length > 0) await this.db.pushSubscription.deleteMany({ where: { id: { in: stale.map((s) => s.id) } } });
  }

  forUser(userId: string, now: Date): Promise<StoredPushSubscription[]> {
    return this.db.pushSubscription.findMany({ where: { userId, session: { expiresAt: { gt: now } } } });
  }

  async remove(userId: string, endpoint: string): Promise<void> {
    await this.db.pushSubscription.deleteMany({ where: { userId, endpoint } });
  }

  async removeById(id: string): Promise<void> {
    await this.db.pushSubscription.deleteMany({ where: { id } });
  }
}
