/**
 * Persistence ports. The domain depends on these interfaces only; `store/prisma/` implements
 * them on SQLite through Prisma, `store/memory/` in process for unit tests. Both pass the same
 * contract suite (`store/repositories.contract.ts`).
 */
import type { ChatMessage, RoomSummary, UserSummary } from "../contract/model";

export interface NewRoom {
  id: string;
  slug: string;
  name: string;
  createdById: string;
}

/** Thrown by `RoomRepository.create` when the slug is already in use. */
export class SlugTakenError extends Error {
  constructor(slug: string) {
    super(`slug "${slug}" is taken`);
    this.name = "SlugTakenError";
  }
}

export interface RoomRepository {
  create(room: NewRoom): Promise<RoomSummary>;
  findBySlug(slug: string): Promise<RoomSummary | null>;
  findById(id: string): Promise<RoomSummary | null>;
  /** All rooms, oldest first. */
  list(): Promise<RoomSummary[]>;
}

export interface NewMessage {
  id: string;
  roomId: string;
  author: UserSummary;
  clientId: string;
  body: string;
}

export interface AppendResult {
  message: ChatMessage;
  /** True when (author, clientId) was already stored: `message` is the stored copy. */
  duplicate: boolean;
}

export interface MessageRepository {
  /**
   * Stores a message with the room's next sequence number, atomically. A repeated
   * (author, clientId) stores nothing and returns the message already stored.
   */
  append(message: NewMessage): Promise<AppendResult>;
  /** Up to `limit` messages with seq < `before` (or the newest if undefined), ascending. */
  pageBefore(roomId: string, before: number | undefined, limit: number): Promise<ChatMessage[]>;
  /** Up to `limit` messages with seq > `after`, ascending. */
  pageAfter(roomId: string, after: number, limit: number): Promise<ChatMessage[]>;
}

export interface Repositories {
  rooms: RoomRepository;
  messages: MessageRepository;
}
