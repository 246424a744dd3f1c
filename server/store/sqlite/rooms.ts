import type Database from "better-sqlite3";
import type { RoomSummary } from "../../contract/model";
import type { Db } from "../prisma/client";
import { PrismaRoomStore } from "../prisma/rooms";
import { roomSummary, type RoomRow } from "../sql/rows";
import { ROOM_SQL } from "../sql/rooms";
import { positional } from "./attention";
import { sharedReadConnection } from "./reader";

/**
 * The room store on SQLite. The reads every join and every search makes (the room by its
 * slug, whether the user is a member, the rooms they may see, blocks) are each one prepared
 * statement on the shared read connection (reader.ts), about 20 µs, where Prisma's query
 * costs about 0.5 ms of the event loop's time. A reconnect storm makes 1,000 of them
 * (docs/performance.md: 2.2–2.4 s → about 1.6 s). Nothing is cached: each call reads the
 * database, so a rename, a deletion or a removal is seen at once, on every node.
 *
 * Writes and cold reads are Prisma's (prisma/rooms.ts). WAL mode: these reads never wait for them.
 */
/**
 * A shared statement's text for better-sqlite3, whose positional arguments each call below
 * passes in `order` (the block check: a, b, b, a); a statement whose placeholders came out in
 * another order would throw here, at start-up, rather than read the wrong rows.
 */
function sqlite(text: string, order: number[]): string {
  const p = positional(text);
  if (p.order.join() !== order.join()) throw new Error(`placeholders in order ${p.order.join()}, called with ${order.join()}`);
  return p.text;
}

export class SqliteRoomStore extends PrismaRoomStore {
  private readonly connection: Database.Database;
  private readonly releaseReads: () => void;
  private readonly bySlugStatement: Database.Statement<[string], RoomRow>;
  private readonly memberStatement: Database.Statement<[string, string], { one: number }>;
  private readonly visibleStatement: Database.Statement<[string], RoomRow>;
  private readonly visibleIdsStatement: Database.Statement<[string], string>;
  private readonly byIdsStatement: Database.Statement<[string], RoomRow>;
  private readonly blockStatement: Database.Statement<[string, string, string, string], { one: number }>;
  private readonly namesStatement: Database.Statement<[string], [string, string, string]>;

  constructor(db: Db, file: string) {
    super(db);
    const reads = sharedReadConnection(file);
    this.connection = reads.sqlite;
    this.releaseReads = reads.release;
    this.bySlugStatement = this.connection.prepare(sqlite(ROOM_SQL.bySlug, [0]));
    this.memberStatement = this.connection.prepare(sqlite(ROOM_SQL.member, [0, 1]));
    this.visibleStatement = this.connection.prepare(sqlite(ROOM_SQL.visible, [0]));
    this.visibleIdsStatement = this.connection.prepare<[string], string>(sqlite(ROOM_SQL.visibleIds, [0])).pluck();
    // Rows as arrays, three columns: a thousand rooms' names in about a millisecond.
    this.namesStatement = this.connection
      .prepare<[string], [string, string, string]>(`
        SELECT r."id", r."slug", r."name" FROM "Room" r
        WHERE r."visibility" = 'public'
           OR (r."visibility" = 'private' AND EXISTS (SELECT 1 FROM "RoomMember" m WHERE m."roomId" = r."id" AND m."userId" = ?))`)
      .raw();
    this.blockStatement = this.connection.prepare(sqlite(ROOM_SQL.blocked, [0, 1, 1, 0]));
    this.byIdsStatement = this.connection.prepare(`SELECT "id", "slug", "name", "visibility", "createdById", "createdAt" FROM "Room" WHERE "id" IN (SELECT value FROM json_each(?))`);
  }

  override async visibleIds(userId: string): Promise<string[]> {
    return this.visibleIdsStatement.all(userId);
  }

  override async findVisibleNamed(userId: string, name: string): Promise<RoomSummary[]> {
    const wanted = name.toLowerCase();
    const ids = this.namesStatement.all(userId).flatMap(([id, slug, roomName]) => (slug.toLowerCase() === wanted || roomName.toLowerCase() === wanted ? [id] : []));
    return this.byIds(ids);
  }

  override async findByIds(ids: string[]): Promise<RoomSummary[]> {
    return this.byIds(ids);
  }

  private byIds(ids: string[]): RoomSummary[] {
    return ids.length === 0 ? [] : this.byIdsStatement.all(JSON.stringify(ids)).map(roomSummary);
  }

  override async findBySlug(slug: string): Promise<RoomSummary | null> {
    const r = this.bySlugStatement.get(slug);
    return r ? roomSummary(r) : null;
  }

  override async listVisibleTo(userId: string): Promise<RoomSummary[]> {
    return this.visibleStatement.all(userId).map(roomSummary);
  }

  override async blockedEitherWay(a: string, b: string): Promise<boolean> {
    return this.blockStatement.get(a, b, b, a) !== undefined;
  }

  override async isMember(roomId: string, userId: string): Promise<boolean> {
    return this.memberStatement.get(roomId, userId) !== undefined;
  }

  override close(): void {
    this.releaseReads();
  }
}
