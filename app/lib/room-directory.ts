/**
 * The rooms this user can see (public rooms, private rooms they belong to, their direct
 * conversations), read at every connect (`room:list`) and kept live by `room:created`,
 * `room:updated`, `room:deleted` and `room:removed`; and the room requests of the sidebar and
 * of a room's settings (create, invite, members, rename, remove a member, delete), each
 * resolving with its result or an error message to show.
 *
 * Framework-free over `ChatTransport`; `app/hooks/use-room-directory.ts` adapts it to React.
 */
import type { ChatMessage, RoomSummary, RoomVisibility, UserSummary } from "@/server/contract/model";
import { Emitter } from "./emitter";
import { Observable } from "./observable";
import type { ChatTransport } from "./transport";

/** A request's result, or the server's reason for refusing it. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

export class RoomDirectory extends Observable<RoomSummary[] | null> {
  private readonly stops: Array<() => void>;
  /** The server's list, at each connect: every room this user can read now. */
  readonly listed = new Emitter<RoomSummary[]>();
  /** Whether the list is the server's (not the device's, shown before it answers). */
  private fromServer = false;

  /** `delivered`: this tab's own messages as the outbox has them acknowledged. */
  constructor(
    private readonly transport: Pick<ChatTransport, "request" | "subscribe" | "onConnect" | "isConnected">,
    delivered: Pick<Emitter<ChatMessage>, "subscribe">,
  ) {
    super(null);
    const load = async () => {
      const ack = await transport.request("room:list", {});
      if (!ack.ok) return;
      this.fromServer = true;
      this.set(ack.data.rooms);
      this.listed.emit(ack.data.rooms);
    };
    const gone = ({ roomId }: { roomId: string }) => this.update((list) => list.filter((r) => r.id !== roomId));
    this.stops = [
      transport.onConnect(() => void load()),
      transport.subscribe("room:created", (room) => this.added(room)),
      transport.subscribe("room:updated", (room) => this.update((list) => list.map((r) => (r.id === room.id ? room : r)))),
      transport.subscribe("room:deleted", gone),
      transport.subscribe("room:removed", gone),
      // A direct conversation's latest activity orders the list: kept as messages arrive
      // (open here, or followed) and as this tab's own are stored.
      transport.subscribe("message:created", (m) => this.touched(m.roomId, m.createdAt)),
      transport.subscribe("room:activity", (e) => this.touched(e.roomId, new Date().toISOString())),
      delivered.subscribe((m) => this.touched(m.roomId, m.createdAt)),
    ];
    if (transport.isConnected()) void load();
  }

  /**
   * The list as the device kept it, shown until the server's arrives (a warm open, or
   * offline); ignored once the server's is there.
   */
  seed(rooms: RoomSummary[]): void {
    if (!this.fromServer && this.get() === null) this.set(rooms);
  }

  /** A room the list knows (its name and slug, for notifications and links). */
  room(roomId: string): RoomSummary | undefined {
    return this.get()?.find((r) => r.id === roomId);
  }

  async create(name: string, visibility: Exclude<RoomVisibility, "direct"> = "public"): Promise<Outcome<RoomSummary>> {
    const ack = await this.transport.request("room:create", { name, visibility });
    if (!ack.ok) return { ok: false, error: ack.error.message };
    this.added(ack.data.room);
    return { ok: true, value: ack.data.room };
  }

  /** A private room's invite link token (valid 7 days). */
  async invite(roomId: string): Promise<Outcome<string>> {
    const ack = await this.transport.request("room:invite", { roomId });
    return ack.ok ? { ok: true, value: ack.data.token } : { ok: false, error: ack.error.message };
  }

  async members(roomId: string): Promise<Outcome<UserSummary[]>> {
    const ack = await this.transport.request("room:members", { roomId });
    return ack.ok ? { ok: true, value: ack.data.members } : { ok: false, error: ack.error.message };
  }

  /** The creator renames the room; every member's list hears `room:updated`. */
  async rename(roomId: string, name: string): Promise<Outcome<RoomSummary>> {
    const ack = await this.transport.request("room:rename", { roomId, name });
    if (!ack.ok) return { ok: false, error: ack.error.message };
    this.update((list) => list.map((r) => (r.id === roomId ? ack.data.room : r)));
    return { ok: true, value: ack.data.room };
  }

  async removeMember(roomId: string, userId: string): Promise<Outcome<null>> {
    const ack = await this.transport.request("room:remove-member", { roomId, userId });
    return ack.ok ? { ok: true, value: null } : { ok: false, error: ack.error.message };
  }

  /** The creator deletes the room and its history, for everyone. */
  async delete(roomId: string): Promise<Outcome<null>> {
    const ack = await this.transport.request("room:delete", { roomId });
    if (!ack.ok) return { ok: false, error: ack.error.message };
    this.update((list) => list.filter((r) => r.id !== roomId));
    return { ok: true, value: null };
  }

  close(): void {
    for (const stop of this.stops) stop();
  }

  private added(room: RoomSummary) {
    this.update((list) => (list.some((r) => r.id === room.id) ? list : [...list, room]));
  }

  /**
   * Every message in any room passes here: the list is replaced only when a direct
   * conversation's time moved, so a room's traffic does not re-render the sidebar.
   */
  private touched(roomId: string, at: string) {
    this.update((list) => {
      if (!list.some((r) => r.id === roomId && r.visibility === "direct" && (r.lastMessageAt ?? "") < at)) return list;
      return list.map((r) => (r.id === roomId ? { ...r, lastMessageAt: at } : r));
    });
  }

  /** Changes a loaded list (nothing before the first `room:list` answer). */
  private update(change: (list: RoomSummary[]) => RoomSummary[]) {
    const list = this.get();
    if (list) this.set(change(list));
  }
}
