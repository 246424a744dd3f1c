import type { AdminPerson, AdminRoom, AuditRecord, MuteState, PurgeSummary, RoomPowers, RoomSummary, SanctionSummary, UserSummary } from "../contract/model";
import { INSTANCE_SCOPE, type AuditEntry, type AuditRepository, type RoomRepository, type Sanction, type SanctionRepository, type SessionStore, type TokenRepository } from "../store/ports";
import { parseDirectRoomId } from "../contract/direct";
import { DomainError } from "./errors";
import type { AddressBook } from "./address-book";
import type { PurgeService } from "./purge.service";
import type { SettingsService } from "./settings.service";
import type { RoleService } from "./role.service";
import type { RoomService } from "./room.service";

/** The longest a mute, kick or ban may be set for (longer: until lifted). */
export const MAX_SANCTION_MINUTES = 366 * 24 * 60;
/** A kick from a public room keeps the person out this long unless the moderator says otherwise. */
export const DEFAULT_KICK_MINUTES = 60;

/** Who acts: a signed-in person, or the operator at the command line (`null` id). */
export type Actor = UserSummary | { id: null; name: string };

const isOperator = (actor: Actor): actor is { id: null; name: string } => actor.id === null;

/**
 * Writes every moderation and administration action to the audit log, with names as they
 * were at the time (the log outlives renames and deletions).
 */
export class Auditor {
  constructor(private readonly audit: AuditRepository, private readonly now: () => Date = () => new Date()) {}

  record(actor: Actor, action: string, about: { target?: UserSummary | null; room?: Pick<RoomSummary, "id" | "name"> | null; reason?: string; detail?: Record<string, unknown> } = {}): Promise<AuditEntry> {
    return this.audit.record({
      at: this.now(),
      actorId: actor.id,
      actorName: actor.name,
      action,
      targetId: about.target?.id ?? null,
      targetName: about.target?.name ?? null,
      roomId: about.room?.id ?? null,
      roomName: about.room?.name ?? null,
      reason: about.reason ?? "",
      detail: about.detail ?? {},
    });
  }

  list(before: { at: Date; id: string } | undefined, limit: number): Promise<AuditEntry[]> {
    return this.audit.list({ ...(before ? { before } : {}), limit });
  }
}

export const toAuditRecord = (e: AuditEntry): AuditRecord => ({
  id: e.id,
  at: e.at.toISOString(),
  actor: e.actorId === null ? null : { id: e.actorId, name: e.actorName },
  actorName: e.actorName,
  action: e.action,
  target: e.targetId === null ? null : { id: e.targetId, name: e.targetName ?? "" },
  room: e.roomId === null ? null : { id: e.roomId, name: e.roomName ?? "" },
  reason: e.reason,
  detail: e.detail,
});

const muteOf = (s: Sanction): MuteState => ({ until: s.until?.toISOString() ?? null, reason: s.reason, scope: s.scope === INSTANCE_SCOPE ? "instance" : "room" });

/** " until 2026-12-04 10:30 UTC", or nothing for a sanction without an end. */
export function untilText(until: Date | null): string {
  return until ? ` until ${until.toISOString().replace("T", " ").slice(0, 16)} UTC` : "";
}

/** The instance ban among the sanctions in force, if any (sign-in, the service). */
export const instanceBanIn = (inForce: readonly Sanction[]): Sanction | undefined => inForce.find((s) => s.kind === "ban" && s.scope === INSTANCE_SCOPE);

/** The room ban (a kick from a public room) among the sanctions in force, if any. */
export const roomBanIn = (inForce: readonly Sanction[], roomId: string): Sanction | undefined => inForce.find((s) => s.kind === "ban" && s.scope === roomId);

/** What a person kicked out of a room is told (the kick itself, and each refusal until it ends). */
export function kickMessage(roomName: string, kick: Pick<Sanction, "until" | "reason">): string {
  return `A moderator removed you from ${roomName}${untilText(kick.until)}.${kick.reason ? ` Reason: ${kick.reason}` : ""}`;
}

/** What a banned person is told (sign-in, a closed connection). */
export function banMessage(ban: Pick<Sanction, "until" | "reason">): string {
  return `This account is banned${untilText(ban.until)}.${ban.reason ? ` Reason: ${ban.reason}` : ""}`;
}

/**
 * Mutes, kicks and bans, and who may impose them. Read at every request that needs them,
 * never from what a connection captured: a mute counts from the next message, a lifted one
 * too.
 *
 * - A **mute** (in one room, or on the whole instance) lets the person read; they cannot send,
 *   edit, react, upload, create rooms or start conversations where it applies. Taking back
 *   their own words (delete) stays theirs.
 * - A **kick** keeps them out of a room: from a public room for a while (a room ban), from a
 *   private one by ending their membership (an invite made afterwards brings them back).
 * - A **ban** (administrators) ends every session, token and Web Push subscription of the
 *   account and refuses it a new session until it ends or is lifted; the hub closes the
 *   person's open connections on every node.
 *
 * Rank: an administrator outranks a room's owner, who outranks its moderators, who outrank
 * everyone else. One may act only on someone of lower rank, never on oneself; the operator
 * at the command line outranks everyone (an administrator included).
 */
export class ModerationService {
  constructor(
    private readonly sanctions: SanctionRepository,
    private readonly auditor: Auditor,
    private readonly roles: RoleService,
    private readonly rooms: RoomService,
    private readonly people: Pick<RoomRepository, "findPerson" | "removeMember" | "allRooms" | "usersByIds" | "members" | "delete">,
    private readonly accounts: {
      sessions: Pick<SessionStore, "endAll">;
      tokens: Pick<TokenRepository, "revokeAll">;
      addresses?: Pick<AddressBook, "holdFor" | "releaseFor">;
      passwords?: { setPassword(userId: string, password: unknown): Promise<boolean> };
      /** Files the removal of all of someone's messages (a ban's `removeMessages`). */
      purges?: Pick<PurgeService, "request">;
      /** Guests where guests are read-only (`SettingsService`). */
      guests?: Pick<SettingsService, "guestMute">;
    },
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** What `user` may do in the room, their roles and mutes read now (`not_found` if they may not read it). */
  async powers(user: UserSummary, roomId: string): Promise<RoomPowers> {
    // A direct conversation (perhaps not started yet) has no moderators; only one's own mute shows.
    if (parseDirectRoomId(roomId)) return { moderate: false, appoint: false, muted: await this.muteOf(user, null) };
    const roles = await this.roles.powers(user, roomId);
    return { ...roles, muted: await this.muteOf(user, roomId) };
  }

  /** The mute that applies to `user` in the room (or instance-wide with `roomId` null), if any: a room's own first. */
  async muteOf(user: Pick<UserSummary, "id">, roomId: string | null): Promise<MuteState | null> {
    const inForce = await this.sanctions.inForce(user.id, roomId, this.now());
    const mutes = inForce.filter((s) => s.kind === "mute");
    const chosen = mutes.find((s) => s.scope !== INSTANCE_SCOPE) ?? mutes[0];
    // Otherwise a guest where guests are read-only is held as a mute is (`SettingsService`).
    return chosen ? muteOf(chosen) : ((await this.accounts.guests?.guestMute(user)) ?? null);
  }

  /**
   * Refuses a write (a message, an edit, a reaction, an upload, a new room or conversation)
   * from someone muted where it would go: `forbidden`, saying until when.
   */
  async requireVoice(user: Pick<UserSummary, "id">, roomId: string | null): Promise<void> {
    const mute = await this.muteOf(user, roomId);
    if (!mute) return;
    if (mute.scope === "guests") throw new DomainError("forbidden", mute.reason);
    const where = mute.scope === "instance" ? "" : " in this room";
    throw new DomainError("forbidden", `You are muted${where}${untilText(mute.until ? new Date(mute.until) : null)}: you can read, not write.${mute.reason ? ` Reason: ${mute.reason}` : ""}`);
  }

  /** The account's instance ban in force, if any (sign-in and the handshake refuse it). */
  async banOf(userId: string): Promise<Sanction | null> {
    return instanceBanIn(await this.sanctions.inForce(userId, null, this.now())) ?? null;
  }

  /** A room ban (a kick from a public room) in force, if any. */
  async roomBanOf(userId: string, roomId: string): Promise<Sanction | null> {
    return roomBanIn(await this.sanctions.inForce(userId, roomId, this.now()), roomId) ?? null;
  }

  /**
   * Mutes `userId` in the room (its moderators, owner and administrators) or, with `roomId`
   * null, everywhere (administrators). `minutes` null: until lifted.
   */
  async mute(actor: Actor, input: { userId: string; roomId: string | null; minutes: number | null; reason?: string }): Promise<{ target: UserSummary; mute: MuteState }> {
    const { target, room } = await this.authorise(actor, input.userId, input.roomId, "mute");
    const until = this.until(input.minutes);
    const reason = cleanReason(input.reason);
    await this.sanctions.impose({ userId: target.id, scope: room?.id ?? INSTANCE_SCOPE, kind: "mute", until, reason, byId: actor.id });
    await this.auditor.record(actor, "user.mute", { target, room, reason, detail: { until: until?.toISOString() ?? null } });
    return { target, mute: { until: until?.toISOString() ?? null, reason, scope: room ? "room" : "instance" } };
  }

  /** Lifts a mute (the same people who may impose it). */
  async unmute(actor: Actor, input: { userId: string; roomId: string | null }): Promise<{ target: UserSummary; lifted: boolean }> {
    const { target, room } = await this.authorise(actor, input.userId, input.roomId, "mute");
    const lifted = await this.sanctions.lift(target.id, room?.id ?? INSTANCE_SCOPE, "mute");
    if (lifted) await this.auditor.record(actor, "user.unmute", { target, room });
    return { target, lifted };
  }

  /**
   * Kicks `userId` out of a room: from a public room for `minutes` (a room ban; reading it is
   * refused until then), from a private one by ending their membership. The caller revokes
   * their subscriptions on every node.
   */
  async kick(actor: Actor, input: { roomId: string; userId: string; minutes?: number; reason?: string }): Promise<{ target: UserSummary; room: RoomSummary; until: string | null; message: string }> {
    const { target, room } = await this.authorise(actor, input.userId, input.roomId, "kick");
    const reason = cleanReason(input.reason);
    let until: Date | null = null;
    if (room!.visibility === "private") {
      if (!(await this.people.removeMember(room!.id, target.id, this.now()))) throw new DomainError("not_found", `${target.name} is not a member of this room.`);
    } else {
      until = this.until(input.minutes ?? DEFAULT_KICK_MINUTES) ?? new Date(this.now().getTime() + DEFAULT_KICK_MINUTES * 60_000);
      await this.sanctions.impose({ userId: target.id, scope: room!.id, kind: "ban", until, reason, byId: actor.id });
    }
    await this.auditor.record(actor, "user.kick", { target, room, reason, detail: { until: until?.toISOString() ?? null } });
    const message = kickMessage(room!.name, { until, reason });
    return { target, room: room!, until: until?.toISOString() ?? null, message };
  }

  /** Lets someone kicked from a public room back in before their time is up. */
  async unkick(actor: Actor, input: { roomId: string; userId: string }): Promise<{ target: UserSummary; lifted: boolean }> {
    const { target, room } = await this.authorise(actor, input.userId, input.roomId, "kick");
    const lifted = await this.sanctions.lift(target.id, room!.id, "ban");
    if (lifted) await this.auditor.record(actor, "user.unkick", { target, room });
    return { target, lifted };
  }

  /**
   * Bans `userId` from the instance (administrators): every session (and its push
   * subscriptions) ends, every API token is revoked, and the public addresses they used hold
   * new guests and accounts off for a while (`AddressBook.holdFor`). With `removeMessages`,
   * the removal of all their messages is filed too (`PurgeService`). The caller closes their
   * connections on every node.
   */
  async ban(
    actor: Actor,
    input: { userId: string; minutes: number | null; reason?: string; removeMessages?: boolean },
  ): Promise<{ target: UserSummary; ban: Sanction; sessions: number; tokens: number; addresses: number; purge: PurgeSummary | null }> {
    const { target } = await this.authorise(actor, input.userId, null, "ban");
    const until = this.until(input.minutes);
    const reason = cleanReason(input.reason);
    const ban = { userId: target.id, scope: INSTANCE_SCOPE, kind: "ban" as const, until, reason, byId: actor.id };
    // The ban first: a sign-in racing this one is refused by it once its sessions are gone.
    await this.sanctions.impose(ban);
    const now = this.now();
    const [sessions, tokens, addresses] = await Promise.all([
      this.accounts.sessions.endAll(target.id),
      this.accounts.tokens.revokeAll(target.id, now),
      this.accounts.addresses?.holdFor(target.id, until) ?? 0,
    ]);
    await this.auditor.record(actor, "user.ban", { target, reason, detail: { until: until?.toISOString() ?? null, sessions, tokens, addresses } });
    const purge = input.removeMessages && this.accounts.purges ? (await this.accounts.purges.request(actor, { userId: target.id, reason })).purge : null;
    return { target, ban: { ...ban, createdAt: now }, sessions, tokens, addresses, purge };
  }

  /**
   * The instance's people for its administrators: newest first, searched by name or username,
   * each with their role and any instance-wide ban or mute in force.
   */
  async directory(actor: Actor, input: { query?: string; offset?: number; limit?: number }): Promise<AdminPerson[]> {
    await this.requireAdmin(actor);
    const entries = await this.roles.directory({ query: input.query ?? "", offset: input.offset ?? 0, limit: input.limit ?? 50 });
    const now = this.now();
    const inForce = await Promise.all(entries.map((e) => this.sanctions.inForce(e.id, null, now)));
    const state = (s: Sanction | undefined) => (s ? { until: s.until?.toISOString() ?? null, reason: s.reason } : null);
    return entries.map((e, i) => ({
      id: e.id,
      name: e.name,
      ...(e.avatar ? { avatar: e.avatar } : {}),
      username: e.username,
      guest: e.guest,
      role: e.role,
      joinedAt: e.createdAt.toISOString(),
      banned: state(instanceBanIn(inForce[i]!)),
      muted: state(inForce[i]!.find((s) => s.kind === "mute" && s.scope === INSTANCE_SCOPE)),
    }));
  }

  /** Every room but direct conversations, newest first, with its owner and moderators (administrators). */
  async allRooms(actor: Actor, input: { offset?: number; limit?: number }): Promise<AdminRoom[]> {
    await this.requireAdmin(actor);
    const rooms = await this.people.allRooms({ offset: input.offset ?? 0, limit: input.limit ?? 50 });
    const owners = new Map((await this.people.usersByIds([...new Set(rooms.map((r) => r.ownerId))])).map((u) => [u.id, u]));
    const moderators = await Promise.all(rooms.map((r) => this.roles.moderatorsOf(r.id)));
    return rooms.map((room, i) => ({ room, owner: owners.get(room.ownerId) ?? null, moderators: moderators[i]! }));
  }

  /**
   * Deletes a room with its messages: its owner, or an administrator (any room but a direct
   * conversation; audited when it is not the owner's own). Resolves the room and who was in
   * it (a private room's members hear of it).
   */
  async deleteRoom(actor: Actor, roomId: string): Promise<{ room: RoomSummary; members: UserSummary[] }> {
    const admin = isOperator(actor) || (await this.roles.isAdmin(actor));
    const room = admin ? await this.rooms.byId(roomId) : await this.rooms.requireAccess(actor, roomId);
    if (room.visibility === "direct") throw new DomainError("forbidden", "A direct conversation cannot be renamed, changed or deleted.");
    const own = room.ownerId === actor.id;
    if (!own && !admin) throw new DomainError("forbidden", "Only the room's creator or an administrator can delete it.");
    const members = await this.people.members(room.id);
    await this.people.delete(room.id);
    if (!own) await this.auditor.record(actor, "room.delete", { room, detail: { visibility: room.visibility } });
    return { room, members };
  }

  /**
   * An administrator (or the operator) sets a new password for an account, ending its
   * sessions; audited (never the password). A guest has none, and another administrator's
   * is the operator's to set: `forbidden`.
   */
  async resetPassword(actor: Actor, input: { userId: string; password: string }): Promise<{ target: UserSummary }> {
    await this.requireAdmin(actor);
    const found = await this.people.findPerson(input.userId);
    if (!found) throw new DomainError("not_found", "There is no such person.");
    const target = { id: found.id, name: found.name };
    // Another administrator's password would be a way into their account: only the operator sets it.
    if (!isOperator(actor) && target.id !== actor.id && (await this.roles.isAdmin(target))) throw new DomainError("forbidden", "You cannot reset another administrator's password.");
    if (found.guest || !this.accounts.passwords || !(await this.accounts.passwords.setPassword(target.id, input.password))) {
      throw new DomainError("forbidden", `${target.name} is a guest: there is no password to reset.`);
    }
    await this.auditor.record(actor, "user.password.reset", { target });
    return { target };
  }

  async unban(actor: Actor, input: { userId: string }): Promise<{ target: UserSummary; lifted: boolean }> {
    const { target } = await this.authorise(actor, input.userId, null, "ban");
    const lifted = await this.sanctions.lift(target.id, INSTANCE_SCOPE, "ban");
    await this.accounts.addresses?.releaseFor(target.id);
    if (lifted) await this.auditor.record(actor, "user.unban", { target });
    return { target, lifted };
  }

  /**
   * The mutes and bans in force: a room's (its moderators, owner, administrators) or, with
   * `roomId` null, every one (administrators).
   */
  async list(actor: Actor, roomId: string | null): Promise<SanctionSummary[]> {
    if (roomId !== null) {
      if (!isOperator(actor) && !(await this.roles.powers(actor, roomId)).moderate) throw new DomainError("forbidden", "Only the room's moderators can see who is muted or kicked here.");
    } else await this.requireAdmin(actor);
    const rows = await this.sanctions.list({ ...(roomId !== null ? { scope: roomId } : {}), now: this.now(), limit: 500 });
    return rows.map((s) => ({ user: s.user, kind: s.kind, roomId: s.scope === INSTANCE_SCOPE ? null : s.scope, until: s.until?.toISOString() ?? null, reason: s.reason, since: s.createdAt.toISOString() }));
  }

  /** The audit log, newest first (administrators). */
  async auditLog(actor: Actor, before: { at: string; id: string } | undefined, limit: number): Promise<AuditRecord[]> {
    await this.requireAdmin(actor);
    return (await this.auditor.list(before ? { at: new Date(before.at), id: before.id } : undefined, limit)).map(toAuditRecord);
  }

  private async requireAdmin(actor: Actor): Promise<void> {
    if (isOperator(actor)) return;
    if (!(await this.roles.isAdmin(actor))) throw new DomainError("forbidden", "Only an administrator can do that.");
  }

  /**
   * Checks that `actor` may sanction `userId` in the room (or on the instance), their roles
   * read now: in a room, one who moderates it acting on someone of lower rank; on the
   * instance, an administrator acting on someone who is not one.
   */
  private async authorise(actor: Actor, userId: string, roomId: string | null, what: "mute" | "kick" | "ban"): Promise<{ target: UserSummary; room: RoomSummary | null }> {
    const verb = what === "mute" ? "mute" : what === "kick" ? "remove" : "ban";
    if (actor.id === userId) throw new DomainError("forbidden", `You cannot ${verb} yourself.`);
    const room = roomId === null ? null : isOperator(actor) ? await this.rooms.byId(roomId) : await this.rooms.requireAccess(actor, roomId);
    if (room?.visibility === "direct") throw new DomainError("forbidden", "A direct conversation has no moderators.");
    const actorRank = isOperator(actor) ? 4 : room ? await this.rank(actor, room) : (await this.roles.isAdmin(actor)) ? 3 : 0;
    if (room ? actorRank === 0 : actorRank < 3) {
      throw new DomainError("forbidden", room ? `Only the room's moderators can ${verb} people here.` : `Only an administrator can ${verb} people on the whole instance.`);
    }
    const found = await this.people.findPerson(userId);
    if (!found) throw new DomainError("not_found", "There is no such person.");
    const target: UserSummary = { id: found.id, name: found.name };
    const targetRank = room ? await this.rank(target, room) : (await this.roles.isAdmin(target)) ? 3 : 0;
    if (targetRank >= actorRank) {
      const who = targetRank === 3 ? "an administrator" : targetRank === 2 ? "the room's owner" : "another moderator";
      throw new DomainError("forbidden", `You cannot ${verb} ${who}.`);
    }
    return { target, room };
  }

  /** 3: an administrator; 2: the room's owner; 1: one of its moderators; 0: anyone else. */
  private async rank(user: UserSummary, room: RoomSummary): Promise<number> {
    if (await this.roles.isAdmin(user)) return 3;
    if (room.ownerId === user.id) return 2;
    return (await this.roles.powersIn(user, room)).moderate ? 1 : 0;
  }

  private until(minutes: number | null | undefined): Date | null {
    if (minutes === null || minutes === undefined) return null;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_SANCTION_MINUTES) {
      throw new DomainError("invalid_payload", `A duration is a whole number of minutes from 1 to ${MAX_SANCTION_MINUTES}.`);
    }
    return new Date(this.now().getTime() + minutes * 60_000);
  }
}

/** A reason is one line of at most 500 characters. */
function cleanReason(reason: string | undefined): string {
  return (reason ?? "").replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim().slice(0, 500);
}
