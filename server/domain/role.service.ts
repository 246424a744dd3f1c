import type { RoomPerson, RoomPowers, RoomSummary, UserSummary } from "../contract/model";
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
    private readonly people: Pick<RoomRepository, "findPerson" | "setOwner" | "people">,
    private readonly options: { adminUsernames?: readonly string[]; firstAccountAdmin?: boolean } = {},
    /** Where appointments and role changes are recorded (absent in some unit tests). */
    private readonly auditor?: Pick<Auditor, "record">,
  ) {}

  /**
   * Hands a room to another person: its owner, or an administrator. The new owner is an
   * account (a guest may be anonymised one day) who may read the room (a private room's
   * member); the previous owner stays on as one of its moderators. Audited. Resolves the room
   * as it is now and who owned it before.
   */
  async transferOwnership(actor: UserSummary, roomId: string, userId: string): Promise<{ room: RoomSummary; previousOwnerId: string }> {
    const room = await this.rooms.requireAccess(actor, roomId);
    if (room.visibility === "direct") throw new DomainError("forbidden", "A direct conversation has no owner to change.");
    if (room.ownerId !== actor.id && !(await this.isAdmin(actor))) throw new DomainError("forbidden", "Only the room's owner or an administrator can hand it over.");
    if (userId === room.ownerId) throw new DomainError("invalid_payload", "They own this room already.");
    const found = await this.people.findPerson(userId);
    if (!found) throw new DomainError("not_found", "There is no such person.");
    if (found.guest) throw new DomainError("forbidden", `${found.name} is a guest: only an account can own a room.`);
    const target: UserSummary = { id: found.id, name: found.name };
    await this.rooms.requireAccess(target, roomId).catch(() => {
      throw new DomainError("forbidden", `${found.name} is not a member of this room: invite them first.`);
    });
    const previousOwnerId = room.ownerId;
    const now = await this.people.setOwner(room.id, target.id);
    // The previous owner keeps moderating it; the new one needs no appointment.
    await this.roles.setModerator(room.id, previousOwnerId, actor.id, true);
    await this.roles.setModerator(room.id, target.id, actor.id, false);
    await this.auditor?.record(actor, "room.transfer", { target, room: now, detail: { previousOwnerId } });
    return { room: now, previousOwnerId };
  }

  /**
   * The room's people for whoever may read it: a private room's members or a public room's
   * followers, and its owner; found by the start of their name or of a word in it (mention
   * suggestions ask the server, so someone offline can be picked), by name, each with their
   * role there.
   */
  async roomPeople(reader: UserSummary, roomId: string, filter: { query?: string; offset?: number; limit?: number }): Promise<RoomPerson[]> {
    const room = await this.rooms.requireAccess(reader, roomId);
    const found = await this.people.people(room, { query: filter.query ?? "", offset: filter.offset ?? 0, limit: filter.limit ?? 50 });
    const moderators = room.visibility === "direct" ? new Set<string>() : new Set(await this.moderatorIds(room.id));
    return found.map(({ guest, admin, ...person }) => ({
      ...person,
      guest,
      role: room.visibility !== "direct" && person.id === room.ownerId ? "owner" : moderators.has(person.id) ? "moderator" : admin ? "admin" : null,
    }));
  }

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
