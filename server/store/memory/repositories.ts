import type { ChatMessage, RoomSummary } from "../../contract/model";
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

  async create(room: NewRoom): Promise<RoomSummary> {
    if (this.rooms.some((r) => r.slug === room.slug)) throw new SlugTakenError(room.slug);
    const summary = { id: room.id, slug: room.slug, name: room.name, createdAt: new Date().toISOString() };
    this.rooms.push(summary);
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

  async list() {
    return this.rooms.map((r) => ({ ...r }));
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
