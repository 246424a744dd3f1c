/**
 * What happens in a room, as one typed event: the hub (server/realtime/room-hub.ts) publishes
 * these, and each transport has one encoder that turns an event into what its clients read
 * (Socket.IO: an event name and payload; `/ws`: a JSON frame). A new kind of change is a new
 * member of this union, an encoder case per transport, and nothing else in the delivery path.
 *
 * @example
 * hub.publish({ type: "message.created", roomId: message.roomId, message });
 */
import type { ChatMessage, MessageChange, UserSummary } from "./model";

export type RoomEvent =
  /** A message was stored, with its seq. */
  | { type: "message.created"; roomId: string; message: ChatMessage }
  /** An edit, a deletion or a reaction, with its place in the room's change order. */
  | { type: "message.changed"; roomId: string; change: MessageChange }
  /** Everyone in the room now, one entry per user. */
  | { type: "presence.changed"; roomId: string; online: UserSummary[] }
  /** `except`: the connection that is typing, which needs no echo. */
  | { type: "typing.changed"; roomId: string; user: UserSummary; typing: boolean; except?: string }
  /**
   * To one connection only (never published): it no longer hears the room, because its user
   * was removed from it or because the room was deleted.
   */
  | { type: "access.revoked"; roomId: string; reason: "removed" | "deleted" };

/** The events published to a room's every connection (all but the per-connection notice). */
export type PublishedRoomEvent = Exclude<RoomEvent, { type: "access.revoked" }>;
