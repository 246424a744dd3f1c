import type { HandshakeSessionRow, SessionStore } from "../ports";
import type { Db } from "./client";

/** Sessions through Prisma, on either engine (SQLite's store reads the handshake's check itself: sqlite/sessions.ts). */
export class PrismaSessionStore implements SessionStore {
  constructor(protected readonly db: Db) {}

  async byTokens(tokens: readonly string[], now: Date): Promise<HandshakeSessionRow[]> {
    return this.db.session.findMany({
      where: { token: { in: [...tokens] }, expiresAt: { gt: now } },
      select: { id: true, token: true, user: { select: { id: true, name: true, image: true, isAnonymous: true, username: true, displayUsername: true } } },
    });
  }

  async live(ids: readonly string[], now: Date): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.session.findMany({ where: { id: { in: [...ids] }, expiresAt: { gt: now } }, select: { id: true } });
    return new Set(rows.map((r) => r.id));
  }

  async usernameTaken(username: string): Promise<boolean> {
    return (await this.db.user.findUnique({ where: { username }, select: { id: true } })) !== null;
  }

  async replace(from: string, to: string): Promise<void> {
    await this.db.$transaction([
      this.db.pushSubscription.updateMany({ where: { sessionId: from }, data: { sessionId: to } }),
      this.db.session.deleteMany({ where: { id: from } }),
    ]);
  }

  async endAll(userId: string, except?: string): Promise<number> {
    const others = except === undefined ? {} : { not: except };
    const [, ended] = await this.db.$transaction([
      this.db.pushSubscription.deleteMany({ where: { userId, ...(except === undefined ? {} : { sessionId: others }) } }),
      this.db.session.deleteMany({ where: { userId, ...(except === undefined ? {} : { id: others }) } }),
    ]);
    return ended.count;
  }

  close(): void {}
}
