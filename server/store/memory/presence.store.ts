import { summaryOf, type UserSummary } from "../../contract/model";
import type { PresenceStore } from "../ports";

/** Presence for one process: room → user → the connections that user has in the room. */
export class MemoryPresenceStore implements PresenceStore {
  private readonly rooms = new Map<string, Map<string, { user: UserSummary; connections: Set<string> }>>();

  async add(roomId: string, user: UserSummary, connectionId: string): Promise<boolean> {
    let users = this.rooms.get(roomId);
    if (!users) this.rooms.set(roomId, (users = new Map()));
    const entry = users.get(user.id);
    if (entry) {
      // The latest summary wins (a changed avatar is added again), as in Redis.
      entry.user = summaryOf(user);
      entry.connections.add(connectionId);
      return false;
    }
    users.set(user.id, { user: summaryOf(user), connections: new Set([connectionId]) });
    return true;
  }

  async enter(roomId: string, user: UserSummary, connectionId: string): Promise<{ changed: boolean; online: UserSummary[] }> {
    const changed = await this.add(roomId, user, connectionId);
    return { changed, online: await this.list(roomId) };
  }

  async remove(roomId: string, userId: string, connectionId: string): Promise<boolean> {
    const users = this.rooms.get(roomId);
    const entry = users?.get(userId);
    if (!users || !entry || !entry.connections.delete(connectionId)) return false;
    if (entry.connections.size > 0) return false;
    users.delete(userId);
    if (users.size === 0) this.rooms.delete(roomId);
    return true;
  }

  async list(roomId: string): Promise<UserSummary[]> {
    return [...(this.rooms.get(roomId)?.values() ?? [])].map((e) => ({ ...e.user }));
  }
}
