import type { PresenceChanged } from "@/server/contract/events";
import type { UserSummary } from "@/server/contract/model";
import { Emitter } from "./emitter";
import type { ParleyClientSocket } from "./socket";

const NOBODY: UserSummary[] = [];

/**
 * Who is online, per room, from `presence:changed`. One listener for the socket, not one per
 * component, so an event that arrives before a room's view knows the room id is kept.
 */
export class PresenceStore {
  private readonly rooms = new Map<string, UserSummary[]>();
  private readonly changed = new Emitter<void>();
  private readonly onChanged = (e: PresenceChanged) => {
    this.rooms.set(e.roomId, e.online);
    this.changed.emit();
  };

  constructor(private readonly socket: ParleyClientSocket) {
    socket.on("presence:changed", this.onChanged);
  }

  get(roomId: string | undefined): UserSummary[] {
    return (roomId && this.rooms.get(roomId)) || NOBODY;
  }

  subscribe = (listener: () => void) => this.changed.subscribe(listener);

  close(): void {
    this.socket.off("presence:changed", this.onChanged);
  }
}
