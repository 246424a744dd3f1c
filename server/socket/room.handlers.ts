import type { RoomSummary, UserSummary } from "../contract/model";
import {
  roomCreateSchema,
  roomListSchema,
  roomRefSchema,
  roomRemoveMemberSchema,
  roomRenameSchema,
  roomTransferSchema,
} from "../contract/schemas";
import type { Services } from "../services";
import type { HandlerContext } from "./context";
import { userChannel, type ParleyServer } from "./types";

/**
 * The room directory, private rooms' invites and their creator's controls (Socket.IO only:
 * bots have no directory); joining and leaving are the hub's (server/realtime/hub).
 */
export function registerRoomHandlers({ io, services, policy, handlers, hub }: HandlerContext) {
  const { on } = handlers;

  on("room:list", roomListSchema, async (_input, socket) => ({ rooms: await services.rooms.listFor(socket.data.user) }));

  on("room:create", roomCreateSchema, async ({ name, visibility }, socket) => {
    const { user } = socket.data;
    await policy.beforeRoomCreate(user);
    const room = await services.rooms.create(user, name, visibility);
    await announceRoom(io, services, user, room, "room:created");
    return { room };
  });

  on("room:invite", roomRefSchema, async ({ roomId }, socket) => {
    await policy.beforeSetting(socket.data.user);
    return services.rooms.invite(socket.data.user, roomId);
  });

  on("room:members", roomRefSchema, async ({ roomId }, socket) => ({ members: await services.rooms.members(socket.data.user, roomId) }));

  on("room:rename", roomRenameSchema, async ({ roomId, name }, socket) => {
    const { user } = socket.data;
    const room = await services.rooms.rename(user, roomId, name);
    await announceRoom(io, services, user, room, "room:updated");
    return { room };
  });

  on("room:transfer", roomTransferSchema, async ({ roomId, userId }, socket) => {
    const { user } = socket.data;
    await policy.beforeSetting(user);
    const { room, previousOwnerId } = await services.roles.transferOwnership(user, roomId, userId);
    await announceRoom(io, services, user, room, "room:updated");
    // What both may do here changed: their tabs ask again (the owner's controls move).
    for (const who of [previousOwnerId, userId]) hub.publish({ type: "powers.changed", roomId: null, userId: who, room: roomId });
    return { room };
  });

  on("room:remove-member", roomRemoveMemberSchema, async ({ roomId, userId }, socket) => {
    await services.rooms.removeMember(socket.data.user, roomId, userId);
    // Out at once, on every transport and node: their connections leave the room and its presence list.
    await hub.revoke(roomId, userId);
    return {};
  });

  on("room:delete", roomRefSchema, async ({ roomId }, socket) => {
    // Its owner, or an administrator (audited): the domain says which.
    const { room, members } = await services.moderation.deleteRoom(socket.data.user, roomId);
    await hub.revoke(roomId, null);
    if (room.visibility === "public") io.emit("room:deleted", { roomId });
    else io.to(members.map((m) => userChannel(m.id))).emit("room:deleted", { roomId });
    return {};
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
