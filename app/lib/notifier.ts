/**
 * Browser notifications: one per message whatever the number of tabs, never for one's own
 * messages, never for a room someone is looking at.
 *
 * - Only the leader tab notifies (the one that sends the outbox: one per browser). The rest
 *   hear the same events and do nothing.
 * - What is notified is what is still unread a moment later (`graceMs`): a tab that shows
 *   the room, visible and focused, reads it at once, its read position reaches the leader
 *   (`attention:changed`), and nothing is shown. So "not while the room is in view" holds
 *   whichever tab has it open.
 * - Each room's last notified seq is kept in shared storage (`NotifiedStore`): a message
 *   heard twice (live, then in a catch-up), or by a tab that becomes leader later, is
 *   notified once. An edit never notifies (only new seqs do).
 * - A room notifies for every message, for mentions only, or never (`level`).
 * - After an absence (a reconnect), what came meanwhile is one summary per room, not one
 *   notification per message; so is a burst of more than `maxSingles` at once.
 * - The notification's `tag` is the message id (a room's id for a summary), so the system
 *   replaces rather than stacks a repeat.
 *
 * Framework-free; `app/hooks/use-notifications.ts` wires it to the browser.
 */
import { thumbnailUrl } from "@/server/contract/files";
import { messageExcerpt, type ChatMessage } from "@/server/contract/model";
import { parseDirectRoomId } from "@/server/contract/direct";
import type { AttentionStore } from "./attention";
import type { ChatTransport } from "./transport";

export type NotifyLevel = "all" | "mentions" | "off";

export interface ShownNotification {
  title: string;
  body: string;
  /** The message id, or `room:<roomId>` for a summary. */
  tag: string;
  roomId: string;
  /** The message to open at (the first of a summary). */
  seq: number;
  /** The author's profile picture (one message), when they have one. */
  icon?: string;
}

/** The last seq notified per room, shared by the browser's tabs (localStorage in the browser). */
export interface NotifiedStore {
  get(roomId: string): number | undefined;
  set(roomId: string, seq: number): void;
}

interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface NotifierOptions {
  selfId: string;
  attention: AttentionStore;
  transport: Pick<ChatTransport, "request">;
  isLeader(): boolean;
  /** Whether notifications may be shown at all (permission granted). */
  enabled(): boolean;
  show(n: ShownNotification): void;
  roomName(roomId: string): string | undefined;
  level(roomId: string): NotifyLevel;
  notified: NotifiedStore;
  /** People whose messages are never notified (those the user blocks). */
  muted?(authorId: string): boolean;
  graceMs?: number;
  maxSingles?: number;
  timers?: Timers;
}

/** How long a new message waits to be read by a tab that shows it before it is notified. */
export const NOTIFY_GRACE_MS = 1500;

export class Notifier {
  private readonly due = new Map<string, { timer: unknown; summary: boolean }>();
  private readonly o: Required<Omit<NotifierOptions, "timers">> & { timers: Timers };

  constructor(options: NotifierOptions) {
    this.o = { graceMs: NOTIFY_GRACE_MS, maxSingles: 3, timers: globalThis, muted: () => false, ...options };
  }

  /** Something new in a followed room (its activity, or a message of a room open here). */
  heard(roomId: string): void {
    this.schedule(roomId, false);
  }

  /**
   * The followed rooms' states arrived at a (re)connect: what came while away is summed up
   * per room. A room never seen before by this browser starts from now (nothing old notifies).
   */
  synced(): void {
    for (const [roomId, state] of this.o.attention.get()) {
      if (this.o.notified.get(roomId) === undefined) this.o.notified.set(roomId, state.latestSeq);
      else this.schedule(roomId, true);
    }
  }

  close(): void {
    for (const d of this.due.values()) this.o.timers.clearTimeout(d.timer);
    this.due.clear();
  }

  private schedule(roomId: string, summary: boolean) {
    const pending = this.due.get(roomId);
    if (pending) {
      pending.summary ||= summary;
      return;
    }
    const entry = {
      summary,
      timer: this.o.timers.setTimeout(() => {
        this.due.delete(roomId);
        void this.check(roomId, entry.summary);
      }, this.o.graceMs),
    };
    this.due.set(roomId, entry);
  }

  private async check(roomId: string, summary: boolean): Promise<void> {
    const { attention, notified, selfId } = this.o;
    if (!this.o.isLeader() || !this.o.enabled()) return;
    const state = attention.get().get(roomId);
    if (!state) return;
    const from = Math.max(state.readSeq, notified.get(roomId) ?? state.readSeq);
    if (state.latestSeq <= from) return;
    const level = this.o.level(roomId);
    if (level === "off") {
      notified.set(roomId, state.latestSeq);
      return;
    }
    const ack = await this.o.transport.request("message:history", { roomId, after: from, limit: 50 });
    if (!ack.ok) return;
    const messages = ack.data.messages;
    // Read meanwhile, or notified meanwhile by this tab: only what is still due.
    const now = attention.get().get(roomId);
    const floor = Math.max(now?.readSeq ?? 0, notified.get(roomId) ?? 0);
    const mentionsMe = (m: ChatMessage) => m.body.includes(`<@${selfId}>`) || m.body.includes("<@room>");
    const due = messages.filter((m) => m.seq > floor && m.author.id !== selfId && !m.deleted && !this.o.muted(m.author.id) && (level === "all" || mentionsMe(m)));
    const last = messages.at(-1)?.seq ?? from;
    notified.set(roomId, Math.max(last, notified.get(roomId) ?? 0));
    if (due.length === 0) return;
    // A direct conversation is named after the other person: no "#", no "in".
    const direct = parseDirectRoomId(roomId) !== null;
    const room = this.o.roomName(roomId) ?? (direct ? "a conversation" : "a room");
    if (summary || due.length > this.o.maxSingles) {
      // A page holds 50: past it, the count is the room's (one's own messages among them are read).
      const count = ack.data.hasMore && level === "all" ? Math.max(due.length, (now?.latestSeq ?? 0) - floor) : due.length;
      const what = level === "mentions" ? (count === 1 ? "1 mention" : `${count} mentions`) : count === 1 ? "1 new message" : `${count} new messages`;
      this.o.show({ title: direct ? room : `#${room}`, body: summary ? `${what} while you were away` : what, tag: `room:${roomId}`, roomId, seq: due[0]!.seq });
      return;
    }
    for (const m of due) {
      this.o.show({ title: direct ? m.author.name : `${m.author.name} in #${room}`, body: messageExcerpt(m), tag: m.id, roomId, seq: m.seq, ...(m.author.avatar ? { icon: thumbnailUrl(m.author.avatar) } : {}) });
    }
  }
}

/** The notified seqs in localStorage, one entry per user (shared by the browser's tabs). */
export function localNotifiedStore(userId: string, storage: Pick<Storage, "getItem" | "setItem"> = window.localStorage): NotifiedStore {
  const key = `parley-notified-${userId}`;
  const read = (): Record<string, number> => {
    try {
      return JSON.parse(storage.getItem(key) ?? "{}") as Record<string, number>;
    } catch {
      return {};
    }
  };
  return {
    get: (roomId) => read()[roomId],
    set: (roomId, seq) => {
      const all = read();
      if ((all[roomId] ?? 0) >= seq) return;
      all[roomId] = seq;
      storage.setItem(key, JSON.stringify(all));
    },
  };
}
