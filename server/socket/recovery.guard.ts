import type { SocketData } from "../contract/events";
import type { Logger } from "../logger";
import type { Services } from "../services";
import type { ParleyServer } from "./types";

/** The rooms a restored session's channels name (`room:<id>`, `activity:<id>`). */
const roomsOf = (channels: Iterable<string>): string[] => [
  ...new Set([...channels].flatMap((c) => (c.startsWith("room:") ? [c.slice(5)] : c.startsWith("activity:") ? [c.slice(9)] : []))),
];

/**
 * Connection state recovery (RECOVERY_WINDOW_MS above 0) gives a reconnecting socket back its
 * channels and replays what they carried while it was away, before any middleware runs. A
 * member removed from a private room during the absence must get neither: the session is
 * restored only if its user may still read every room it names, checked fresh here;
 * otherwise it is not recovered at all, and the client's ordinary reconnect (a new socket,
 * rejoining what it may and catching up from the database) takes over.
 */
export function guardRecovery(io: ParleyServer, services: Services, log: Logger): void {
  const adapter = io.of("/").adapter;
  const restore = adapter.restoreSession.bind(adapter);
  // Typed as always finding a session; the adapters answer null when they have none, and
  // Socket.IO then makes a fresh socket.
  const none = null as unknown as Awaited<ReturnType<typeof restore>>;
  adapter.restoreSession = async (pid, offset) => {
    const session = await restore(pid, offset);
    if (!session) return session;
    const user = (session.data as Partial<SocketData> | undefined)?.user;
    if (!user) return none;
    for (const roomId of roomsOf(session.rooms)) {
      const readable = await services.rooms.requireAccess(user, roomId).then(
        () => true,
        () => false,
      );
      if (!readable) {
        log.info({ userId: user.id, roomId }, "connection not recovered: a room it was in is no longer readable");
        return none;
      }
    }
    return session;
  };
}
