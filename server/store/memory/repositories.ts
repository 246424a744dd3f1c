import type { ChatMessage, RoomSummary, UserSummary } from "../../contract/model";
import {
  SlugTakenError,
  type AppendResult,
  type MessageRepository,
  type NewMessage,
  type NewRoom,
  type Repositories,
  type RoomRepository,
} from "../repositories";

/** In-process repositories for unit tests. Same contract as the Prisma ones. */
export class MemoryRoomRepository implements RoomRepository {
  private readonly rooms: RoomSummary[] = [];
  private readonly memberships = new Map<string, Map<string, UserSummary>>();
  private readonly invites = new Map<string, { roomId: string; expiresAt: Date }>();
  /** Names for members() (the Prisma store joins the user table). */
  readonly users = new Map<string, UserSummary>();

  async create(room: NewRoom): Promise<RoomSummary> {
    if (this.rooms.some((r) => r.slug === room.slug)) throw new SlugTakenError(room.slug);
    const summary: RoomSummary = {
      id: room.id,
      slug: room.slug,
      name: room.name,
      visibility: room.visibility,
      ownerId: room.createdById,
      createdAt: new Date().toISOString(),
    };
    this.rooms.push(summary);
    await this.addMember(room.id, room.createdById);
    return { ...summary };
  }

  async findBySlug(slug: string) {
    const r = this.rooms.find((room) => room.slug === slug);
    return r ? { ...r } : null;
  }

  async findById(id: string) {
    const r = this.rooms.find((room) => room.id === id);
    return r ? { ...r } : null;
  }

  async listVisibleTo(userId: string) {
    return this.rooms.filter((r) => r.visibility === "public" || this.memberships.get(r.id)?.has(userId)).map((r) => ({ ...r }));
  }

  async rename(roomId: string, name: string) {
    const room = this.rooms.find((r) => r.id === roomId);
    if (!room) throw new Error(`no room ${roomId}`);
    room.name = name;
    return { ...room };
  }

  async delete(roomId: string) {
    const i = this.rooms.findIndex((r) => r.id === roomId);
    if (i >= 0) this.rooms.splice(i, 1);
    this.memberships.delete(roomId);
  }

  async isMember(roomId: string, userId: string) {
    return this.memberships.get(roomId)?.has(userId) ?? false;
  }

  async addMember(roomId: string, userId: string) {
    let members = this.memberships.get(roomId);
    if (!members) this.memberships.set(roomId, (members = new Map()));
    members.set(userId, this.users.get(userId) ?? { id: userId, name: userId });
  }

  async removeMember(roomId: string, userId: string) {
    return this.memberships.get(roomId)?.delete(userId) ?? false;
  }

  async members(roomId: string) {
    return [...(this.memberships.get(roomId)?.values() ?? [])].map((u) => ({ ...u }));
  }

  async createInvite(invite: { roomId: string; tokenHash: string; expiresAt: Date }) {
    this.invites.set(invite.tokenHash, { roomId: invite.roomId, expiresAt: invite.expiresAt });
  }

  async findInvite(tokenHash: string, now: Date) {
    const invite = this.invites.get(tokenHash);
    return invite && invite.expiresAt > now ? { roomId: invite.roomId } : null;
  }
}

export class MemoryMessageRepository implements MessageRepository {
  private readonly byRoom = new Map<string, ChatMessage[]>();
  private readonly byClientId = new Map<string, ChatMessage>();

  async append(m: NewMessage): Promise<AppendResult> {
    const key = `${m.author.id}\u0000${m.clientId}`;
    const existing = this.byClientId.get(key);
    if (existing) return { message: { ...existing }, duplicate: true };
    const log = this.byRoom.get(m.roomId) ?? [];
    const message: ChatMessage = {
      id: m.id,
      roomId: m.roomId,
      seq: (log.at(-1)?.seq ?? 0) + 1,
      clientId: m.clientId,
      author: { ...m.author },
      body: m.body,
      createdAt: new Date().toISOString(),
    };
    log.push(message);
    this.byRoom.set(m.roomId, log);
    this.byClientId.set(key, message);
    return { message: { ...message }, duplicate: false };
  }

  async pageBefore(roomId: string, before: number | undefined, limit: number) {
    const log = (this.byRoom.get(roomId) ?? []).filter((m) => before === undefined || m.seq < before);
    return log.slice(Math.max(0, log.length - limit)).map((m) => ({ ...m }));
  }

  async pageAfter(roomId: string, after: number, limit: number) {
    return (this.byRoom.get(roomId) ?? [])
      .filter((m) => m.seq > after)
      .slice(0, limit)
      .map((m) => ({ ...m }));
  }
}

export function memoryRepositories(): Repositories {
  return {
    rooms: new MemoryRoomRepository(),
    messages: new MemoryMessageRepository(),
  };
}
