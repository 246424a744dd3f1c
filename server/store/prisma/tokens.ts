import { person, type UserSummary } from "../../contract/model";
import type { StoredToken, TokenRepository } from "../ports";
import type { Db } from "./client";

const summary = { id: true, userId: true, name: true, prefix: true, createdAt: true, lastUsedAt: true } as const;

/** Personal API tokens through Prisma, on either engine (a cold path: a bot's connect, the settings page). */
export class PrismaTokenStore implements TokenRepository {
  constructor(private readonly db: Db) {}

  async isGuest(userId: string): Promise<boolean | null> {
    const user = await this.db.user.findUnique({ where: { id: userId }, select: { isAnonymous: true } });
    return user ? user.isAnonymous : null;
  }

  active(userId: string): Promise<StoredToken[]> {
    return this.db.apiToken.findMany({ where: { userId, revokedAt: null }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: summary });
  }

  create(token: { id: string; userId: string; name: string; prefix: string; tokenHash: string; createdAt: Date }): Promise<StoredToken> {
    return this.db.apiToken.create({ data: token, select: summary });
  }

  async revoke(userId: string, id: string, at: Date): Promise<boolean> {
    const { count } = await this.db.apiToken.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: at } });
    return count > 0;
  }

  async revokeAll(userId: string, at: Date): Promise<number> {
    const { count } = await this.db.apiToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: at } });
    return count;
  }

  async use(tokenHash: string, at: Date): Promise<{ id: string; user: UserSummary } | null> {
    const row = await this.db.apiToken.findUnique({ where: { tokenHash }, select: { id: true, revokedAt: true, user: { select: { id: true, name: true, image: true } } } });
    if (!row || row.revokedAt) return null;
    await this.db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: at } });
    return { id: row.id, user: person(row.user.id, row.user.name, row.user.image) };
  }

  async stillActive(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.apiToken.findMany({ where: { id: { in: [...ids] }, revokedAt: null }, select: { id: true } });
    return new Set(rows.map((r) => r.id));
  }
}
