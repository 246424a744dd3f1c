import { createHash, randomBytes, randomUUID } from "node:crypto";
import { parseDirectRoomId, peerOf } from "../contract/direct";
import { LIMITS, textLength, withoutControls } from "../contract/limits";
import type { RoomSummary, RoomVisibility, UserSummary } from "../contract/model";
import { SlugTakenError, type RoomRepository, type SanctionRepository } from "../store/ports";
import { DomainError } from "./errors";
import { kickMessage, roomBanIn } from "./moderation.service";

/** Collapses runs of white space and trims; room names are one line, without control characters. */
export function normaliseRoomName(raw: string): string {
  return withoutControls(raw).replace(/\s+/g, " ").trim();
}

/**
 * A URL-safe slug from a room name: lower-case ASCII letters, digits and single dashes.
 *
 * @example slugify("Café  Société!") // "cafe-societe"
 */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/g, "");
  return slug.length > 0 ? slug : "room";
}

/** How long an invite link works. */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const hashInvite = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * Rooms and who may see them. A public room is open to everyone signed in; a private one to
 * its members only, who join through an invite link made by a member. To anyone else a
 * private room does not exist: the same `not_found` as a room that never did.
 *
 * A direct conversation (server/contract/direct.ts) is a room of two members whose id is
 * their pair. Either of them may open it before it exists (a `draft`); its first message
 * creates it (`ensureDirect`), once, whoever sends first. Each reader sees it named after
 * the other person. Nobody else can open it, read it or find it: `not_found`, as for a
 * private room. Neither can message the other while one blocks the other, and guests have
 * none when the instance turns them off (`guestDirectMessages`).
 */
export class RoomService {
  constructor(
    private readonly rooms: RoomRepository,
    private readonly now: () => Date = () => new Date(),
    private readonly options: {
      guestDirectMessages: boolean;
      beforeNewDirect?: (user: UserSummary) => Promise<void>;
      /** Kicks from public rooms (room bans), read at every access check that is not a live subscription's. */
      sanctions?: Pick<SanctionRepository, "inForce">;
      /** Refuses a new room from someone muted on the instance (the moderation service's check). */
      requireVoice?: (user: UserSummary, roomId: string | null) => Promise<void>;
    } = { guestDirectMessages: true },
  ) {}

  /** The room with `id`, whoever asks (the operator at the command line); `not_found` if none. */
  async byId(roomId: string): Promise<RoomSummary> {
    const room = await this.rooms.findById(roomId);
    if (!room) throw notFound();
    return room;
  }

  /** Public rooms, the private rooms and direct conversations the user belongs to. */
  async listFor(user: UserSummary): Promise<RoomSummary[]> {
    const rooms = await this.rooms.listVisibleTo(user.id);
    const direct = rooms.filter((r) => r.visibility === "direct");
    if (direct.length === 0) return rooms;
    const [named, lastAt] = await Promise.all([this.asSeenBy(user.id, direct), this.rooms.lastMessageAt(direct.map((r) => r.id))]);
    const byId = new Map(named.map((r) => [r.id, r]));
    return rooms.map((r) => {
      const seen = byId.get(r.id);
      if (!seen) return r;
      const at = lastAt.get(r.id);
      return at ? { ...seen, lastMessageAt: at } : seen;
    });
  }

  /** The ids of the rooms `listFor` lists, without their names (every search reads them). */
  visibleIds(user: UserSummary): Promise<string[]> {
    return this.rooms.visibleIds(user.id);
  }

  /**
   * The rooms and direct conversations `user` may read that `name` names (address or name,
   * case ignored; a conversation by the other person's name): `in:<room>` in a search.
   */
  async findNamed(user: UserSummary, name: string): Promise<RoomSummary[]> {
    const wanted = name.toLowerCase();
    const [rooms, ids] = await Promise.all([this.rooms.findVisibleNamed(user.id, name), this.rooms.visibleIds(user.id)]);
    const directIds = ids.filter((id) => parseDirectRoomId(id) !== null);
    const direct = directIds.length === 0 ? [] : (await this.describe(user, directIds)).filter((r) => r.name.toLowerCase() === wanted || r.slug.toLowerCase() === wanted);
    return [...rooms, ...direct];
  }

  /**
   * Rooms by id as `user` sees them (direct conversations named after the other person),
   * for rooms already known to be readable (a search's hits, found in `visibleIds`).
   */
  async describe(user: UserSummary, ids: string[]): Promise<RoomSummary[]> {
    const rooms = await this.rooms.findByIds(ids);
    const direct = rooms.filter((r) => r.visibility === "direct");
    if (direct.length === 0) return rooms;
    const named = new Map((await this.asSeenBy(user.id, direct)).map((r) => [r.id, r]));
    return rooms.map((r) => named.get(r.id) ?? r);
  }

  /**
   * Before every message to a direct conversation: only its two people may write, and not
   * while one blocks the other; its first message creates it (`created`). Null when `roomId`
   * is not a direct conversation's. Once it exists, a message costs two indexed reads (is a
   * member, is blocked), on SQLite prepared statements off Prisma's path.
   */
  async ensureDirect(user: UserSummary, roomId: string): Promise<{ created: boolean } | null> {
    const pair = parseDirectRoomId(roomId);
    if (!pair) return null;
    if (!pair.includes(user.id)) throw notFound();
    const peerId = peerOf(pair, user.id);
    if (await this.rooms.isMember(roomId, user.id)) {
      // It exists, so its other person does: only what can change since is checked.
      await (this.options.guestDirectMessages ? this.notBlocked(user, peerId) : this.mayMessage(user, peerId));
      return { created: false };
    }
    await this.mayMessage(user, peerId);
    // Starting a conversation has a budget (the security policy's); writing in one is a message.
    await this.options.beforeNewDirect?.(user);
    const created = await this.rooms.createDirect({ id: roomId, slug: roomId, name: "", visibility: "direct", createdById: user.id }, [...new Set(pair)]);
    return { created };
  }

  /** A direct conversation as each of its people sees it (named after the other one). */
  async directViews(roomId: string): Promise<Array<{ userId: string; room: RoomSummary }>> {
    const pair = parseDirectRoomId(roomId);
    const room = pair && (await this.rooms.findById(roomId));
    if (!pair || !room) return [];
    return Promise.all([...new Set(pair)].map(async (userId) => ({ userId, room: (await this.asSeenBy(userId, [room]))[0]! })));
  }

  /** `user` blocks (or unblocks) someone: their messages stop reaching `user`, and neither can message the other. */
  async block(user: UserSummary, userId: string, on: boolean): Promise<UserSummary[]> {
    if (userId === user.id) throw new DomainError("invalid_payload", "You cannot block yourself.");
    if (!(await this.rooms.findPerson(userId))) throw new DomainError("not_found", "There is no such person.");
    await this.rooms.setBlock(user.id, userId, on);
    return this.rooms.blockedBy(user.id);
  }

  /** The people `user` blocks. */
  blocked(user: UserSummary): Promise<UserSummary[]> {
    return this.rooms.blockedBy(user.id);
  }

  /**
   * Whether `user` may message `peerId` directly: the peer exists, neither blocks the other,
   * and neither is a guest where guests have no direct messages. Returns the peer.
   */
  private async mayMessage(user: UserSummary, peerId: string): Promise<UserSummary> {
    const peer = await this.rooms.findPerson(peerId);
    if (!peer) throw notFound();
    if (!this.options.guestDirectMessages) {
      const self = peerId === user.id ? peer : await this.rooms.findPerson(user.id);
      if (peer.guest || self?.guest) {
        throw new DomainError("forbidden", "Direct messages to and from guests are turned off on this server. Create an account to use them.");
      }
    }
    await this.notBlocked(user, peerId, peer.name);
    const { guest: _guest, ...summary } = peer;
    return summary;
  }

  /**
   * In a direct conversation, refuses what reaches the other person (an edit, a reaction,
   * typing) while either blocks the other; nothing elsewhere (a string check).
   */
  async requireUnblocked(user: UserSummary, roomId: string): Promise<void> {
    const pair = parseDirectRoomId(roomId);
    if (!pair || !pair.includes(user.id)) return;
    await this.notBlocked(user, peerOf(pair, user.id));
  }

  /** Refuses while `user` and `peerId` block each other (either way); nothing for a notepad. */
  private async notBlocked(user: UserSummary, peerId: string, peerName?: string): Promise<void> {
    if (peerId === user.id || !(await this.rooms.blockedEitherWay(user.id, peerId))) return;
    const name = peerName ?? (await this.rooms.usersByIds([peerId]))[0]?.name ?? "this person";
    throw new DomainError("forbidden", `You cannot send direct messages to ${name}.`);
  }

  /** Direct conversations named for `viewerId`: after the other person. */
  private async asSeenBy(viewerId: string, rooms: RoomSummary[]): Promise<RoomSummary[]> {
    const peerIds = rooms.flatMap((r) => {
      const pair = parseDirectRoomId(r.id);
      return pair ? [peerOf(pair, viewerId)] : [];
    });
    const people = new Map((await this.rooms.usersByIds([...new Set(peerIds)])).map((u) => [u.id, u]));
    return rooms.map((r) => {
      const pair = parseDirectRoomId(r.id);
      const peer = pair && people.get(peerOf(pair, viewerId));
      return peer ? this.seenAs(r, peer) : r;
    });
  }

  private seenAs(room: RoomSummary, peer: UserSummary): RoomSummary {
    return { ...room, name: peer.name, peer: { ...peer } };
  }

  /**
   * A direct conversation `user` opens: as it is, or a draft that its first message will
   * create (opening it creates nothing, so nobody's list fills with empty conversations).
   * Its people only; not even a draft while one blocks the other.
   */
  private async openDirect(user: UserSummary, id: string, pair: [string, string]): Promise<RoomSummary> {
    if (!pair.includes(user.id)) throw notFound(`/r/${id}`);
    const existing = await this.rooms.findById(id);
    if (existing) return (await this.asSeenBy(user.id, [existing]))[0]!;
    const peer = await this.mayMessage(user, peerOf(pair, user.id)).catch((err: unknown) => {
      throw err instanceof DomainError && err.code === "not_found" ? notFound(`/r/${id}`) : err;
    });
    return { ...this.seenAs({ id, slug: id, name: "", visibility: "direct", ownerId: user.id, createdAt: this.now().toISOString() }, peer), draft: true };
  }

  async create(creator: UserSummary, rawName: string, visibility: RoomVisibility = "public"): Promise<RoomSummary> {
    const name = validName(rawName);
    await this.options.requireVoice?.(creator, null);
    const base = slugify(name);
    // Two rooms may share a name; their slugs differ by a suffix. Retrying on the unique
    // index (rather than checking first) keeps concurrent creations correct.
    for (let attempt = 0; attempt < 8; attempt++) {
      const slug = attempt === 0 ? base : `${base}-${randomUUID().slice(0, 4 + attempt)}`;
      try {
        return await this.rooms.create({ id: randomUUID(), slug, name, visibility, createdById: creator.id });
      } catch (err) {
        if (!(err instanceof SlugTakenError)) throw err;
      }
    }
    throw new DomainError("internal", "Could not find a free address for this room; try another name.");
  }

  /**
   * The room at `slug` if `user` may enter it. A valid invite to a private room makes the
   * user a member first.
   */
  async enter(user: UserSummary, slug: string, invite?: string): Promise<RoomSummary> {
    return (await this.admit(user, slug, invite)).room;
  }

  /** As `enter`, saying too whether the invite made the user a member just now (their room list gains it). */
  async admit(user: UserSummary, slug: string, invite?: string): Promise<{ room: RoomSummary; admitted: boolean }> {
    const pair = parseDirectRoomId(slug);
    if (pair) return { room: await this.openDirect(user, slug, pair), admitted: false };
    const room = await this.rooms.findBySlug(slug);
    let admitted = false;
    if (room && room.visibility === "private" && invite && !(await this.rooms.isMember(room.id, user.id))) {
      const found = await this.rooms.findInvite(hashInvite(invite), this.now());
      // Someone removed comes back only with an invite made after their removal.
      const removed = found?.roomId === room.id ? await this.rooms.removedAt(room.id, user.id) : null;
      if (found?.roomId === room.id && (!removed || found.createdAt > removed)) {
        await this.rooms.addMember(room.id, user.id);
        admitted = true;
      }
    }
    if (!room || !(await this.mayAccess(room, user))) throw notFound(`/r/${slug}`);
    await this.requireNotKicked(user, room);
    return { room, admitted };
  }

  /** The room with `id` if `user` may see it; `not_found` otherwise. */
  async requireAccess(user: UserSummary, roomId: string): Promise<RoomSummary> {
    const pair = parseDirectRoomId(roomId);
    if (pair) {
      const room = pair.includes(user.id) ? await this.rooms.findById(roomId) : null;
      if (!room) throw notFound();
      return (await this.asSeenBy(user.id, [room]))[0]!;
    }
    const room = await this.rooms.findById(roomId);
    if (!room || !(await this.mayAccess(room, user))) throw notFound();
    await this.requireNotKicked(user, room);
    return room;
  }

  /**
   * Someone kicked out of a public room stays out until their time is up: `forbidden`, saying
   * until when (a private room's kick ends the membership instead).
   */
  private async requireNotKicked(user: UserSummary, room: RoomSummary): Promise<void> {
    if (room.visibility !== "public" || !this.options.sanctions) return;
    const kick = roomBanIn(await this.options.sanctions.inForce(user.id, room.id, this.now()), room.id);
    if (kick) throw new DomainError("forbidden", kickMessage("this room", kick));
  }

  /** A fresh invite link token for a private room, made by one of its members. */
  async invite(user: UserSummary, roomId: string): Promise<{ token: string; expiresAt: string }> {
    const room = await this.requireAccess(user, roomId);
    if (room.visibility === "direct") throw new DomainError("invalid_payload", "A direct conversation is between two people: nobody can be invited to it.");
    if (room.visibility !== "private") throw new DomainError("invalid_payload", "Public rooms need no invite: share their address.");
    const token = randomBytes(24).toString("base64url");
    const expiresAt = new Date(this.now().getTime() + INVITE_TTL_MS);
    await this.rooms.createInvite({ id: randomUUID(), roomId, tokenHash: hashInvite(token), createdById: user.id, expiresAt });
    return { token, expiresAt: expiresAt.toISOString() };
  }

  async members(user: UserSummary, roomId: string): Promise<UserSummary[]> {
    await this.requireAccess(user, roomId);
    return this.rooms.members(roomId);
  }

  async rename(user: UserSummary, roomId: string, rawName: string): Promise<RoomSummary> {
    await this.requireOwner(user, roomId);
    return this.rooms.rename(roomId, validName(rawName));
  }

  async removeMember(user: UserSummary, roomId: string, memberId: string): Promise<RoomSummary> {
    const room = await this.requireOwner(user, roomId);
    if (memberId === room.ownerId) throw new DomainError("invalid_payload", "The room's creator cannot be removed.");
    if (room.visibility !== "private") throw new DomainError("invalid_payload", "Public rooms have no member list to remove people from.");
    if (!(await this.rooms.removeMember(roomId, memberId, this.now()))) throw new DomainError("not_found", "That person is not a member.");
    return room;
  }

  async delete(user: UserSummary, roomId: string): Promise<RoomSummary> {
    const room = await this.requireOwner(user, roomId);
    await this.rooms.delete(roomId);
    return room;
  }

  private async requireOwner(user: UserSummary, roomId: string): Promise<RoomSummary> {
    const room = await this.requireAccess(user, roomId);
    if (room.visibility === "direct") throw new DomainError("forbidden", "A direct conversation cannot be renamed, changed or deleted.");
    if (room.ownerId !== user.id) throw new DomainError("forbidden", "Only the room's creator can do that.");
    return room;
  }

  private async mayAccess(room: RoomSummary, user: UserSummary): Promise<boolean> {
    return room.visibility === "public" || (await this.rooms.isMember(room.id, user.id));
  }
}

function validName(rawName: string): string {
  const name = normaliseRoomName(rawName);
  if (name.length === 0) throw new DomainError("room_name_invalid", "Give the room a name.");
  const length = textLength(name);
  if (length > LIMITS.roomNameLength) {
    throw new DomainError("room_name_invalid", `Room names are at most ${LIMITS.roomNameLength} characters (this one has ${length}).`);
  }
  return name;
}

function notFound(where?: string): DomainError {
  return new DomainError("not_found", where ? `There is no room at ${where}.` : "That room does not exist.");
}
