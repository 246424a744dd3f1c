import type { PresenceChanged } from "@/server/contract/events";
import type { UserSummary } from "@/server/contract/model";
import { Emitter } from "./emitter";
import type { ChatTransport } from "./transport";

const NOBODY: UserSummary[] = [];

/**
 * Who is online, per room, from `presence:changed`. One listener for the connection, not one per
 * component, so an event that arrives before a room's view knows the room id is kept.
 */
export class PresenceStore {
  private readonly rooms = new Map<string, UserSummary[]>();
  private readonly changed = new Emitter<void>();
  private readonly onChanged = (e: PresenceChanged) => {
    this.rooms.set(e.roomId, e.online);
    this.changed.emit();
  };

  private readonly stop: () => void;

  constructor(transport: Pick<ChatTransport, "subscribe">) {
    this.stop = transport.subscribe("presence:changed", this.onChanged);
  }

  get(roomId: string | undefined): UserSummary[] {
    return (roomId && this.rooms.get(roomId)) || NOBODY;
  }

  subscribe = (listener: () => void) => this.changed.subscribe(listener);

  close(): void {
    this.stop();
  }
}
