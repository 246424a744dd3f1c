import type pg from "pg";
import type { RoomSummary } from "../../contract/model";
import type { Db } from "../prisma/client";
import { PrismaRoomStore } from "../prisma/rooms";
import { roomSummary, type RoomRow } from "../sql/rows";

const COLUMNS = `r."id", r."slug", r."name", r."visibility", r."createdById", r."createdAt"`;

/**
 * The room store on PostgreSQL. The reads every join and handshake-time check makes (the
 * room by its slug or id, whether the user is a member, the rooms they may see, blocks) are
 * each one query on the store's read pool, as flat rows; through Prisma's client each cost
 * the event loop about as much again as the query itself (issue 32: a rejoin on PostgreSQL +
 * Redis cost the node about 6.5 ms of CPU against 2.5 ms on SQLite, whose store reads these
 * with prepared statements, sqlite/rooms.ts). Nothing is cached: each call reads the
 * database, so a rename, a deletion or a removal is seen at once, on every node.
 *
 * Writes and cold reads are Prisma's (prisma/rooms.ts).
 */
export class PostgresRoomStore extends PrismaRoomStore {
  constructor(
    db: Db,
    private readonly pool: pg.Pool,
  ) {
    super(db);
  }

  private async rooms(sql: string, values: unknown[]): Promise<RoomSummary[]> {
    const { rows } = await this.pool.query<RoomRow>(sql, values);
    return rows.map(roomSummary);
  }

  override async findBySlug(slug: string): Promise<RoomSummary | null> {
    return (await this.rooms(`SELECT ${COLUMNS} FROM "Room" r WHERE r."slug" = $1`, [slug]))[0] ?? null;
  }

  override async findById(id: string): Promise<RoomSummary | null> {
    return (await this.rooms(`SELECT ${COLUMNS} FROM "Room" r WHERE r."id" = $1`, [id]))[0] ?? null;
  }

  override async findByIds(ids: string[]): Promise<RoomSummary[]> {
    return ids.length === 0 ? [] : this.rooms(`SELECT ${COLUMNS} FROM "Room" r WHERE r."id" = ANY($1::text[])`, [ids]);
  }

  override async listVisibleTo(userId: string): Promise<RoomSummary[]> {
    return this.rooms(
      `SELECT ${COLUMNS} FROM "Room" r
       WHERE r."visibility" = 'public' OR EXISTS (SELECT 1 FROM "RoomMember" m WHERE m."roomId" = r."id" AND m."userId" = $1)
       ORDER BY r."createdAt", r."id"`,
      [userId],
    );
  }

  override async visibleIds(userId: string): Promise<string[]> {
    // The public rooms, then the others the user is a member of (the same rule as listVisibleTo).
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT "id" FROM "Room" WHERE "visibility" = 'public'
       UNION ALL
       SELECT m."roomId" FROM "RoomMember" m JOIN "Room" r ON r."id" = m."roomId" WHERE m."userId" = $1 AND r."visibility" <> 'public'`,
      [userId],
    );
    return rows.map((r) => r.id);
  }

  override async isMember(roomId: string, userId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(`SELECT 1 FROM "RoomMember" WHERE "roomId" = $1 AND "userId" = $2`, [roomId, userId]);
    return (rowCount ?? 0) > 0;
  }

  override async blockedEitherWay(a: string, b: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `SELECT 1 FROM "UserBlock" WHERE ("blockerId" = $1 AND "blockedId" = $2) OR ("blockerId" = $2 AND "blockedId" = $1) LIMIT 1`,
      [a, b],
    );
    return (rowCount ?? 0) > 0;
  }
}
