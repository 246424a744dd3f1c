import type { NotifyLevel } from "../../contract/model";
import type { AttentionRepository, ReadState } from "../ports";
import type { MemoryMessageRepository } from "./messages";
import type { MemoryRoomRepository } from "./rooms";

/** Follows and read positions in process, for unit tests: the same contract as the database stores. */
export class MemoryAttentionRepository implements AttentionRepository {
  /** userId → roomId → readSeq, in the order followed. */
  private readonly follows = new Map<string, Map<string, number>>();
  /** `${userId} ${roomId}` → the level chosen. */
  private readonly levels = new Map<string, NotifyLevel>();

  constructor(
    private readonly rooms: MemoryRoomRepository,
    private readonly messages: MemoryMessageRepository,
  ) {
    rooms.followersOf = (roomId) => [...this.follows].filter(([, followed]) => followed.has(roomId)).map(([userId]) => userId);
    rooms.onDirectCreated = (roomId, memberIds) => {
      for (const id of memberIds) if (!this.of(id).has(roomId)) this.of(id).set(roomId, 0);
    };
    messages.onAppended = (m) => {
      rooms.lastMessage.set(m.roomId, m.createdAt);
      const read = this.follows.get(m.author.id);
      if ((read?.get(m.roomId) ?? Infinity) < m.seq) read!.set(m.roomId, m.seq);
    };
  }

  private state(roomId: string, readSeq: number, userId?: string): ReadState {
    const notify = userId === undefined ? undefined : this.levels.get(`${userId} ${roomId}`);
    return { roomId, readSeq, latestSeq: this.messages.latestSeq(roomId), ...(notify ? { notify } : {}) };
  }

  async setNotify(userId: string, roomId: string, level: NotifyLevel | null) {
    const read = this.of(userId);
    if (!read.has(roomId)) read.set(roomId, this.messages.latestSeq(roomId));
    if (level === null) this.levels.delete(`${userId} ${roomId}`);
    else this.levels.set(`${userId} ${roomId}`, level);
    return this.state(roomId, read.get(roomId)!, userId);
  }

  private of(userId: string) {
    let read = this.follows.get(userId);
    if (!read) this.follows.set(userId, (read = new Map()));
    return read;
  }

  async follow(userId: string, roomId: string) {
    const read = this.of(userId);
    if (!read.has(roomId)) read.set(roomId, this.messages.latestSeq(roomId));
    return this.state(roomId, read.get(roomId)!, userId);
  }

  async following(userId: string, roomId: string) {
    const read = this.follows.get(userId)?.get(roomId);
    return read === undefined ? null : this.state(roomId, read, userId);
  }

  async unfollow(userId: string, roomId: string) {
    this.follows.get(userId)?.delete(roomId);
  }

  async markRead(userId: string, roomId: string, seq: number) {
    const read = this.of(userId);
    const to = Math.max(read.get(roomId) ?? 0, Math.min(seq, this.messages.latestSeq(roomId)));
    read.set(roomId, to);
    return this.state(roomId, to, userId);
  }

  async markAllRead(userId: string) {
    const read = this.of(userId);
    for (const roomId of read.keys()) read.set(roomId, this.messages.latestSeq(roomId));
    return this.followed(userId);
  }

  async mentionsAfter(userId: string, roomId: string, after: number, limit: number) {
    const token = `<@${userId}>`;
    return (await this.messages.pageAfter(roomId, after, Number.MAX_SAFE_INTEGER))
      .filter((m) => m.author.id !== userId && !this.rooms.isBlocking(userId, m.author.id) && (m.body.includes(token) || m.body.includes("<@room>")))
      .slice(0, limit)
      .map((m) => m.seq);
  }

  async followerCount(roomId: string) {
    return [...this.follows.values()].filter((read) => read.has(roomId)).length;
  }

  async followed(userId: string) {
    const visible = new Set((await this.rooms.listVisibleTo(userId)).map((r) => r.id));
    return [...this.of(userId)]
      .filter(([roomId]) => visible.has(roomId))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([roomId, readSeq]) => this.state(roomId, readSeq, userId));
  }
}
