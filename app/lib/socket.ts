import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/server/contract/events";

export type ParleyClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * One socket per tab, to the page's own origin (the session cookie rides along), for the
 * person `userId`: the server refuses it when the cookie has become someone else's.
 * Reconnection uses exponential backoff with jitter: 0.5 s doubling to 10 s, ±50 %,
 * so a thousand clients dropped together do not return in the same second.
 */
export function createSocket(userId: string): ParleyClientSocket {
  return io({
    auth: { user: userId },
    reconnectionDelay: 500,
    reconnectionDelayMax: 10_000,
    randomizationFactor: 0.5,
    autoConnect: true,
  });
}

/** How long a request may wait for its acknowledgement before it counts as failed. */
export const ACK_TIMEOUT_MS = 10_000;
