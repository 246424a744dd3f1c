import type pg from "pg";
import type { HandshakeSessionRow } from "../ports";
import type { Db } from "../prisma/client";
import { PrismaSessionStore } from "../prisma/sessions";
import { runPrepared } from "./pool";

const BY_TOKENS_SQL = `SELECT s."id", s."token", s."expiresAt", u."id" AS "userId", u."name", u."image", u."isAnonymous", u."username", u."displayUsername"
  FROM "Session" s JOIN "User" u ON u."id" = s."userId"
  WHERE s."token" = ANY($1::text[])`;

type Row = { id: string; token: string; expiresAt: Date; userId: string; name: string; image: string | null; isAnonymous: boolean; username: string | null; displayUsername: string | null };

/**
 * Sessions on PostgreSQL. The handshake's check (the unexpired sessions of some tokens, with
 * their users) is one query on the store's read pool, as flat rows, where Prisma's client
 * cost the event loop about as much again (every connection and every reconnection makes
 * one; a storm of them is batched per turn of the event loop by `AuthService`). Nothing is
 * cached: a session revoked, expired or deleted behind Parley's back is refused at the next
 * handshake. The rest is Prisma's (prisma/sessions.ts).
 */
export class PostgresSessionStore extends PrismaSessionStore {
  constructor(
    db: Db,
    private readonly pool: pg.Pool,
  ) {
    super(db);
  }

  override async byTokens(tokens: readonly string[], now: Date): Promise<HandshakeSessionRow[]> {
    const { rows } = await runPrepared<Row>(this.pool, BY_TOKENS_SQL, [[...tokens]]);
    // Compared here rather than in SQL: the column is UTC without a zone (read as such by
    // the pool), which a Date parameter would be compared with in the session's time zone.
    return rows.filter((r) => r.expiresAt.getTime() > now.getTime()).map((r) => ({
      id: r.id,
      token: r.token,
      user: { id: r.userId, name: r.name, image: r.image, isAnonymous: r.isAnonymous, username: r.username, displayUsername: r.displayUsername },
    }));
  }
}
