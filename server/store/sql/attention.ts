import type { NotifyLevel } from "../../contract/model";
import type { AttentionRepository, ReadState } from "../ports";

type Row = { roomId: string; readSeq: number | bigint; latestSeq: number | bigint; notify: string | null };
const toState = (r: Row): ReadState => ({
  roomId: r.roomId,
  readSeq: Number(r.readSeq),
  latestSeq: Number(r.latestSeq),
  ...(r.notify ? { notify: r.notify as NotifyLevel } : {}),
});

/** A room's latest seq, as SQL (the (roomId, seq) index answers it from its last entry). */
const LATEST = (room: string) => `(SELECT COALESCE(MAX(m."seq"), 0) FROM "Message" m WHERE m."roomId" = ${room})`;

/** Every statement, once, in `$n` placeholders (SQLite's store turns them into `?`). */
export const ATTENTION_SQL = {
  one: `SELECT f."roomId", f."readSeq", f."notify", ${LATEST(`f."roomId"`)} AS "latestSeq" FROM "RoomFollow" f WHERE f."userId" = $1 AND f."roomId" = $2`,
  follow: `INSERT INTO "RoomFollow" ("userId", "roomId", "readSeq") SELECT $1, $2, ${LATEST("$2")} WHERE true ON CONFLICT ("userId", "roomId") DO NOTHING`,
  unfollow: `DELETE FROM "RoomFollow" WHERE "userId" = $1 AND "roomId" = $2`,
  // The position asked for, kept within the room's messages; never moved back.
  markRead: `INSERT INTO "RoomFollow" ("userId", "roomId", "readSeq")
       SELECT $1, $2, (SELECT CASE WHEN l.latest < $3 THEN l.latest ELSE $3 END FROM (SELECT ${LATEST("$2")} AS latest) l) WHERE true
       ON CONFLICT ("userId", "roomId") DO UPDATE SET "readSeq" =
         CASE WHEN excluded."readSeq" > "RoomFollow"."readSeq" THEN excluded."readSeq" ELSE "RoomFollow"."readSeq" END`,
  setNotify: `INSERT INTO "RoomFollow" ("userId", "roomId", "readSeq", "notify") SELECT $1, $2, ${LATEST("$2")}, CAST($3 AS TEXT) WHERE true
         ON CONFLICT ("userId", "roomId") DO UPDATE SET "notify" = excluded."notify"`,
  markAllRead: `UPDATE "RoomFollow" SET "readSeq" = ${LATEST(`"RoomFollow"."roomId"`)} WHERE "userId" = $1`,
  /** The unread messages that mention a user: the (roomId, seq) index bounds the scan, LIKE checks each text. */
  mentions: `SELECT "seq" FROM "Message" WHERE "roomId" = $1 AND "seq" > $2 AND "authorId" <> $3 AND ("body" LIKE $4 OR "body" LIKE '%<@room>%')
  AND NOT EXISTS (SELECT 1 FROM "UserBlock" b WHERE b."blockerId" = $3 AND b."blockedId" = "Message"."authorId") ORDER BY "seq" LIMIT $5`,
  followerCount: `SELECT COUNT(*) AS "n" FROM "RoomFollow" WHERE "roomId" = $1`,
  followed: `SELECT f."roomId", f."readSeq", f."notify", ${LATEST(`f."roomId"`)} AS "latestSeq"
       FROM "RoomFollow" f JOIN "Room" r ON r."id" = f."roomId"
       WHERE f."userId" = $1
         AND (r."visibility" = 'public' OR EXISTS (SELECT 1 FROM "RoomMember" rm WHERE rm."roomId" = r."id" AND rm."userId" = $1))
       ORDER BY f."roomId"`,
} as const;

export type AttentionStatement = keyof typeof ATTENTION_SQL;

/**
 * Follows and read positions, written once for both engines as the same SQL (CASE rather
 * than GREATEST/MAX, which differ); each engine's store says how a statement runs
 * (`sqlite/attention.ts`, `postgres/attention.ts`). A join reads the user's read position
 * every time and writes only the first time, so a reconnect storm of joins costs no writes.
 * Moving a read position is one statement that never moves it back (`CASE WHEN new > old`)
 * and never past the room's latest message.
 */
export abstract class SqlAttentionStore implements AttentionRepository {
  /** Runs a statement that writes. */
  protected abstract write(statement: AttentionStatement, args: unknown[]): Promise<void>;
  /** Runs a statement that reads, and answers its rows. */
  protected abstract read<R>(statement: AttentionStatement, args: unknown[]): Promise<R[]>;
  abstract close(): void;

  private async one(userId: string, roomId: string): Promise<ReadState | null> {
    const [row] = await this.read<Row>("one", [userId, roomId]);
    return row ? toState(row) : null;
  }

  async follow(userId: string, roomId: string): Promise<ReadState> {
    const known = await this.one(userId, roomId);
    if (known) return known;
    await this.write("follow", [userId, roomId]);
    return (await this.one(userId, roomId)) ?? { roomId, readSeq: 0, latestSeq: 0 };
  }

  following(userId: string, roomId: string): Promise<ReadState | null> {
    return this.one(userId, roomId);
  }

  async unfollow(userId: string, roomId: string): Promise<void> {
    await this.write("unfollow", [userId, roomId]);
  }

  async markRead(userId: string, roomId: string, seq: number): Promise<ReadState> {
    await this.write("markRead", [userId, roomId, seq]);
    return (await this.one(userId, roomId)) ?? { roomId, readSeq: 0, latestSeq: 0 };
  }

  async setNotify(userId: string, roomId: string, level: NotifyLevel | null): Promise<ReadState> {
    await this.write("setNotify", [userId, roomId, level]);
    return (await this.one(userId, roomId)) ?? { roomId, readSeq: 0, latestSeq: 0 };
  }

  async markAllRead(userId: string): Promise<ReadState[]> {
    await this.write("markAllRead", [userId]);
    return this.followed(userId);
  }

  async mentionsAfter(userId: string, roomId: string, after: number, limit: number): Promise<number[]> {
    const rows = await this.read<{ seq: number | bigint }>("mentions", [roomId, after, userId, `%<@${userId}>%`, limit]);
    return rows.map((r) => Number(r.seq));
  }

  async followerCount(roomId: string): Promise<number> {
    const [row] = await this.read<{ n: number | bigint }>("followerCount", [roomId]);
    return Number(row?.n ?? 0);
  }

  async followed(userId: string): Promise<ReadState[]> {
    return (await this.read<Row>("followed", [userId])).map(toState);
  }
}
