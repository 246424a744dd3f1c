/**
 * What happens in a room, as one typed event: the hub (server/realtime/hub/) publishes
 * these, and each transport has one encoder that turns an event into what its clients read
 * (Socket.IO: an event name and payload; `/ws`: a JSON frame). A new kind of change is a new
 * member of this union, an encoder case per transport, and nothing else in the delivery path.
 *
 * @example
 * hub.publish({ type: "message.created", roomId: message.roomId, message });
 */
import type { ChatMessage, MessageChange, ReadState, RoomSummary, UserSummary } from "./model";

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
   * New messages in a room, for those who follow it without having it open (its watchers):
   * the latest seq, and the authors of the messages since the last such event, each with
   * their latest seq there, which is where their own read position moved; and who the
   * messages mention, each with those messages' seqs. Gathered per room
   * (ROOM_ACTIVITY_COALESCE_MS), so a busy room costs its followers a few small events a
   * second, not its every message.
   */
  | { type: "room.activity"; roomId: string; seq: number; readBy: Record<string, number>; mentions: Record<string, number[]>; mentionAuthors: Record<string, string> }
  /**
   * To every connection of one user: their read positions moved (another tab read, marked
   * all read) or they stopped following rooms.
   */
  | { type: "attention.changed"; roomId: null; userId: string; read: ReadState[]; unfollowed: string[] }
  /**
   * To every connection of one user: a room is in their list now that was not (a direct
   * conversation someone started with them), as they see it. Its activity reaches them
   * from their next `attention:sync` on.
   */
  | { type: "room.added"; roomId: null; userId: string; room: RoomSummary }
  /** To every connection of one user: whom they block now (another tab blocked or unblocked someone). */
  | { type: "blocks.changed"; roomId: null; userId: string; blocked: UserSummary[] }
  /**
   * To every connection of one user: they look like this now (a new profile picture). Every
   * node also refreshes what its connections of that user carry, and their presence lists.
   */
  | { type: "profile.changed"; roomId: null; userId: string; user: UserSummary }
  /**
   * To every connection of one user: what they may do changed, in one room (made or no
   * longer a moderator) or everywhere (`room` null: their instance role); ask `room:powers` again.
   */
  | { type: "powers.changed"; roomId: null; userId: string; room: string | null }
  /**
   * To every connection of one user who keeps a room's report queue (its owner, moderators,
   * the administrators): a report was filed or closed there; ask `reports:list` again.
   */
  | { type: "reports.changed"; roomId: null; userId: string; room: string }
  /**
   * To every connection of the user: they no longer have the room (removed from a private
   * room, or kicked from a public one until `until`); `message` says so in words.
   */
  | { type: "room.removed"; roomId: null; userId: string; room: string; until: string | null; message: string }
  /**
   * To one connection only (never published): it no longer hears the room, because the
   * room was deleted (a removal is `room.removed`, to every connection of the user).
   */
  | { type: "access.revoked"; roomId: string; reason: "removed" | "deleted" }
  /**
   * To each connection of a banned account, just before the hub closes it (never published:
   * delivered connection by connection, on every node).
   */
  | { type: "account.closed"; roomId: null; reason: "banned"; message: string; until: string | null };

/**
 * The events the hub publishes (all but the per-connection notice). Each has an audience:
 * a room's subscribers, its watchers (`room.activity`), or one user's every connection
 * (`attention.changed`).
 */
export type PublishedRoomEvent = Exclude<RoomEvent, { type: "access.revoked" } | { type: "account.closed" }>;

/** Who hears a published event: the transports' fan-outs route by this. */
export function audienceOf(event: PublishedRoomEvent): { room: string } | { watchers: string } | { user: string } {
  if (event.type === "room.activity") return { watchers: event.roomId };
  if (event.type === "attention.changed" || event.type === "room.added" || event.type === "blocks.changed" || event.type === "profile.changed" || event.type === "powers.changed" || event.type === "reports.changed" || event.type === "room.removed") return { user: event.userId };
  return { room: event.roomId };
}

/**
 * The end of an exhaustive switch over room events: a new kind of event fails the type check
 * of every encoder until it says how the event goes out.
 */
export function unencoded(event: never): never {
  throw new Error(`no encoding for room event ${JSON.stringify((event as { type?: unknown }).type)}`);
}
