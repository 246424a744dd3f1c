import type Database from "better-sqlite3";
import { sharedReadConnection } from "./sqlite-reader";
import type { RoomSummary, RoomVisibility } from "../../contract/model";

type RoomRow = { id: string; slug: string; name: string; visibility: string; createdById: string; createdAt: string | number | Date };

/** A room as the contract has it, from a row of either reader (Prisma's or this one). */
export const roomSummary = (r: RoomRow): RoomSummary => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  visibility: r.visibility as RoomVisibility,
  ownerId: r.createdById,
  createdAt: new Date(r.createdAt).toISOString(),
});

/**
 * The room reads every join and every search makes, on SQLite: the room by its slug and, for a private
 * room, whether the user is a member. Each is one prepared statement on the shared read
 * connection (sqlite-reader.ts), about 20 µs, where Prisma's query costs about
 * 0.5 ms of the event loop's time. A reconnect storm makes 1,000 of them
 * (docs/performance.md: 2.2–2.4 s → about 1.6 s). Nothing is cached: each call reads the
 * database, so a rename, a deletion or a removal is seen at once, on every node.
 *
 * Writes stay on Prisma (room.repository.ts). WAL mode: these reads never wait for them.
 */
export class SqliteRoomReads {
  private readonly sqlite: Database.Database;
  private readonly releaseReads: () => void;
  private readonly bySlugStatement: Database.Statement<[string], RoomRow>;
  private readonly memberStatement: Database.Statement<[string, string], { one: number }>;
  private readonly visibleStatement: Database.Statement<[string], RoomRow>;
  private readonly visibleIdsStatement: Database.Statement<[string], string>;
  private readonly byIdsStatement: Database.Statement<[string], RoomRow>;
  private readonly blockStatement: Database.Statement<[string, string, string, string], { one: number }>;
  private readonly namesStatement: Database.Statement<[string], [string, string, string]>;

  constructor(file: string) {
    const reads = sharedReadConnection(file);
    this.sqlite = reads.sqlite;
    this.releaseReads = reads.release;
    this.bySlugStatement = this.sqlite.prepare(`SELECT "id", "slug", "name", "visibility", "createdById", "createdAt" FROM "Room" WHERE "slug" = ?`);
    this.memberStatement = this.sqlite.prepare(`SELECT 1 AS "one" FROM "RoomMember" WHERE "roomId" = ? AND "userId" = ?`);
    this.visibleStatement = this.sqlite.prepare(`
      SELECT r."id", r."slug", r."name", r."visibility", r."createdById", r."createdAt" FROM "Room" r
      WHERE r."visibility" = 'public' OR EXISTS (SELECT 1 FROM "RoomMember" m WHERE m."roomId" = r."id" AND m."userId" = ?)
      ORDER BY r."createdAt", r."id"`);
    // The same rule, ids only: the public rooms, then the others the user is a member of.
    this.visibleIdsStatement = this.sqlite
      .prepare<[string], string>(`
        SELECT "id" FROM "Room" WHERE "visibility" = 'public'
        UNION ALL
        SELECT m."roomId" FROM "RoomMember" m JOIN "Room" r ON r."id" = m."roomId" WHERE m."userId" = ? AND r."visibility" <> 'public'`)
      .pluck();
    // Rows as arrays, three columns: a thousand rooms' names in about a millisecond.
    this.namesStatement = this.sqlite
      .prepare<[string], [string, string, string]>(`
        SELECT r."id", r."slug", r."name" FROM "Room" r
        WHERE r."visibility" = 'public'
           OR (r."visibility" = 'private' AND EXISTS (SELECT 1 FROM "RoomMember" m WHERE m."roomId" = r."id" AND m."userId" = ?))`)
      .raw();
    this.blockStatement = this.sqlite.prepare(`
      SELECT 1 AS "one" FROM "UserBlock" WHERE ("blockerId" = ? AND "blockedId" = ?) OR ("blockerId" = ? AND "blockedId" = ?) LIMIT 1`);
    this.byIdsStatement = this.sqlite.prepare(`SELECT "id", "slug", "name", "visibility", "createdById", "createdAt" FROM "Room" WHERE "id" IN (SELECT value FROM json_each(?))`);
  }

  visibleIds(userId: string): string[] {
    return this.visibleIdsStatement.all(userId);
  }

  /** The visible rooms (not direct conversations) whose slug or name is `name`, case ignored. */
  visibleNamed(userId: string, name: string): RoomSummary[] {
    const wanted = name.toLowerCase();
    const ids = this.namesStatement.all(userId).flatMap(([id, slug, roomName]) => (slug.toLowerCase() === wanted || roomName.toLowerCase() === wanted ? [id] : []));
    return this.byIds(ids);
  }

  byIds(ids: string[]): RoomSummary[] {
    return ids.length === 0 ? [] : this.byIdsStatement.all(JSON.stringify(ids)).map(roomSummary);
  }

  bySlug(slug: string): RoomSummary | null {
    const r = this.bySlugStatement.get(slug);
    return r ? roomSummary(r) : null;
  }

  /** Public rooms and the private ones the user belongs to, oldest first (every search reads it). */
  visibleTo(userId: string): RoomSummary[] {
    return this.visibleStatement.all(userId).map(roomSummary);
  }

  /** Whether either blocks the other (every direct message asks). */
  blockedEitherWay(a: string, b: string): boolean {
    return this.blockStatement.get(a, b, b, a) !== undefined;
  }

  isMember(roomId: string, userId: string): boolean {
    return this.memberStatement.get(roomId, userId) !== undefined;
  }

  close(): void {
    this.releaseReads();
  }
}
