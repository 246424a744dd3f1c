import { roomCreateSchema, roomJoinSchema, roomLeaveSchema, roomListSchema } from "../contract/schemas";
import type { Services } from "../services";
import type { Logger } from "../logger";
import { roomChannel, type ParleyServer, type ParleySocket } from "./types";
import { on } from "./validate";

/** Room directory, joining and leaving; presence follows membership. */
export function registerRoomHandlers(io: ParleyServer, socket: ParleySocket, services: Services, log: Logger) {
  const { user } = socket.data;

  on(socket, log, "room:list", roomListSchema, async () => ({ rooms: await services.rooms.list() }));

  on(socket, log, "room:create", roomCreateSchema, async ({ name }) => {
    const room = await services.rooms.create(user, name);
    io.emit("room:created", room);
    return { room };
  });

  on(socket, log, "room:join", roomJoinSchema, async ({ slug }) => {
    const room = await services.rooms.requireBySlug(slug);
    // Subscribe before reading history: a message committed in between then arrives both
    // ways, and the client merges by seq, rather than falling into a gap.
    await socket.join(roomChannel(room.id));
    const history = await services.messages.history({ roomId: room.id });
    await announcePresence(io, socket, services, room.id, await services.presence.add(room.id, user, socket.id));
    return { room, history };
  });

  on(socket, log, "room:leave", roomLeaveSchema, async ({ roomId }) => {
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
