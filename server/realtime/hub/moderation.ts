import {
  auditListSchema,
  roomKickSchema,
  roomModeratorSchema,
  roomModeratorsSchema,
  roomPowersSchema,
  roomUnkickSchema,
  sanctionsListSchema,
  userBanSchema,
  userMuteSchema,
  userRoleSchema,
  userUnbanSchema,
  userUnmuteSchema,
  usersListSchema,
  roomsAllSchema,
  userPurgeSchema,
  purgesListSchema,
  userPasswordSchema,
  settingsGetSchema,
  settingsSetSchema,
} from "../../contract/schemas";
import { banMessage } from "../../domain/moderation.service";
import { capability, request } from "./capability";

/**
 * Moderation: what one may do in a room (read now, at every request), a room's moderators
 * (appointed by its owner or an administrator), instance roles (administrators), and
 * sanctions: mutes (in a room or everywhere), kicks (out of a room) and bans (out of the
 * instance). The person whose powers changed hears `powers.changed` on every connection; a
 * kicked person's connections lose the room on every node (`revoke`); a banned person's are
 * told and closed on every node (`closeUser`). A moderator's removal of a message is the
 * delete change (`messages.ts`), admitted by the domain. Every action is in the audit log.
 */
export const moderationCapability = capability({
  requests: {
    "room:powers": request(roomPowersSchema, (hub, session, { roomId }) => hub.services.moderation.powers(session.conn.user, roomId)),
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
    "user:mute": request(userMuteSchema, async (hub, session, input) => {
      await hub.policy.beforeSetting(session.conn.user);
      const { mute } = await hub.services.moderation.mute(session.conn.user, input);
      hub.publish({ type: "powers.changed", roomId: null, userId: input.userId, room: input.roomId });
      return { mute };
    }),
    "user:unmute": request(userUnmuteSchema, async (hub, session, input) => {
      await hub.policy.beforeSetting(session.conn.user);
      const { lifted } = await hub.services.moderation.unmute(session.conn.user, input);
      if (lifted) hub.publish({ type: "powers.changed", roomId: null, userId: input.userId, room: input.roomId });
      return { lifted };
    }),
    "room:kick": request(roomKickSchema, async (hub, session, input) => {
      await hub.policy.beforeSetting(session.conn.user);
      const { until, message } = await hub.services.moderation.kick(session.conn.user, input);
      await hub.revoke(input.roomId, input.userId, { until, message });
      return { until };
    }),
    "room:unkick": request(roomUnkickSchema, async (hub, session, input) => {
      await hub.policy.beforeSetting(session.conn.user);
      return { lifted: (await hub.services.moderation.unkick(session.conn.user, input)).lifted };
    }),
    "user:ban": request(userBanSchema, async (hub, session, input) => {
      await hub.policy.beforeSetting(session.conn.user);
      const { ban, sessions, tokens, purge } = await hub.services.moderation.ban(session.conn.user, input);
      hub.closeUser(input.userId, { type: "account.closed", roomId: null, reason: "banned", message: banMessage(ban), until: ban.until?.toISOString() ?? null });
      if (purge) hub.purgeFiled();
      return { sessions, tokens, purge };
    }),
    "user:purge": request(userPurgeSchema, async (hub, session, input) => {
      await hub.policy.beforeSetting(session.conn.user);
      const filed = await hub.services.purges.request(session.conn.user, input);
      hub.purgeFiled();
      return filed;
    }),
    "user:password": request(userPasswordSchema, async (hub, session, input) => {
      await hub.policy.beforeSetting(session.conn.user);
      await hub.services.moderation.resetPassword(session.conn.user, input);
      return {} as Record<string, never>;
    }),
    "settings:get": request(settingsGetSchema, (hub, session) => hub.services.settings.read(session.conn.user)),
    "settings:set": request(settingsSetSchema, async (hub, session, input) => {
      await hub.policy.beforeSetting(session.conn.user);
      return hub.services.settings.update(session.conn.user, input);
    }),
    "purges:list": request(purgesListSchema, async (hub, session, { limit }) => ({ purges: await hub.services.purges.list(session.conn.user, limit ?? 50) })),
    "user:unban": request(userUnbanSchema, async (hub, session, input) => {
      await hub.policy.beforeSetting(session.conn.user);
      return { lifted: (await hub.services.moderation.unban(session.conn.user, input)).lifted };
    }),
    "sanctions:list": request(sanctionsListSchema, async (hub, session, { roomId }) => ({
      sanctions: await hub.services.moderation.list(session.conn.user, roomId),
    })),
    "users:list": request(usersListSchema, async (hub, session, input) => ({ people: await hub.services.moderation.directory(session.conn.user, input) })),
    "rooms:all": request(roomsAllSchema, async (hub, session, input) => ({ rooms: await hub.services.moderation.allRooms(session.conn.user, input) })),
    "audit:list": request(auditListSchema, async (hub, session, { before, limit }) => ({
      entries: await hub.services.moderation.auditLog(session.conn.user, before, limit ?? 50),
    })),
  },
});
