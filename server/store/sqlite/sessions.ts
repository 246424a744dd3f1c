import type Database from "better-sqlite3";
import type { HandshakeSessionRow } from "../ports";
import type { Db } from "../prisma/client";
import { PrismaSessionStore } from "../prisma/sessions";
import { sharedReadConnection } from "./reader";

type Row = { id: string; token: string; expiresAt: string | number; userId: string; name: string; image: string | null; isAnonymous: number; username: string | null; displayUsername: string | null };

/**
 * Sessions on SQLite. The handshake's check is the sessions of some tokens and their users, in
 * one prepared statement on the shared read connection (reader.ts), about
 * 20 µs where Prisma's query costs about 0.5 ms of the event loop. A reconnect storm makes
 * one per turn of the event loop (`AuthService`'s `perTurnBatch`). Nothing is cached: a
 * session revoked, expired or deleted behind Parley's back is refused at the next
 * handshake.
 */
export class SqliteSessionStore extends PrismaSessionStore {
  private readonly connection: Database.Database;
  private readonly releaseReads: () => void;
  private readonly statement: Database.Statement<[string], Row>;

  constructor(db: Db, file: string) {
    super(db);
    const reads = sharedReadConnection(file);
    this.connection = reads.sqlite;
    this.releaseReads = reads.release;
    this.statement = this.connection.prepare(`
      SELECT s."id", s."token", s."expiresAt", u."id" AS "userId", u."name", u."image", u."isAnonymous", u."username", u."displayUsername"
      FROM "Session" s JOIN "User" u ON u."id" = s."userId"
      WHERE s."token" IN (SELECT "value" FROM json_each(?))`);
  }

  /** The unexpired sessions among `tokens` (compared as dates, whatever their stored form). */
  override async byTokens(tokens: readonly string[], now: Date): Promise<HandshakeSessionRow[]> {
    return this.statement
      .all(JSON.stringify(tokens))
      .filter((r) => new Date(r.expiresAt).getTime() > now.getTime())
      .map((r) => ({
        id: r.id,
        token: r.token,
        user: { id: r.userId, name: r.name, image: r.image, isAnonymous: r.isAnonymous === 1, username: r.username, displayUsername: r.displayUsername },
      }));
  }

  override close(): void {
    this.releaseReads();
  }
}
