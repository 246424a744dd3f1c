/**
 * The room reads every join and handshake-time check makes, once, in `$n` placeholders, for
 * both engines' room stores (PostgreSQL's as they are; SQLite's through `positional`,
 * sqlite/attention.ts). Each reads the database: nothing is cached.
 */
const COLUMNS = `r."id", r."slug", r."name", r."visibility", r."createdById", r."createdAt"`;

export const ROOM_SQL = {
  bySlug: `SELECT ${COLUMNS} FROM "Room" r WHERE r."slug" = $1`,
  byId: `SELECT ${COLUMNS} FROM "Room" r WHERE r."id" = $1`,
  /** The rooms a user may see: the public ones and those they are a member of. */
  visible: `SELECT ${COLUMNS} FROM "Room" r
    WHERE r."visibility" = 'public' OR EXISTS (SELECT 1 FROM "RoomMember" m WHERE m."roomId" = r."id" AND m."userId" = $1)
    ORDER BY r."createdAt", r."id"`,
  /** The same rule, ids only: the public rooms, then the others the user is a member of. */
  visibleIds: `SELECT "id" FROM "Room" WHERE "visibility" = 'public'
    UNION ALL
    SELECT m."roomId" FROM "RoomMember" m JOIN "Room" r ON r."id" = m."roomId" WHERE m."userId" = $1 AND r."visibility" <> 'public'`,
  member: `SELECT 1 AS "one" FROM "RoomMember" WHERE "roomId" = $1 AND "userId" = $2`,
  blocked: `SELECT 1 AS "one" FROM "UserBlock" WHERE ("blockerId" = $1 AND "blockedId" = $2) OR ("blockerId" = $2 AND "blockedId" = $1) LIMIT 1`,
  /** Several rooms by id (PostgreSQL; SQLite reads its JSON array instead). */
  byIds: `SELECT ${COLUMNS} FROM "Room" r WHERE r."id" = ANY($1::text[])`,
} as const;
