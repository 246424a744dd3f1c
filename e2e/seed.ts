import { randomUUID } from "node:crypto";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "../server/contract/events";

/** A scripted guest that talks to the server directly, to set a scene faster than typing. */
export async function scriptedGuest(baseURL: string, name: string) {
  const res = await fetch(`${baseURL}/api/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ displayName: name }),
  });
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(baseURL, {
    extraHeaders: { cookie },
    transports: ["websocket"],
    forceNew: true,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return {
    socket,
    async join(slug: string) {
      const ack = await socket.emitWithAck("room:join", { slug });
      if (!ack.ok) throw new Error(ack.error.message);
      return ack.data.room;
    },
    async say(roomId: string, body: string) {
      const ack = await socket.emitWithAck("message:send", { roomId, clientId: randomUUID(), body });
      if (!ack.ok) throw new Error(ack.error.message);
      return ack.data.message;
    },
    close: () => socket.close(),
  };
}
