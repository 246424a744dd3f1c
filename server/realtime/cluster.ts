import type { RelayedRoomCall } from "../contract/events";
import type { Logger } from "../logger";
import type { RoomHub } from "./hub";
import type { InterNodeBus } from "./redis-adapter";

/**
 * The room hub across nodes (the Redis Streams adapter with REDIS_URL):
 *
 * - Each event the hub publishes is relayed to the other nodes once, as an entry of the
 *   adapter's stream (`streamRelayBus`), and each node hands it to its node-local fan-outs
 *   (`hub.publishRelayed`): the `/ws` gateway's peers and, with connection state recovery
 *   off (the default), Socket.IO's clients too, so that an event crosses Redis once. With
 *   recovery on, Socket.IO's fan-out goes through the adapter instead (its stream is what a
 *   recovered socket's missed packets are read from) and the relay serves the gateway alone.
 * - Revoking access acts on connections, which only their own node holds: it is relayed,
 *   and every node cuts off its own (`hub.revokeLocal`). So is closing a banned account's
 *   connections (`hub.closeUserLocal`).
 *
 * A single node (no cluster adapter) relays nothing.
 */
export function clusterRelay(bus: InterNodeBus, hub: RoomHub, log: Logger): void {
  bus.listen((call) => {
    if (call.kind === "event") hub.publishRelayed(call.event);
    else if (call.kind === "closed") hub.closeUserLocal(call.userId, { type: "account.closed", roomId: null, reason: call.reason, message: call.message, until: call.until });
    else hub.revokeLocal(call.roomId, call.userId).catch((err: unknown) => log.error({ err, roomId: call.roomId }, "relayed revocation failed"));
  });
  const relay = (call: RelayedRoomCall) => {
    bus.send(call).catch((err: unknown) => {
      // The adapter could not publish: this node's connections still hear it; the others'
      // clients catch up by seq when they next hear of the room.
      log.warn({ err, kind: call.kind }, "could not relay to the other nodes");
    });
  };
  hub.setRelay({
    event: (event) => relay({ kind: "event", event }),
    revoked: (roomId, userId) => relay({ kind: "revoked", roomId, userId }),
    closed: (userId, notice) => relay({ kind: "closed", userId, reason: notice.reason, message: notice.message, until: notice.until }),
  });
}
