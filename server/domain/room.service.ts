import { randomUUID } from "node:crypto";
import { LIMITS, textLength } from "../contract/limits";
import type { RoomSummary, UserSummary } from "../contract/model";
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

export class RoomService {
  constructor(private readonly rooms: RoomRepository) {}

  list(): Promise<RoomSummary[]> {
    return this.rooms.list();
  }

  async create(creator: UserSummary, rawName: string): Promise<RoomSummary> {
    const name = normaliseRoomName(rawName);
    if (name.length === 0) throw new DomainError("room_name_invalid", "Give the room a name.");
    const length = textLength(name);
    if (length > LIMITS.roomNameLength) {
      throw new DomainError(
        "room_name_invalid",
        `Room names are at most ${LIMITS.roomNameLength} characters (this one has ${length}).`,
      );
    }
    const base = slugify(name);
    // Two rooms may share a name; their slugs differ by a suffix. Retrying on the unique
    // index (rather than checking first) keeps concurrent creations correct.
    for (let attempt = 0; attempt < 8; attempt++) {
      const slug = attempt === 0 ? base : `${base}-${randomUUID().slice(0, 4 + attempt)}`;
      try {
        return await this.rooms.create({ id: randomUUID(), slug, name, createdById: creator.id });
      } catch (err) {
        if (!(err instanceof SlugTakenError)) throw err;
      }
    }
    throw new DomainError("internal", "Could not find a free address for this room; try another name.");
  }

  async requireBySlug(slug: string): Promise<RoomSummary> {
    const room = await this.rooms.findBySlug(slug);
    if (!room) throw new DomainError("not_found", `There is no room at /r/${slug}.`);
    return room;
  }

  async requireById(id: string): Promise<RoomSummary> {
    const room = await this.rooms.findById(id);
    if (!room) throw new DomainError("not_found", "That room does not exist.");
    return room;
  }
}
