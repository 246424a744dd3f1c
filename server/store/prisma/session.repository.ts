import type { NewGuestSession, SessionRepository, StoredSession } from "../repositories";
import type { Db } from "./client";

export class PrismaSessionRepository implements SessionRepository {
  constructor(private readonly db: Db) {}

  async createGuest({ user, sessionId, tokenHash, expiresAt }: NewGuestSession): Promise<void> {
    await this.db.user.create({
      data: {
        id: user.id,
        displayName: user.name,
        kind: "guest",
        sessions: { create: { id: sessionId, tokenHash, expiresAt } },
      },
    });
  }

  async findByTokenHash(tokenHash: string): Promise<StoredSession | null> {
    const row = await this.db.session.findUnique({
      where: { tokenHash },
      select: { id: true, expiresAt: true, user: { select: { id: true, displayName: true } } },
    });
    if (!row) return null;
    return { sessionId: row.id, expiresAt: row.expiresAt, user: { id: row.user.id, name: row.user.displayName } };
  }

  async delete(sessionId: string): Promise<void> {
    await this.db.session.deleteMany({ where: { id: sessionId } });
  }
}
