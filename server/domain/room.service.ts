import { createHash, randomBytes, randomUUID } from "node:crypto";
import { LIMITS, textLength } from "../contract/limits";
import type { RoomSummary, RoomVisibility, UserSummary } from "../contract/model";
import { SlugTakenError, type RoomRepository } from "../store/repositories";
import { DomainError } from "./errors";

/** Collapses runs of white space and trims; room names are one line. */
export function normaliseRoomName(raw: string): string {
  return raw.replace(/\s+/g, " ").trim();
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
 */
export class RoomService {
  constructor(
    private readonly rooms: RoomRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  listFor(user: UserSummary): Promise<RoomSummary[]> {
    return this.rooms.listVisibleTo(user.id);
  }

  async create(creator: UserSummary, rawName: string, visibility: RoomVisibility = "public"): Promise<RoomSummary> {
    const name = validName(rawName);
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
    const room = await this.rooms.findBySlug(slug);
    if (room && room.visibility === "private" && invite && !(await this.rooms.isMember(room.id, user.id))) {
      const found = await this.rooms.findInvite(hashInvite(invite), this.now());
      if (found?.roomId === room.id) await this.rooms.addMember(room.id, user.id);
    }
    if (!room || !(await this.mayAccess(room, user))) throw notFound(`/r/${slug}`);
    return room;
  }

  /** The room with `id` if `user` may see it; `not_found` otherwise. */
  async requireAccess(user: UserSummary, roomId: string): Promise<RoomSummary> {
    const room = await this.rooms.findById(roomId);
    if (!room || !(await this.mayAccess(room, user))) throw notFound();
    return room;
  }

  /** A fresh invite link token for a private room, made by one of its members. */
  async invite(user: UserSummary, roomId: string): Promise<{ token: string; expiresAt: string }> {
    const room = await this.requireAccess(user, roomId);
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
    if (!(await this.rooms.removeMember(roomId, memberId))) throw new DomainError("not_found", "That person is not a member.");
    return room;
  }

  async delete(user: UserSummary, roomId: string): Promise<RoomSummary> {
    const room = await this.requireOwner(user, roomId);
    await this.rooms.delete(roomId);
    return room;
  }

  private async requireOwner(user: UserSummary, roomId: string): Promise<RoomSummary> {
    const room = await this.requireAccess(user, roomId);
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
