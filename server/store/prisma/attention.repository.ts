import type Database from "better-sqlite3";
import type { NotifyLevel } from "../../contract/model";
import type { AttentionRepository, ReadState } from "../repositories";
import { providerOf, sqliteFileOf, type Db } from "./client";
import { sharedReadConnection } from "./sqlite-reader";

type Row = { roomId: string; readSeq: number | bigint; latestSeq: number | bigint; notify: string | null };
const toState = (r: Row): ReadState => ({
  roomId: r.roomId,
  readSeq: Number(r.readSeq),
  latestSeq: Number(r.latestSeq),
  ...(r.notify ? { notify: r.notify as NotifyLevel } : {}),
});

/** A room's latest seq, as SQL (the (roomId, seq) index answers it from its last entry). */
const LATEST = (room: string) => `(SELECT COALESCE(MAX(m."seq"), 0) FROM "Message" m WHERE m."roomId" = ${room})`;

/** The unread messages that mention a user: the (roomId, seq) index bounds the scan, LIKE checks each text. */
const MENTIONS_SQL = `SELECT "seq" FROM "Message" WHERE "roomId" = $1 AND "seq" > $2 AND "authorId" <> $3 AND ("body" LIKE $4 OR "body" LIKE '%<@room>%')
  AND NOT EXISTS (SELECT 1 FROM "UserBlock" b WHERE b."blockerId" = $3 AND b."blockedId" = "Message"."authorId") ORDER BY "seq" LIMIT $5`;
/** MENTIONS_SQL's `$n` in order of appearance, as 0-based indexes: better-sqlite3's `?` are positional. */
const MENTIONS_ORDER = [...MENTIONS_SQL.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]) - 1);

/**
 * Follows and read positions, on SQLite or PostgreSQL: the same SQL on both (CASE rather
 * than GREATEST/MAX, which differ). A join reads the user's read position every time and
 * writes only the first time: on SQLite that read is a prepared statement on the shared
 * read connection (~20 µs, where Prisma costs ~0.5 ms of the event loop), so a reconnect
 * storm of joins costs no writes. Moving a read position is one statement that never moves
 * it back (`CASE WHEN new > old`) and never past the room's latest message.
 */
export class PrismaAttentionRepository implements AttentionRepository {
  private readonly sqlite:
    | {
        db: Database.Database;
        release: () => void;
        one: Database.Statement<[string, string], Row>;
        mentions: Database.Statement<unknown[], { seq: number }>;
      }
    | undefined;

  /**
   * `$n` placeholders as the provider wants them: PostgreSQL takes them as they are;
   * better-sqlite3 takes `?` only, so each becomes one, with its value repeated in order.
   */
  private readonly sql: (text: string, ...args: unknown[]) => [string, ...unknown[]];

  constructor(private readonly db: Db) {
    this.sql =
      providerOf(db) === "postgresql"
        ? (text, ...args) => [text, ...args]
        : (text, ...args) => {
            const ordered: unknown[] = [];
            return [text.replace(/\$(\d+)/g, (_, n: string) => (ordered.push(args[Number(n) - 1]), "?")), ...ordered];
          };
    const file = sqliteFileOf(db);
    if (file) {
      const reads = sharedReadConnection(file);
      this.sqlite = {
        db: reads.sqlite,
        release: reads.release,
        one: reads.sqlite.prepare(`SELECT f."roomId", f."readSeq", f."notify", ${LATEST(`f."roomId"`)} AS "latestSeq" FROM "RoomFollow" f WHERE f."userId" = ? AND f."roomId" = ?`),
        mentions: reads.sqlite.prepare(MENTIONS_SQL.replace(/\$\d+/g, "?")),
      };
    }
  }

  close(): void {
    this.sqlite?.release();
  }

  private async one(userId: string, roomId: string): Promise<ReadState | null> {
    if (this.sqlite) {
      const row = this.sqlite.one.get(userId, roomId);
      return row ? toState(row) : null;
    }
    const rows = await this.db.$queryRawUnsafe<Row[]>(...this.sql(`SELECT f."roomId", f."readSeq", f."notify", ${LATEST(`f."roomId"`)} AS "latestSeq" FROM "RoomFollow" f WHERE f."userId" = $1 AND f."roomId" = $2`, userId, roomId));
    return rows[0] ? toState(rows[0]) : null;
  }

  async follow(userId: string, roomId: string): Promise<ReadState> {
    const known = await this.one(userId, roomId);
    if (known) return known;
    await this.db.$executeRawUnsafe(...this.sql(`INSERT INTO "RoomFollow" ("userId", "roomId", "readSeq") SELECT $1, $2, ${LATEST("$2")} WHERE true ON CONFLICT ("userId", "roomId") DO NOTHING`, userId, roomId));
    return (await this.one(userId, roomId)) ?? { roomId, readSeq: 0, latestSeq: 0 };
  }

  following(userId: string, roomId: string): Promise<ReadState | null> {
    return this.one(userId, roomId);
  }

  async unfollow(userId: string, roomId: string): Promise<void> {
    await this.db.$executeRawUnsafe(...this.sql(`DELETE FROM "RoomFollow" WHERE "userId" = $1 AND "roomId" = $2`, userId, roomId));
  }

  async markRead(userId: string, roomId: string, seq: number): Promise<ReadState> {
    // The position asked for, kept within the room's messages.
    const target = `(SELECT CASE WHEN l.latest < $3 THEN l.latest ELSE $3 END FROM (SELECT ${LATEST("$2")} AS latest) l)`;
    await this.db.$executeRawUnsafe(...this.sql(`INSERT INTO "RoomFollow" ("userId", "roomId", "readSeq") SELECT $1, $2, ${target} WHERE true
       ON CONFLICT ("userId", "roomId") DO UPDATE SET "readSeq" =
         CASE WHEN excluded."readSeq" > "RoomFollow"."readSeq" THEN excluded."readSeq" ELSE "RoomFollow"."readSeq" END`, userId, roomId, seq));
    return (await this.one(userId, roomId)) ?? { roomId, readSeq: 0, latestSeq: 0 };
  }

  async setNotify(userId: string, roomId: string, level: NotifyLevel | null): Promise<ReadState> {
    await this.db.$executeRawUnsafe(
      ...this.sql(
        `INSERT INTO "RoomFollow" ("userId", "roomId", "readSeq", "notify") SELECT $1, $2, ${LATEST("$2")}, CAST($3 AS TEXT) WHERE true
         ON CONFLICT ("userId", "roomId") DO UPDATE SET "notify" = excluded."notify"`,
        userId,
        roomId,
        level,
      ),
    );
    return (await this.one(userId, roomId)) ?? { roomId, readSeq: 0, latestSeq: 0 };
  }

  async markAllRead(userId: string): Promise<ReadState[]> {
    await this.db.$executeRawUnsafe(...this.sql(`UPDATE "RoomFollow" SET "readSeq" = ${LATEST(`"RoomFollow"."roomId"`)} WHERE "userId" = $1`, userId));
    return this.followed(userId);
  }

  async mentionsAfter(userId: string, roomId: string, after: number, limit: number): Promise<number[]> {
    const pattern = `%<@${userId}>%`;
    // A join reads this whenever something is unread: on SQLite a prepared statement (a
    // reconnect storm of joins must not cost a Prisma query each).
    if (this.sqlite) {
      const args = [roomId, after, userId, pattern, limit];
      return this.sqlite.mentions.all(...MENTIONS_ORDER.map((i) => args[i])).map((r) => r.seq);
    }
    const rows = await this.db.$queryRawUnsafe<Array<{ seq: number | bigint }>>(...this.sql(MENTIONS_SQL, roomId, after, userId, pattern, limit));
    return rows.map((r) => Number(r.seq));
  }

  async followerCount(roomId: string): Promise<number> {
    return this.db.roomFollow.count({ where: { roomId } });
  }

  async followed(userId: string): Promise<ReadState[]> {
    const rows = await this.db.$queryRawUnsafe<Row[]>(...this.sql(`SELECT f."roomId", f."readSeq", f."notify", ${LATEST(`f."roomId"`)} AS "latestSeq"
       FROM "RoomFollow" f JOIN "Room" r ON r."id" = f."roomId"
       WHERE f."userId" = $1
         AND (r."visibility" = 'public' OR EXISTS (SELECT 1 FROM "RoomMember" rm WHERE rm."roomId" = r."id" AND rm."userId" = $1))
       ORDER BY f."roomId"`, userId));
    return rows.map(toState);
  }
}
