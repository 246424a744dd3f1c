import type { Server, Socket } from "socket.io";
import type {
  ClientToServerEvents,
  InterServerEvents,
  ServerToClientEvents,
  SocketData,
} from "../contract/events";

export type ParleyServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ParleySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** The Socket.IO room that carries a chat room's broadcasts. */
export const roomChannel = (roomId: string) => `room:${roomId}`;
/** The sockets of a chat room's followers, which hear its activity (`room:activity`). */
export const activityChannel = (roomId: string) => `activity:${roomId}`;
/** Every socket of one session, so that signing out can close them all. */
export const sessionChannel = (sessionId: string) => `session:${sessionId}`;
/** Every socket of one user, for what concerns them wherever they are. */
export const userChannel = (userId: string) => `user:${userId}`;
