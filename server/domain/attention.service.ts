import type { NotifyLevel, ReadState, RoomSummary, UserSummary } from "../contract/model";
import type { AttentionRepository } from "../store/ports";
import type { RoomService } from "./room.service";

/**
 * What deserves a user's attention: the rooms they follow and how far they have read each.
 *
 * - Opening a room follows it (a private room can only be opened by its members); "Leave
 *   room" unfollows it until it is opened again.
 * - A read position only moves forward and never past the room's latest message, whoever
 *   asks and in whatever order the requests arrive (tabs, devices, an outbox replaying).
 * - Unread is `latestSeq - readSeq`: the room's seq has no gaps, so the count is arithmetic
 *   and cannot drift. Sending a message moves the sender's position to it (in the append's
 *   commit), so one's own messages are never unread.
 * - A room the user may no longer read (removed from a private room) is not listed, and its
 *   read position cannot be moved: `not_found`, as for every other request about it.
 */
/** The most unread mentions a read state lists per room. */
export const MENTION_SEQS_MAX = 100;

export class AttentionService {
  constructor(
    private readonly repo: AttentionRepository,
    private readonly rooms: RoomService,
  ) {}

  /** Entering a room (access checked by the caller, `RoomService.enter`): it is followed. */
  async followEntered(user: UserSummary, room: RoomSummary): Promise<ReadState> {
    return this.withMentions(user, await this.repo.follow(user.id, room.id));
  }

  async unfollow(user: UserSummary, roomId: string): Promise<void> {
    await this.rooms.requireAccess(user, roomId);
    await this.repo.unfollow(user.id, roomId);
  }

  async markRead(user: UserSummary, roomId: string, seq: number): Promise<ReadState> {
    await this.rooms.requireAccess(user, roomId);
    return this.withMentions(user, await this.repo.markRead(user.id, roomId, seq));
  }

  /** When to notify the user of the room's messages ("default": as the room's kind has it). */
  async setNotify(user: UserSummary, roomId: string, level: NotifyLevel | "default"): Promise<ReadState> {
    await this.rooms.requireAccess(user, roomId);
    return this.withMentions(user, await this.repo.setNotify(user.id, roomId, level === "default" ? null : level));
  }

  /** Whether the user follows the room (its activity then reaches their connections that do not have it open). */
  async isFollowing(user: UserSummary, roomId: string): Promise<boolean> {
    return (await this.repo.following(user.id, roomId)) !== null;
  }

  /**
   * How the user wants to hear of the room's messages, if they follow it: their level, or
   * the room's default (every message in private rooms and direct conversations, mentions
   * in public rooms). Null: not followed, so nothing is pushed.
   */
  async notifyLevel(userId: string, room: { id: string; visibility: RoomSummary["visibility"] }): Promise<NotifyLevel | null> {
    const state = await this.repo.following(userId, room.id);
    if (!state) return null;
    return state.notify ?? (room.visibility === "public" ? "mentions" : "all");
  }

  markAllRead(user: UserSummary): Promise<ReadState[]> {
    return this.repo.markAllRead(user.id);
  }

  /**
   * Every followed room the user may read, with its read position, latest seq and the
   * unread messages that mention them.
   */
  async followed(user: UserSummary): Promise<ReadState[]> {
    return Promise.all((await this.repo.followed(user.id)).map((s) => this.withMentions(user, s)));
  }

  /** The unread mentions of the user in a room (only looked for when something is unread). */
  private async withMentions(user: UserSummary, state: ReadState): Promise<ReadState> {
    if (state.latestSeq <= state.readSeq) return state;
    const seqs = await this.repo.mentionsAfter(user.id, state.roomId, state.readSeq, MENTION_SEQS_MAX);
    return seqs.length > 0 ? { ...state, mentionSeqs: seqs } : state;
  }
}

/** A room's unread count from its read state. */
export const unreadOf = (s: Pick<ReadState, "readSeq" | "latestSeq">): number => Math.max(0, s.latestSeq - s.readSeq);
