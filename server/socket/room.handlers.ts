import type { RoomSummary, UserSummary } from "../contract/model";
import {
  roomCreateSchema,
  roomJoinSchema,
  roomLeaveSchema,
  roomListSchema,
  roomRefSchema,
  roomRemoveMemberSchema,
  roomRenameSchema,
} from "../contract/schemas";
import type { RoomBroadcast } from "../realtime/broadcast";
import type { Services } from "../services";
import type { HandlerContext } from "./context";
import { roomChannel, userChannel, type ParleyServer, type ParleySocket } from "./types";

/** Room directory, joining and leaving, private rooms' invites and their creator's controls. */
export function registerRoomHandlers({ io, services, policy, log, handlers, broadcast }: HandlerContext) {
  const { on } = handlers;

  on("room:list", roomListSchema, async (_input, socket) => ({ rooms: await services.rooms.listFor(socket.data.user) }));

  on("room:create", roomCreateSchema, async ({ name, visibility }, socket) => {
    const { user } = socket.data;
    await policy.beforeRoomCreate(user);
    const room = await services.rooms.create(user, name, visibility);
    await announceRoom(io, services, user, room, "room:created");
    return { room };
  });

  on("room:join", roomJoinSchema, async ({ slug, invite, after }, socket) => {
    const { user } = socket.data;
    const room = await services.rooms.enter(user, slug, invite);
    // Subscribe before reading history: a message committed in between then arrives both
    // ways, and the client merges by seq, rather than falling into a gap.
    await socket.join(roomChannel(room.id));
    const history = await services.messages.onJoin(room, after);
    await announcePresence(broadcast, socket, services, room.id, await services.presence.add(room.id, user, socket.id));
    for (const typist of await services.typing.list(room.id)) {
      if (typist.id !== user.id) socket.emit("typing:changed", { roomId: room.id, user: typist, typing: true });
    }
    return { room, history };
  });

  on("room:leave", roomLeaveSchema, async ({ roomId }, socket) => {
    if (!socket.rooms.has(roomChannel(roomId))) return {};
    await socket.leave(roomChannel(roomId));
    if (await services.presence.remove(roomId, socket.data.user.id, socket.id)) await announcePresence(broadcast, socket, services, roomId, true);
    return {};
  });

  on("room:invite", roomRefSchema, ({ roomId }, socket) => services.rooms.invite(socket.data.user, roomId));

  on("room:members", roomRefSchema, async ({ roomId }, socket) => ({ members: await services.rooms.members(socket.data.user, roomId) }));

  on("room:rename", roomRenameSchema, async ({ roomId, name }, socket) => {
    const { user } = socket.data;
    const room = await services.rooms.rename(user, roomId, name);
    await announceRoom(io, services, user, room, "room:updated");
    return { room };
  });

  on("room:remove-member", roomRemoveMemberSchema, async ({ roomId, userId }, socket) => {
    await services.rooms.removeMember(socket.data.user, roomId, userId);
    // Out at once, on every transport: their connections leave the room and its presence list.
    await broadcast.revoked(roomId, userId);
    io.to(userChannel(userId)).emit("room:removed", { roomId });
    return {};
  });

  on("room:delete", roomRefSchema, async ({ roomId }, socket) => {
    const { user } = socket.data;
    const members = await services.rooms.members(user, roomId);
    const room = await services.rooms.delete(user, roomId);
    await broadcast.revoked(roomId, null);
    if (room.visibility === "public") io.emit("room:deleted", { roomId });
    else io.to(members.map((m) => userChannel(m.id))).emit("room:deleted", { roomId });
    return {};
  });

  handlers.onLifecycle("disconnecting", async function () {
    const roomIds = [...this.rooms].filter((r) => r.startsWith("room:")).map((r) => r.slice("room:".length));
    for (const roomId of roomIds) {
      try {
        if (await services.presence.remove(roomId, this.data.user.id, this.id)) await announcePresence(broadcast, this, services, roomId, true);
      } catch (err) {
        log.error({ err, roomId }, "presence cleanup failed");
      }
    }
  });
}

/** A public room's news goes to everyone; a private room's only to its members. */
async function announceRoom(io: ParleyServer, services: Services, actor: UserSummary, room: RoomSummary, event: "room:created" | "room:updated") {
  if (room.visibility === "public") {
    io.emit(event, room);
    return;
  }
  const members = await services.rooms.members(actor, room.id);
  io.to(members.map((m) => userChannel(m.id))).emit(event, room);
}

/** Everyone in the room hears a changed list; an unchanged one is sent to the joiner only. */
async function announcePresence(broadcast: RoomBroadcast, socket: ParleySocket, services: Services, roomId: string, changed: boolean) {
  const online = await services.presence.list(roomId);
  if (changed) broadcast.presence(roomId, online);
  else socket.emit("presence:changed", { roomId, online });
}
