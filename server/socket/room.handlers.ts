import { roomCreateSchema, roomJoinSchema, roomLeaveSchema, roomListSchema } from "../contract/schemas";
import type { Services } from "../services";
import type { HandlerContext } from "./context";
import { roomChannel, type ParleyServer, type ParleySocket } from "./types";

/** Room directory, joining and leaving; presence follows membership. */
export function registerRoomHandlers({ io, socket, services, policy, log, on }: HandlerContext) {
  const { user } = socket.data;

  on("room:list", roomListSchema, async () => ({ rooms: await services.rooms.list() }));

  on("room:create", roomCreateSchema, async ({ name }) => {
    await policy.beforeRoomCreate(user);
    const room = await services.rooms.create(user, name);
    io.emit("room:created", room);
    return { room };
  });

  on("room:join", roomJoinSchema, async ({ slug }) => {
    const room = await services.rooms.requireBySlug(slug);
    // Subscribe before reading history: a message committed in between then arrives both
    // ways, and the client merges by seq, rather than falling into a gap.
    await socket.join(roomChannel(room.id));
    const history = await services.messages.history({ roomId: room.id });
    await announcePresence(io, socket, services, room.id, await services.presence.add(room.id, user, socket.id));
    return { room, history };
  });

  on("room:leave", roomLeaveSchema, async ({ roomId }) => {
    if (!socket.rooms.has(roomChannel(roomId))) return {};
    await socket.leave(roomChannel(roomId));
    if (await services.presence.remove(roomId, user.id, socket.id)) {
      await announcePresence(io, socket, services, roomId, true);
    }
    return {};
  });

  socket.on("disconnecting", async () => {
    const roomIds = [...socket.rooms].filter((r) => r.startsWith("room:")).map((r) => r.slice("room:".length));
    for (const roomId of roomIds) {
      try {
        if (await services.presence.remove(roomId, user.id, socket.id)) {
          await announcePresence(io, socket, services, roomId, true);
        }
      } catch (err) {
        log.error({ err, roomId }, "presence cleanup failed");
      }
    }
  });
}

/** Everyone in the room hears a changed list; an unchanged one is sent to the joiner only. */
async function announcePresence(
  io: ParleyServer,
  socket: ParleySocket,
  services: Services,
  roomId: string,
  changed: boolean,
) {
  const event = { roomId, online: await services.presence.list(roomId) };
  if (changed) io.to(roomChannel(roomId)).emit("presence:changed", event);
  else socket.emit("presence:changed", event);
}
