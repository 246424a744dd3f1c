import type { AttentionState } from "../../contract/events";
import type { ReadState } from "../../contract/model";
import { attentionSyncSchema, readAllSchema, readMarkSchema, roomNotifySchema, roomUnfollowSchema } from "../../contract/schemas";
import { capability, request, type HubContext } from "./capability";
import type { HubSession } from "./session";

/**
 * Attention and activity: followed rooms, read positions (unread counts), notify levels,
 * and the coalesced `room.activity` that followers hear of rooms they do not have open.
 * Every change of a user's attention reaches all of their connections (`attention.changed`).
 */
export const attentionCapability = capability({
  requests: {
    "attention:sync": request(attentionSyncSchema, (hub, session) => sync(hub, session)),
    "read:mark": request(readMarkSchema, async (hub, session, { roomId, seq }) => {
      const { user } = session.conn;
      await hub.policy.beforeReadMark(user);
      const read = await hub.services.attention.markRead(user, roomId, seq);
      attentionChanged(hub, user.id, { read: [read] });
      return read;
    }),
    "read:all": request(readAllSchema, async (hub, session) => {
      const { user } = session.conn;
      const rooms = await hub.services.attention.markAllRead(user);
      attentionChanged(hub, user.id, { read: rooms });
      return { rooms };
    }),
    "room:notify": request(roomNotifySchema, async (hub, session, { roomId, level }) => {
      const { user } = session.conn;
      await hub.policy.beforeSetting(user);
      const read = await hub.services.attention.setNotify(user, roomId, level);
      attentionChanged(hub, user.id, { read: [read] });
      return read;
    }),
    "room:unfollow": request(roomUnfollowSchema, async (hub, session, { roomId }) => {
      const { user } = session.conn;
      await hub.services.attention.unfollow(user, roomId);
      await hub.unwatch(session, roomId);
      attentionChanged(hub, user.id, { unfollowed: [roomId] });
      return {} as Record<string, never>;
    }),
  },
  /** A stored message is activity for the room's followers. */
  onStored(hub, message) {
    hub.activity.note(message);
  },
});

/** Every connection of the user hears what moved (`attention.changed`). */
function attentionChanged(hub: HubContext, userId: string, { read = [], unfollowed = [] }: { read?: ReadState[]; unfollowed?: string[] }) {
  hub.publish({ type: "attention.changed", roomId: null, userId, read, unfollowed });
}

/**
 * At every (re)connect: the followed rooms' read states, and this connection hears their
 * activity from now on (and no longer that of rooms it stopped following elsewhere).
 */
async function sync(hub: HubContext, session: HubSession): Promise<AttentionState> {
  const rooms = await hub.services.attention.followed(session.conn.user);
  const followed = new Set(rooms.map((r) => r.roomId));
  for (const roomId of [...session.watching]) if (!followed.has(roomId)) await hub.unwatch(session, roomId);
  for (const roomId of followed) if (!session.rooms.has(roomId)) await hub.watch(session, roomId);
  return { rooms };
}
