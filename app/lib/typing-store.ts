import { TYPING_TTL_MS, type PresenceChanged, type TypingChanged } from "@/server/contract/events";
import type { UserSummary } from "@/server/contract/model";
import { Emitter } from "./emitter";
import type { ChatTransport } from "./transport";

const NOBODY: UserSummary[] = [];

interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Who is typing, per room. An entry expires TYPING_TTL_MS after the last `typing:changed`
 * that said so (the sender repeats it while typing), ends at once on `typing: false`, and
 * when the user leaves the room's presence list.
 */
export class TypingStore {
  private readonly rooms = new Map<string, Map<string, { user: UserSummary; timer: unknown }>>();
  private readonly snapshots = new Map<string, UserSummary[]>();
  private readonly changed = new Emitter<void>();

  private readonly onTyping = (e: TypingChanged) => {
    if (e.user.id === this.selfId) return; // the user's other tabs
    if (e.typing) this.start(e.roomId, e.user);
    else this.stop(e.roomId, e.user.id);
  };

  private readonly onPresence = (e: PresenceChanged) => {
    const online = new Set(e.online.map((u) => u.id));
    for (const userId of [...(this.rooms.get(e.roomId)?.keys() ?? [])]) {
      if (!online.has(userId)) this.stop(e.roomId, userId);
    }
  };

  private readonly stops: Array<() => void>;

  constructor(
    transport: Pick<ChatTransport, "subscribe">,
    private readonly selfId: string,
    private readonly timers: Timers = globalThis,
  ) {
    this.stops = [transport.subscribe("typing:changed", this.onTyping), transport.subscribe("presence:changed", this.onPresence)];
  }

  get(roomId: string | undefined): UserSummary[] {
    return (roomId && this.snapshots.get(roomId)) || NOBODY;
  }

  subscribe = (listener: () => void) => this.changed.subscribe(listener);

  close(): void {
    for (const stop of this.stops) stop();
    for (const users of this.rooms.values()) for (const e of users.values()) this.timers.clearTimeout(e.timer);
    this.rooms.clear();
  }

  private start(roomId: string, user: UserSummary) {
    let users = this.rooms.get(roomId);
    if (!users) this.rooms.set(roomId, (users = new Map()));
    const existing = users.get(user.id);
    if (existing) this.timers.clearTimeout(existing.timer);
    users.set(user.id, { user, timer: this.timers.setTimeout(() => this.stop(roomId, user.id), TYPING_TTL_MS) });
    if (!existing) this.publish(roomId);
  }

  private stop(roomId: string, userId: string) {
    const users = this.rooms.get(roomId);
    const entry = users?.get(userId);
    if (!users || !entry) return;
    this.timers.clearTimeout(entry.timer);
    users.delete(userId);
    this.publish(roomId);
  }

  private publish(roomId: string) {
    this.snapshots.set(roomId, [...(this.rooms.get(roomId)?.values() ?? [])].map((e) => e.user));
    this.changed.emit();
  }
}
