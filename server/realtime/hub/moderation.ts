import { roomModeratorSchema, roomModeratorsSchema, roomPowersSchema, userRoleSchema } from "../../contract/schemas";
import { capability, request } from "./capability";

/**
 * Moderation: what one may do in a room (read now, at every request), a room's moderators
 * (appointed by its owner or an administrator), and instance roles (administrators). The
 * person whose powers changed hears `powers.changed` on every connection. A moderator's
 * removal of a message is the delete change (`messages.ts`), admitted by the domain.
 */
export const moderationCapability = capability({
  requests: {
    "room:powers": request(roomPowersSchema, (hub, session, { roomId }) => hub.services.roles.powers(session.conn.user, roomId)),
    "room:moderators": request(roomModeratorsSchema, async (hub, session, { roomId }) => ({
      moderators: await hub.services.roles.moderators(session.conn.user, roomId),
    })),
    "room:moderator": request(roomModeratorSchema, async (hub, session, { roomId, userId, moderator }) => {
      await hub.policy.beforeSetting(session.conn.user);
      const { moderators } = await hub.services.roles.setModerator(session.conn.user, roomId, userId, moderator);
      hub.publish({ type: "powers.changed", roomId: null, userId, room: roomId });
      return { moderators };
    }),
    "user:role": request(userRoleSchema, async (hub, session, { userId, role }) => {
      await hub.policy.beforeSetting(session.conn.user);
      await hub.services.roles.setRole(session.conn.user, userId, role);
      hub.publish({ type: "powers.changed", roomId: null, userId, room: null });
      return {} as Record<string, never>;
    }),
  },
});
