import { person, type RoomSummary, type UserSummary } from "../../contract/model";
import { SlugTakenError, type NewRoom, type RoomRepository } from "../ports";
import { roomSummary as toSummary } from "../sql/rows";
import type { Db } from "./client";

type PersonRow = { id: string; name: string; image: string | null; isAnonymous: boolean | number | bigint; role: string };

const select = { id: true, slug: true, name: true, visibility: true, createdById: true, createdAt: true } as const;

/**
 * Rooms, members, invites and blocks through Prisma's client, the same on both engines: the
 * PostgreSQL store uses it as it is, the SQLite store (sqlite/rooms.ts) overrides the reads
 * every join makes with statements of its own.
 */
export class PrismaRoomStore implements RoomRepository {
  constructor(protected readonly db: Db) {}

  /** Nothing of its own to release (the Prisma client is closed by its owner). */
  close(): void {}

  async create(room: NewRoom): Promise<RoomSummary> {
    try {
      // One statement: the room and its first member are created together.
      const created = await this.db.room.create({
        data: { ...room, members: { create: { userId: room.createdById } } },
        select,
      });
      return toSummary(created);
    } catch (err) {
      if ((err as { code?: string }).code === "P2002") throw new SlugTakenError(room.slug);
      throw err;
    }
  }

  async findBySlug(slug: string): Promise<RoomSummary | null> {
    const room = await this.db.room.findUnique({ where: { slug }, select });
    return room && toSummary(room);
  }

  async allRooms(page: { offset: number; limit: number }): Promise<RoomSummary[]> {
    const rows = await this.db.room.findMany({ where: { visibility: { not: "direct" } }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: page.offset, take: page.limit, select });
    return rows.map(toSummary);
  }

  async findById(id: string): Promise<RoomSummary | null> {
    const room = await this.db.room.findUnique({ where: { id }, select });
    return room && toSummary(room);
  }

  async listVisibleTo(userId: string): Promise<RoomSummary[]> {
    const rooms = await this.db.room.findMany({
      where: { OR: [{ visibility: "public" }, { members: { some: { userId } } }] },
      select,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    return rooms.map(toSummary);
  }

  async visibleIds(userId: string): Promise<string[]> {
    const rooms = await this.db.room.findMany({ where: { OR: [{ visibility: "public" }, { members: { some: { userId } } }] }, select: { id: true } });
    return rooms.map((r) => r.id);
  }

  async findVisibleNamed(userId: string, name: string): Promise<RoomSummary[]> {
    const wanted = name.toLowerCase();
    const rooms = await this.db.room.findMany({
      where: { OR: [{ visibility: "public" }, { visibility: "private", members: { some: { userId } } }] },
      select,
    });
    return rooms.filter((r) => r.slug.toLowerCase() === wanted || r.name.toLowerCase() === wanted).map(toSummary);
  }

  async findByIds(ids: string[]): Promise<RoomSummary[]> {
    if (ids.length === 0) return [];
    return (await this.db.room.findMany({ where: { id: { in: ids } }, select })).map(toSummary);
  }

  async rename(roomId: string, name: string): Promise<RoomSummary> {
    return toSummary(await this.db.room.update({ where: { id: roomId }, data: { name }, select }));
  }

  async people(room: Pick<RoomSummary, "id" | "ownerId" | "visibility">, filter: { query: string; offset: number; limit: number }): Promise<Array<UserSummary & { guest: boolean; admin: boolean }>> {
    const q = filter.query.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
    const [starts, word] = q === "" ? ["", ""] : [`${q}%`, `% ${q}%`];
    // One statement for both engines (Prisma writes each one's placeholders); the room's people
    // are its members (private rooms, conversations) or followers (public rooms), and its owner.
    const rows =
      room.visibility === "public"
        ? await this.db.$queryRaw<PersonRow[]>`
            SELECT u."id", u."name", u."image", u."isAnonymous", u."role" FROM "User" u
            WHERE (u."id" = ${room.ownerId} OR u."id" IN (SELECT f."userId" FROM "RoomFollow" f WHERE f."roomId" = ${room.id}))
              AND (${starts} = '' OR lower(u."name") LIKE ${starts} ESCAPE '\\' OR lower(u."name") LIKE ${word} ESCAPE '\\')
            ORDER BY lower(u."name"), u."id" LIMIT ${filter.limit} OFFSET ${filter.offset}`
        : await this.db.$queryRaw<PersonRow[]>`
            SELECT u."id", u."name", u."image", u."isAnonymous", u."role" FROM "User" u
            WHERE (u."id" = ${room.ownerId} OR u."id" IN (SELECT m."userId" FROM "RoomMember" m WHERE m."roomId" = ${room.id}))
              AND (${starts} = '' OR lower(u."name") LIKE ${starts} ESCAPE '\\' OR lower(u."name") LIKE ${word} ESCAPE '\\')
            ORDER BY lower(u."name"), u."id" LIMIT ${filter.limit} OFFSET ${filter.offset}`;
    return rows.map((r) => ({ ...person(r.id, r.name, r.image), guest: r.isAnonymous === true || r.isAnonymous === 1 || r.isAnonymous === 1n, admin: r.role === "admin" }));
  }

  async setOwner(roomId: string, userId: string): Promise<RoomSummary> {
    return toSummary(await this.db.room.update({ where: { id: roomId }, data: { createdById: userId }, select }));
  }

  async delete(roomId: string): Promise<void> {
    await this.db.room.deleteMany({ where: { id: roomId } });
  }

  async isMember(roomId: string, userId: string): Promise<boolean> {
    return (await this.db.roomMember.count({ where: { roomId, userId } })) > 0;
  }

  async addMember(roomId: string, userId: string): Promise<void> {
    await this.db.$transaction([
      this.db.roomMember.upsert({ where: { roomId_userId: { roomId, userId } }, create: { roomId, userId }, update: {} }),
      this.db.roomRemoval.deleteMany({ where: { roomId, userId } }),
    ]);
  }

  async removeMember(roomId: string, userId: string, at: Date): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      if ((await tx.roomMember.deleteMany({ where: { roomId, userId } })).count === 0) return false;
      await tx.roomRemoval.upsert({ where: { roomId_userId: { roomId, userId } }, create: { roomId, userId, removedAt: at }, update: { removedAt: at } });
      await tx.roomInvite.deleteMany({ where: { roomId, createdById: userId } });
      return true;
    });
  }

  async removedAt(roomId: string, userId: string): Promise<Date | null> {
    const row = await this.db.roomRemoval.findUnique({ where: { roomId_userId: { roomId, userId } }, select: { removedAt: true } });
    return row?.removedAt ?? null;
  }

  async usersByIds(ids: string[]): Promise<UserSummary[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, image: true } });
    return rows.map((u) => person(u.id, u.name, u.image));
  }

  async members(roomId: string): Promise<UserSummary[]> {
    const rows = await this.db.roomMember.findMany({
      where: { roomId },
      orderBy: { createdAt: "asc" },
      select: { user: { select: { id: true, name: true, image: true } } },
    });
    return rows.map((r) => person(r.user.id, r.user.name, r.user.image));
  }

  async createDirect(room: NewRoom, memberIds: string[]): Promise<boolean> {
    try {
      // One statement, so one commit: the conversation, its members, and each following it.
      await this.db.room.create({
        data: {
          ...room,
          members: { create: memberIds.map((userId) => ({ userId })) },
          followers: { create: memberIds.map((userId) => ({ userId })) },
        },
        select: { id: true },
      });
      return true;
    } catch (err) {
      // The pair's id is the primary key: the other side (or another tab) created it first.
      if ((err as { code?: string }).code === "P2002") return false;
      throw err;
    }
  }

  async findPerson(userId: string): Promise<(UserSummary & { guest: boolean }) | null> {
    const user = await this.db.user.findUnique({ where: { id: userId }, select: { id: true, name: true, image: true, isAnonymous: true } });
    return user && { ...person(user.id, user.name, user.image), guest: user.isAnonymous };
  }

  async lastMessageAt(roomIds: string[]): Promise<Map<string, string>> {
    // The latest seq of each, through the (roomId, seq) index: a few rows, whatever the history.
    const latest = await Promise.all(
      roomIds.map((roomId) => this.db.message.findFirst({ where: { roomId }, orderBy: { seq: "desc" }, select: { roomId: true, createdAt: true } })),
    );
    return new Map(latest.flatMap((m) => (m ? [[m.roomId, m.createdAt.toISOString()] as const] : [])));
  }

  async setBlock(blockerId: string, blockedId: string, on: boolean): Promise<void> {
    if (on) await this.db.userBlock.upsert({ where: { blockerId_blockedId: { blockerId, blockedId } }, create: { blockerId, blockedId }, update: {} });
    else await this.db.userBlock.deleteMany({ where: { blockerId, blockedId } });
  }

  async blockedEitherWay(a: string, b: string): Promise<boolean> {
    const n = await this.db.userBlock.count({ where: { OR: [{ blockerId: a, blockedId: b }, { blockerId: b, blockedId: a }] } });
    return n > 0;
  }

  async blockedBy(userId: string): Promise<UserSummary[]> {
    const rows = await this.db.userBlock.findMany({
      where: { blockerId: userId },
      orderBy: { createdAt: "asc" },
      select: { blocked: { select: { id: true, name: true, image: true } } },
    });
    return rows.map((r) => person(r.blocked.id, r.blocked.name, r.blocked.image));
  }

  async createInvite(invite: { id: string; roomId: string; tokenHash: string; createdById: string; expiresAt: Date }): Promise<void> {
    await this.db.roomInvite.create({ data: invite });
  }

  async findInvite(tokenHash: string, now: Date): Promise<{ roomId: string; createdAt: Date } | null> {
    return this.db.roomInvite.findFirst({ where: { tokenHash, expiresAt: { gt: now } }, select: { roomId: true, createdAt: true } });
  }
}
