import { TYPING_TTL_MS } from "../../contract/events";
import { summaryOf, type UserSummary } from "../../contract/model";
import type { TypingStore } from "../ports";

/** Typing for one process: room → user → until when. Expired entries go when the room is read. */
export class MemoryTypingStore implements TypingStore {
  private readonly rooms = new Map<string, Map<string, { user: UserSummary; until: number }>>();

  constructor(
    private readonly ttlMs = TYPING_TTL_MS,
    private readonly now = () => Date.now(),
  ) {}

  async start(roomId: string, user: UserSummary): Promise<void> {
    let users = this.rooms.get(roomId);
    if (!users) this.rooms.set(roomId, (users = new Map()));
    users.set(user.id, { user: summaryOf(user), until: this.now() + this.ttlMs });
  }

  async stop(roomId: string, userId: string): Promise<void> {
    const users = this.rooms.get(roomId);
    users?.delete(userId);
    if (users?.size === 0) this.rooms.delete(roomId);
  }

  async list(roomId: string): Promise<UserSummary[]> {
    const users = this.rooms.get(roomId);
    if (!users) return [];
    const now = this.now();
    for (const [id, e] of users) if (e.until <= now) users.delete(id);
    if (users.size === 0) this.rooms.delete(roomId);
    return [...users.values()].map((e) => ({ ...e.user }));
  }
}
