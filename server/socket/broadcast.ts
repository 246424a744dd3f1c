import type { RoomBroadcast } from "../realtime/broadcast";
import { roomChannel, type ParleyServer } from "./types";

/** Room broadcasts to Socket.IO clients: one pre-encoded emit per room. */
export function socketIoBroadcast(io: ParleyServer): RoomBroadcast {
  return {
    message: (message) => io.to(roomChannel(message.roomId)).emit("message:created", message),
    presence: (roomId, online) => io.to(roomChannel(roomId)).emit("presence:changed", { roomId, online }),
    typing: (roomId, user, typing, except) => {
      const target = except ? io.to(roomChannel(roomId)).except(except) : io.to(roomChannel(roomId));
      target.emit("typing:changed", { roomId, user, typing });
    },
  };
}
