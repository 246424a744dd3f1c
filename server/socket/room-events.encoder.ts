import { audienceOf, unencoded, type RoomEvent } from "../contract/room-events";
import type { ServerToClientEvents } from "../contract/events";
import type { RoomFanout } from "../realtime/hub";
import { activityChannel, roomChannel, userChannel, type ParleyServer } from "./types";

type Emit = { [E in keyof ServerToClientEvents]: [E, ...Parameters<ServerToClientEvents[E]>] }[keyof ServerToClientEvents];

/**
 * A room event as Socket.IO clients read it: an event name and its payload
 * (docs/protocol.md). `access.revoked` has no encoding here: browsers hear a removal or a
 * deletion as the directory's `room:removed` / `room:deleted`, sent to every tab of the user
 * (server/socket/room.handlers.ts), including those that are not in the room.
 */
export function encodeForSocketIo(event: RoomEvent): Emit | undefined {
  switch (event.type) {
    case "message.created":
      return ["message:created", event.message];
    case "message.changed":
      return ["message:changed", event.change];
    case "presence.changed":
      return ["presence:changed", { roomId: event.roomId, online: event.online }];
    case "typing.changed":
      return ["typing:changed", { roomId: event.roomId, user: event.user, typing: event.typing }];
    case "room.activity":
      return ["room:activity", { roomId: event.roomId, seq: event.seq, readBy: event.readBy, mentions: event.mentions, mentionAuthors: event.mentionAuthors }];
    case "attention.changed":
      return ["attention:changed", { read: event.read, unfollowed: event.unfollowed }];
    case "room.added":
      return ["room:created", event.room];
    case "blocks.changed":
      return ["blocks:changed", { blocked: event.blocked }];
    case "profile.changed":
      return ["profile:changed", { user: event.user }];
    case "powers.changed":
      return ["powers:changed", { roomId: event.room }];
    case "reports.changed":
      return ["reports:changed", { roomId: event.room }];
    case "room.removed":
      return ["room:removed", { roomId: event.room, until: event.until, message: event.message }];
    case "access.revoked":
      return undefined;
    case "account.closed":
      return ["account:closed", { reason: event.reason, message: event.message, until: event.until }];
    default:
      return unencoded(event);
  }
}

/**
 * Published room events to Socket.IO clients: one pre-encoded emit per audience (a room, its
 * watchers, a user).
 *
 * `acrossNodes`: the emit reaches every node through the adapter (the Redis Streams adapter
 * with REDIS_URL). Without it the emit is this node's own (`io.local`), for a cluster whose
 * relay (server/realtime/cluster.ts) already carries each event to the other nodes once: then
 * an event crosses Redis once, not twice (the adapter's broadcast and the relay), and every
 * node encodes it for its own clients.
 */
export function socketIoFanout(io: ParleyServer, { acrossNodes }: { acrossNodes: boolean }): RoomFanout {
  const base = acrossNodes ? io : io.local;
  return {
    spansNodes: acrossNodes,
    publish(event) {
      const encoded = encodeForSocketIo(event);
      if (!encoded) return;
      const audience = audienceOf(event);
      const room = base.to("room" in audience ? roomChannel(audience.room) : "watchers" in audience ? activityChannel(audience.watchers) : userChannel(audience.user));
      const target = event.type === "typing.changed" && event.except ? room.except(event.except) : room;
      // The tuple is typed by the contract (Emit); emit's overloads do not take a union of them.
      (target.emit as (...args: unknown[]) => boolean)(...encoded);
    },
  };
}
