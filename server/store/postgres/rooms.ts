import type pg from "pg";
import type { RoomSummary } from "../../contract/model";
import type { Db } from "../prisma/client";
import { PrismaRoomStore } from "../prisma/rooms";
import { roomSummary, type RoomRow } from "../sql/rows";
import { ROOM_SQL } from "../sql/rooms";
import { runPrepared } from "./pool";

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
    const { rows } = await runPrepared<RoomRow>(this.pool, sql, values);
    return rows.map(roomSummary);
  }

  override async findBySlug(slug: string): Promise<RoomSummary | null> {
    return (await this.rooms(ROOM_SQL.bySlug, [slug]))[0] ?? null;
  }

  override async findById(id: string): Promise<RoomSummary | null> {
    return (await this.rooms(ROOM_SQL.byId, [id]))[0] ?? null;
  }

  override async findByIds(ids: string[]): Promise<RoomSummary[]> {
    return ids.length === 0 ? [] : this.rooms(ROOM_SQL.byIds, [ids]);
  }

  override async listVisibleTo(userId: string): Promise<RoomSummary[]> {
    return this.rooms(ROOM_SQL.visible, [userId]);
  }

  override async visibleIds(userId: string): Promise<string[]> {
    const { rows } = await runPrepared<{ id: string }>(this.pool, ROOM_SQL.visibleIds, [userId]);
    return rows.map((r) => r.id);
  }

  override async isMember(roomId: string, userId: string): Promise<boolean> {
    const { rowCount } = await runPrepared(this.pool, ROOM_SQL.member, [roomId, userId]);
    return (rowCount ?? 0) > 0;
  }

  override async blockedEitherWay(a: string, b: string): Promise<boolean> {
    const { rowCount } = await runPrepared(this.pool, ROOM_SQL.blocked, [a, b]);
    return (rowCount ?? 0) > 0;
  }
}
