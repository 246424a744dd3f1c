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

/**
 * The run's administrator (the server's ADMIN_USERNAMES names `e2e_admin`), signed in over
 * HTTP and connected over Socket.IO: for the acts the admin page does not offer yet.
 */
export async function scriptedAdmin(baseURL: string) {
  const credentials = JSON.stringify({ username: "e2e_admin", password: "e2e admin password" });
  const post = (path: string) => fetch(`${baseURL}${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: credentials });
  // The first test that needs it makes the account; later ones sign in to it.
  let res = await post("/api/account/sign-in");
  if (!res.ok) res = await post("/api/account/sign-up");
  // Another worker made it in between.
  if (!res.ok) res = await post("/api/account/sign-in");
  if (!res.ok) throw new Error(`The e2e administrator could not sign in: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(baseURL, { extraHeaders: { cookie }, transports: ["websocket"], forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return {
    async ban(userId: string, reason: string) {
      const ack = await socket.emitWithAck("user:ban", { userId, minutes: 60, reason });
      if (!ack.ok) throw new Error(ack.error.message);
    },
    close: () => socket.close(),
  };
}
