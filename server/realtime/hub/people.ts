import { parseDirectRoomId } from "../../contract/direct";
import { accountAvatarSchema, accountNameSchema, roomPeopleSchema, userBlockSchema, userBlocksSchema } from "../../contract/schemas";
import { capability, request } from "./capability";

/**
 * People: blocking (every connection of the user hears `blocks.changed`), one's profile
 * picture (`profile.changed`, and the presence lists of the rooms one is in), and direct
 * conversations, which appear in both people's lists with their first message.
 */
export const peopleCapability = capability({
  requests: {
    "user:block": request(userBlockSchema, async (hub, session, { userId, blocked }) => {
      const { user } = session.conn;
      await hub.policy.beforeSetting(user);
      const list = await hub.services.rooms.block(user, userId, blocked);
      hub.publish({ type: "blocks.changed", roomId: null, userId: user.id, blocked: list });
      return { blocked: list };
    }),
    "user:blocks": request(userBlocksSchema, async (hub, session) => ({ blocked: await hub.services.rooms.blocked(session.conn.user) })),
    "room:people": request(roomPeopleSchema, async (hub, session, { roomId, ...filter }) => ({ people: await hub.services.roles.roomPeople(session.conn.user, roomId, filter) })),
    "account:name": request(accountNameSchema, async (hub, session, { name }) => {
      await hub.policy.beforeSetting(session.conn.user);
      const user = { ...session.conn.user, name: await hub.services.auth.rename(session.conn.user, name) };
      await hub.profileChanged(user);
      return { user };
    }),
    "account:avatar": request(accountAvatarSchema, async (hub, session, { fileId }) => {
      await hub.policy.beforeSetting(session.conn.user);
      const user = await hub.services.files.setAvatar(session.conn.user, fileId);
      await hub.profileChanged(user);
      return { user };
    }),
  },
  /**
   * A direct conversation's first message: both people's lists gain it, on every tab, each
   * named for its reader. Awaited before the sender's ack, so the sender's other tabs list it
   * by the time the sender sees the message acknowledged.
   */
  async onStored(hub, message) {
    if (message.seq !== 1 || !parseDirectRoomId(message.roomId)) return;
    for (const { userId, room } of await hub.services.rooms.directViews(message.roomId)) {
      hub.publish({ type: "room.added", roomId: null, userId, room });
    }
  },
});
