import { ROOM_MENTION } from "../../contract/mentions";
import type { ChatMessage } from "../../contract/model";
import type { PublishedRoomEvent } from "../../contract/room-events";

/**
 * A room's activity for its followers goes out at once for a message in a quiet room, then
 * at most this often while the room is busy, gathering the messages in between.
 */
export const ROOM_ACTIVITY_COALESCE_MS = 200;

interface Window {
  seq: number;
  readBy: Record<string, number>;
  mentions: Record<string, number[]>;
  mentionAuthors: Record<string, string>;
  open: boolean;
}

/**
 * Stored messages, for the room's followers that do not have it open (`room.activity`): the
 * first in a quiet room goes out at once; those that follow within `intervalMs` go out
 * together at its end (the latest seq, each author's latest seq, the mentions and their
 * authors). Followers' counts are `latest - read`, so one event that carries the latest seq
 * corrects whatever an earlier one missed.
 */
export class ActivityCoalescer {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly deps: { publish(event: PublishedRoomEvent): void; intervalMs?: number }) {}

  note(message: ChatMessage): void {
    const { roomId, seq } = message;
    const mentioned = mentionedBy(message);
    const pending = this.windows.get(roomId);
    if (pending) {
      pending.seq = Math.max(pending.seq, seq);
      pending.readBy[message.author.id] = Math.max(pending.readBy[message.author.id] ?? 0, seq);
      for (const id of mentioned) (pending.mentions[id] ??= []).push(seq);
      if (mentioned.length > 0) pending.mentionAuthors[seq] = message.author.id;
      pending.open = true;
      return;
    }
    const mentions: Record<string, number[]> = {};
    for (const id of mentioned) mentions[id] = [seq];
    const mentionAuthors: Record<string, string> = mentioned.length > 0 ? { [seq]: message.author.id } : {};
    this.deps.publish({ type: "room.activity", roomId, seq, readBy: { [message.author.id]: seq }, mentions, mentionAuthors });
    const window: Window = { seq: 0, readBy: {}, mentions: {}, mentionAuthors: {}, open: false };
    this.windows.set(roomId, window);
    const intervalMs = this.deps.intervalMs ?? ROOM_ACTIVITY_COALESCE_MS;
    const tick = () => {
      if (!window.open) {
        this.windows.delete(roomId);
        return;
      }
      this.deps.publish({ type: "room.activity", roomId, seq: window.seq, readBy: window.readBy, mentions: window.mentions, mentionAuthors: window.mentionAuthors });
      window.readBy = {};
      window.mentions = {};
      window.mentionAuthors = {};
      window.open = false;
      setTimeout(tick, intervalMs).unref();
    };
    setTimeout(tick, intervalMs).unref();
  }
}

/** Whom a message mentions, for activity: its people, and "room" for `@room` (everyone following). */
function mentionedBy(message: ChatMessage): string[] {
  const ids = (message.mentions ?? []).map((u) => u.id);
  return message.body.includes(ROOM_MENTION) ? [...ids, "room"] : ids;
}
