import type { AddressRepository } from "../ports";
import type { Db } from "./client";

/**
 * Seen addresses and a ban's holds through Prisma, on either engine: sightings are written at
 * most once per person and address in a while, holds read when a guest arrives (cold paths).
 */
export class PrismaAddressStore implements AddressRepository {
  constructor(private readonly db: Db) {}

  async seen(userId: string, address: string, at: Date): Promise<void> {
    await this.db.seenAddress.upsert({
      where: { userId_address: { userId, address } },
      create: { userId, address, lastSeenAt: at },
      update: { lastSeenAt: at },
    });
  }

  async usedBy(userId: string, since: Date, limit: number): Promise<string[]> {
    const rows = await this.db.seenAddress.findMany({
      where: { userId, lastSeenAt: { gte: since } },
      orderBy: [{ lastSeenAt: "desc" }, { address: "asc" }],
      take: limit,
      select: { address: true },
    });
    return rows.map((r) => r.address);
  }

  async hold(userId: string, addresses: readonly string[], until: Date): Promise<void> {
    await this.db.$transaction(
      addresses.map((address) =>
        this.db.addressBlock.upsert({
          where: { address_userId: { address, userId } },
          create: { address, userId, until },
          update: { until },
        }),
      ),
    );
  }

  async release(userId: string): Promise<number> {
    return (await this.db.addressBlock.deleteMany({ where: { userId } })).count;
  }

  async heldUntil(address: string, now: Date): Promise<Date | null> {
    const row = await this.db.addressBlock.findFirst({ where: { address, until: { gt: now } }, orderBy: { until: "desc" }, select: { until: true } });
    return row?.until ?? null;
  }

  async forget(before: Date): Promise<number> {
    const [seen, held] = await this.db.$transaction([
      this.db.seenAddress.deleteMany({ where: { lastSeenAt: { lt: before } } }),
      this.db.addressBlock.deleteMany({ where: { until: { lt: before } } }),
    ]);
    return seen.count + held.count;
  }
}
