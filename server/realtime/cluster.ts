import type { RelayedRoomCall } from "../contract/events";
import type { UserSummary } from "../contract/model";
import type { Logger } from "../logger";
import type { ParleyServer } from "../socket/types";
import type { RoomBroadcast } from "./broadcast";

/** How long presence changes in one room are gathered into one list. */
export const PRESENCE_COALESCE_MS = 50;
/** One room's presence lists go out at most this often (a crowd arriving at once). */
export const PRESENCE_MIN_INTERVAL_MS = 250;

/**
 * Room broadcasts across every node, for both transports.
 *
 * - Socket.IO's rooms span nodes through its adapter (the Redis Streams adapter with
 *   REDIS_URL): its message, presence and typing broadcasts are made once, on this node.
 * - The /ws gateway keeps its peers in this process: each call is delivered to this
 *   node's peers and relayed to the other nodes with `serverSideEmit`, over the same
 *   adapter, in order with Socket.IO's broadcasts (a no-op on a single node).
 * - Revoking access acts on connections, which only their own node holds: it is relayed,
 *   and every node cuts off its own sockets and peers.
 * - Presence lists are coalesced per room: changes within `presence.delayMs` of the first go
 *   out as one list, read when it is sent, and a room's lists are at least
 *   `presence.intervalMs` apart. A thousand tabs returning at once (a reconnect storm) then
 *   cost a few lists per room instead of one per tab, each to every member. (Measured: with
 *   50 ms between lists, a storm of 1,000 sent about 400,000 presence entries.)
 */
export function clusterBroadcast(
  io: ParleyServer,
  log: Logger,
  local: { socketIo: RoomBroadcast; gateway: RoomBroadcast },
  /** Whether other nodes exist (a cluster adapter); one node relays nothing. */
  clustered: boolean,
  presenceList: (roomId: string) => Promise<UserSummary[]>,
  presence: { delayMs: number; intervalMs: number } = { delayMs: PRESENCE_COALESCE_MS, intervalMs: PRESENCE_MIN_INTERVAL_MS },
): RoomBroadcast {
  const { socketIo, gateway } = local;
  const onRelayed = async (call: RelayedRoomCall) => {
    switch (call.kind) {
      case "message":
        return gateway.message(call.message);
      case "presence":
        return gateway.presence(call.roomId, call.online);
      case "typing":
        return gateway.typing(call.roomId, call.user, call.typing, call.except);
      case "revoked":
        await socketIo.revoked(call.roomId, call.userId);
        return gateway.revoked(call.roomId, call.userId);
    }
  };
  io.on("relay:room", (call) => {
    onRelayed(call).catch((err: unknown) => log.error({ err, kind: call.kind }, "relayed broadcast failed"));
  });
  const relay = (call: RelayedRoomCall) => {
    if (!clustered) return;
    try {
      io.serverSideEmit("relay:room", call);
    } catch (err) {
      // The adapter could not publish: this node's connections still hear it; the others'
      // clients catch up by seq when they next hear of the room.
      log.warn({ err, kind: call.kind }, "could not relay a broadcast to the other nodes");
    }
  };
  const presencePending = new Set<string>();
  /** When each room's last list went out, kept for `intervalMs` after it. */
  const presenceSentAt = new Map<string, number>();
  return {
    message(message) {
      socketIo.message(message);
      gateway.message(message);
      relay({ kind: "message", message });
    },
    presence(roomId) {
      if (presencePending.has(roomId)) return;
      presencePending.add(roomId);
      const sentAt = presenceSentAt.get(roomId);
      const delay = Math.max(presence.delayMs, sentAt === undefined ? 0 : sentAt + presence.intervalMs - Date.now());
      setTimeout(() => {
        presencePending.delete(roomId);
        const now = Date.now();
        presenceSentAt.set(roomId, now);
        setTimeout(() => {
          if (presenceSentAt.get(roomId) === now) presenceSentAt.delete(roomId);
        }, presence.intervalMs).unref();
        presenceList(roomId).then(
          (online) => {
            socketIo.presence(roomId, online);
            gateway.presence(roomId, online);
            relay({ kind: "presence", roomId, online });
          },
          (err: unknown) => log.warn({ err, roomId }, "presence list failed"),
        );
      }, delay).unref();
    },
    typing(roomId, user, typing, except) {
      socketIo.typing(roomId, user, typing, except);
      gateway.typing(roomId, user, typing, except);
      relay({ kind: "typing", roomId, user, typing, except });
    },
    async revoked(roomId, userId) {
      relay({ kind: "revoked", roomId, userId });
      await socketIo.revoked(roomId, userId);
      await gateway.revoked(roomId, userId);
    },
  };
}
