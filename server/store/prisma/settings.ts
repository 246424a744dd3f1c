import type { GuestRepository, SettingsRepository } from "../ports";
import type { Db } from "./client";

/** Settings in `InstanceSetting`, on either engine (read a few times a minute at most: cached by the domain). */
export class PrismaSettingsStore implements SettingsRepository {
  constructor(private readonly db: Db) {}

  async read(keys: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.db.instanceSetting.findMany({ where: { key: { in: [...keys] } }, select: { key: true, value: true } });
    return new Map(rows.map((r) => [r.key, r.value]));
  }

  async write(key: string, value: string | null): Promise<void> {
    if (value === null) await this.db.instanceSetting.deleteMany({ where: { key } });
    else await this.db.instanceSetting.upsert({ where: { key }, create: { key, value }, update: { value } });
  }
}

/** Idle guests through Prisma, on either engine (the hourly sweep and the command line: a cold path). */
export class PrismaGuestStore implements GuestRepository {
  constructor(private readonly db: Db) {}

  async idle(cutoff: Date, departed: string, limit: number): Promise<string[]> {
    const rows = await this.db.user.findMany({
      where: {
        isAnonymous: true,
        createdAt: { lt: cutoff },
        sessions: { none: { updatedAt: { gte: cutoff } } },
        OR: [{ sessions: { some: {} } }, { name: { not: departed } }, { image: { not: null } }],
      },
      orderBy: { createdAt: "asc" },
      take: limit,
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  async anonymise(userId: string, name: string): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.user.updateMany({ where: { id: userId, isAnonymous: true }, data: { name, image: null } });
      if (count === 0) return false;
      // Its sessions' push subscriptions go with them (cascade).
      await tx.session.deleteMany({ where: { userId } });
      return true;
    });
  }
}
