import { person, type UserSummary } from "../../contract/model";
import type { DirectoryEntry, InstanceRole, RoleRepository } from "../ports";
import type { Db } from "./client";

const FIRST_ADMIN = "firstAdmin";
const asRole = (role: string): InstanceRole => (role === "admin" ? "admin" : "member");

/**
 * Roles through Prisma, on either engine (a cold path: a role is read once per moderation
 * request and changed rarely); each engine's store adds its search of people.
 */
export abstract class PrismaRoleStore implements RoleRepository {
  constructor(private readonly db: Db) {}

  async roleOf(userId: string): Promise<InstanceRole | null> {
    const user = await this.db.user.findUnique({ where: { id: userId }, select: { role: true } });
    return user ? asRole(user.role) : null;
  }

  async setRole(userId: string, role: InstanceRole): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      // Every role change writes this row first: on PostgreSQL its row lock, on SQLite the
      // write lock, makes two demotions at once take turns, so the count below is current.
      await tx.instanceSetting.upsert({ where: { key: "roles" }, create: { key: "roles", value: "" }, update: { value: "" } });
      const user = await tx.user.findUnique({ where: { id: userId }, select: { role: true } });
      if (!user) return false;
      if (user.role === "admin" && role !== "admin" && (await tx.user.count({ where: { role: "admin" } })) <= 1) return false;
      await tx.user.update({ where: { id: userId }, data: { role }, select: { id: true } });
      return true;
    });
  }

  async claimFirstAdmin(userId: string): Promise<boolean> {
    try {
      // The key is the primary key: of two accounts created at once, one insert succeeds.
      await this.db.instanceSetting.create({ data: { key: FIRST_ADMIN, value: userId } });
    } catch (err) {
      if ((err as { code?: string }).code === "P2002") return false;
      throw err;
    }
    await this.db.user.update({ where: { id: userId }, data: { role: "admin" }, select: { id: true } });
    return true;
  }

  async admins(): Promise<UserSummary[]> {
    const rows = await this.db.user.findMany({ where: { role: "admin" }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true, name: true, image: true } });
    return rows.map((u) => person(u.id, u.name, u.image));
  }

  async promoteUsernames(usernames: readonly string[]): Promise<number> {
    if (usernames.length === 0) return 0;
    const wanted = usernames.map((u) => u.toLowerCase());
    const { count } = await this.db.user.updateMany({ where: { username: { in: wanted }, role: { not: "admin" } }, data: { role: "admin" } });
    return count;
  }

  async isModerator(roomId: string, userId: string): Promise<boolean> {
    return (await this.db.roomModerator.count({ where: { roomId, userId } })) > 0;
  }

  async setModerator(roomId: string, userId: string, appointedById: string, on: boolean): Promise<void> {
    if (on) await this.db.roomModerator.upsert({ where: { roomId_userId: { roomId, userId } }, create: { roomId, userId, appointedById }, update: {} });
    else await this.db.roomModerator.deleteMany({ where: { roomId, userId } });
  }

  /** Each engine's store searches with its own statement (`sqlite/roles.ts`, `postgres/roles.ts`). */
  abstract directory(filter: { query: string; offset: number; limit: number }): Promise<DirectoryEntry[]>;

  async moderators(roomId: string): Promise<UserSummary[]> {
    const rows = await this.db.roomModerator.findMany({
      where: { roomId },
      orderBy: [{ createdAt: "asc" }, { userId: "asc" }],
      select: { user: { select: { id: true, name: true, image: true } } },
    });
    return rows.map((r) => person(r.user.id, r.user.name, r.user.image));
  }
}
