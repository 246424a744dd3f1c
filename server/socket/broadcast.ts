import type { RoomBroadcast } from "../realtime/broadcast";
import type { PresenceStore } from "../domain/presence";
import { roomChannel, userChannel, type ParleyServer } from "./types";

/**
 * Room broadcasts to Socket.IO clients: one pre-encoded emit per room, reaching every node
 * through the adapter. Revoking acts on this node's sockets only (`io.local`): with several
 * nodes, `realtime/cluster.ts` runs it on each, so each removes its own presence entries.
 */
export function socketIoBroadcast(io: ParleyServer, presence: PresenceStore): RoomBroadcast {
  return {
    async revoked(roomId, userId) {
      const sockets = await io.local.in(userId ? userChannel(userId) : roomChannel(roomId)).fetchSockets();
      let changed = false;
      for (const s of sockets) {
        s.leave(roomChannel(roomId));
        changed = (await presence.remove(roomId, s.data.user.id, s.id)) || changed;
      }
      if (changed) io.to(roomChannel(roomId)).emit("presence:changed", { roomId, online: await presence.list(roomId) });
    },
    message: (message) => io.to(roomChannel(message.roomId)).emit("message:created", message),
    presence: (roomId, online) => io.to(roomChannel(roomId)).emit("presence:changed", { roomId, online }),
    typing: (roomId, user, typing, except) => {
      const target = except ? io.to(roomChannel(roomId)).except(except) : io.to(roomChannel(roomId));
      target.emit("typing:changed", { roomId, user, typing });
    },
  };
}
