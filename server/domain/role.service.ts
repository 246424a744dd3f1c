import type { RoomPowers, RoomSummary, UserSummary } from "../contract/model";
import type { DirectoryEntry, InstanceRole, RoleRepository, RoomRepository } from "../store/ports";
import { DomainError } from "./errors";
import type { Actor, Auditor } from "./moderation.service";
import type { RoomService } from "./room.service";

/** What a role lets one do in a room (a mute is the moderation service's: `RoomPowers.muted`). */
export type RoomRoles = Omit<RoomPowers, "muted">;

const NONE: RoomRoles = { moderate: false, appoint: false };

/**
 * Roles: administrators (instance-wide) and each room's owner and moderators. Every check
 * reads the role now, at the request that needs it: a demotion counts from the next request.
 * Direct conversations have no moderators: only their two people act in them.
 */
export class RoleService {
  constructor(
    private readonly roles: RoleRepository,
    private readonly rooms: RoomService,
    private readonly people: Pick<RoomRepository, "findPerson">,
    private readonly options: { adminUsernames?: readonly string[]; firstAccountAdmin?: boolean } = {},
    /** Where appointments and role changes are recorded (absent in some unit tests). */
    private readonly auditor?: Pick<Auditor, "record">,
  ) {}

  async isAdmin(user: UserSummary): Promise<boolean> {
    return (await this.roles.roleOf(user.id)) === "admin";
  }

  /** `user`'s powers in the room, read now (`not_found` if they may not read it). */
  async powers(user: UserSummary, roomId: string): Promise<RoomRoles> {
    return this.powersIn(user, await this.rooms.requireAccess(user, roomId));
  }

  /** `user`'s powers in a room they may read (checked by the caller). */
  async powersIn(user: UserSummary, room: RoomSummary): Promise<RoomRoles> {
    if (room.visibility === "direct") return NONE;
    const owner = room.ownerId === user.id;
    const admin = await this.isAdmin(user);
    if (owner || admin) return { moderate: true, appoint: true };
    return { moderate: await this.roles.isModerator(room.id, user.id), appoint: false };
  }

  /** The room's moderators, for whoever may read it. */
  async moderators(reader: UserSummary, roomId: string): Promise<UserSummary[]> {
    await this.rooms.requireAccess(reader, roomId);
    return this.roles.moderators(roomId);
  }

  /**
   * Appoints (or dismisses) a moderator of a room: by its owner or an administrator; an
   * account that may read the room (guests cannot moderate). Resolves the room's moderators now.
   */
  async setModerator(actor: UserSummary, roomId: string, userId: string, on: boolean): Promise<{ room: RoomSummary; moderators: UserSummary[] }> {
    const room = await this.rooms.requireAccess(actor, roomId);
    if (!(await this.powersIn(actor, room)).appoint) throw new DomainError("forbidden", "Only the room's owner or an administrator can appoint its moderators.");
    if (on) {
      const person = await this.people.findPerson(userId);
      if (!person) throw new DomainError("not_found", "There is no such person.");
      if (person.guest) throw new DomainError("forbidden", "Guests cannot moderate: they need an account first.");
      await this.rooms.requireAccess(person, roomId).catch(() => {
        throw new DomainError("forbidden", `${person.name} cannot read this room.`);
      });
    }
    await this.roles.setModerator(roomId, userId, actor.id, on);
    const target = await this.people.findPerson(userId);
    await this.auditor?.record(actor, on ? "room.moderator.appoint" : "room.moderator.dismiss", { target: target ? { id: target.id, name: target.name } : { id: userId, name: "" }, room });
    return { room, moderators: await this.roles.moderators(roomId) };
  }

  /** An administrator (or the operator) changes someone's instance role; the last administrator stays one. */
  async setRole(actor: Actor, userId: string, role: InstanceRole): Promise<void> {
    if (actor.id !== null && !(await this.isAdmin(actor))) throw new DomainError("forbidden", "Only an administrator can change roles.");
    const person = await this.people.findPerson(userId);
    if (!person) throw new DomainError("not_found", "There is no such person.");
    if (person.guest && role === "admin") throw new DomainError("forbidden", "A guest cannot be an administrator: they need an account first.");
    if (!(await this.roles.setRole(userId, role))) {
      throw new DomainError("forbidden", "The instance needs an administrator: make someone else one first.");
    }
    await this.auditor?.record(actor, "user.role", { target: { id: person.id, name: person.name }, detail: { role } });
  }

  /**
   * A new account (or a guest who made one): the first of all becomes the first
   * administrator, atomically (unless FIRST_ACCOUNT_ADMIN=false); so does any named in
   * ADMIN_USERNAMES.
   */
  async accountCreated(user: UserSummary, username: string): Promise<void> {
    const named = (this.options.adminUsernames ?? []).some((u) => u.toLowerCase() === username.toLowerCase());
    if (this.options.firstAccountAdmin !== false && (await this.roles.claimFirstAdmin(user.id))) return;
    if (named) await this.roles.setRole(user.id, "admin");
  }

  /** The instance's people, newest first (no check: the caller is an administrator or the operator). */
  directory(filter: { query: string; offset: number; limit: number }): Promise<DirectoryEntry[]> {
    return this.roles.directory(filter);
  }

  /** A room's moderators (no access check: the caller made it). */
  moderatorsOf(roomId: string): Promise<UserSummary[]> {
    return this.roles.moderators(roomId);
  }

  /** The ids of the administrators. */
  async adminIds(): Promise<string[]> {
    return (await this.roles.admins()).map((u) => u.id);
  }

  /** The ids of a room's moderators (no access check: the caller made it). */
  async moderatorIds(roomId: string): Promise<string[]> {
    return (await this.roles.moderators(roomId)).map((u) => u.id);
  }

  /** A person by id with their current name, or null. */
  async person(userId: string): Promise<UserSummary | null> {
    const found = await this.people.findPerson(userId);
    return found ? { id: found.id, name: found.name } : null;
  }

  /** At start: the accounts named in ADMIN_USERNAMES that exist yet are administrators. */
  promoteNamed(): Promise<number> {
    return this.roles.promoteUsernames(this.options.adminUsernames ?? []);
  }
}
