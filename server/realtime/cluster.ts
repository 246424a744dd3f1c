import type { RelayedRoomCall } from "../contract/events";
import type { Logger } from "../logger";
import type { RoomHub } from "./hub";

/** What the relay needs of the Socket.IO server: its events between nodes (the adapter's). */
export interface InterNodeBus {
  on(event: "relay:room", listener: (call: RelayedRoomCall) => void): unknown;
  serverSideEmit(event: "relay:room", call: RelayedRoomCall): unknown;
}

/**
 * The room hub across nodes, over Socket.IO's adapter (the Redis Streams adapter with
 * REDIS_URL):
 *
 * - Socket.IO's rooms span nodes through the adapter: its fan-out publishes once, here.
 * - The `/ws` gateway keeps its peers in this process: each published event is relayed to
 *   the other nodes with `serverSideEmit`, in order with Socket.IO's broadcasts, and each
 *   node hands it to its node-local fan-outs (`hub.publishRelayed`).
 * - Revoking access acts on connections, which only their own node holds: it is relayed,
 *   and every node cuts off its own (`hub.revokeLocal`). So is closing a banned account's
 *   connections (`hub.closeUserLocal`).
 *
 * A single node (no cluster adapter) relays nothing.
 */
export function clusterRelay(io: InterNodeBus, hub: RoomHub, log: Logger): void {
  io.on("relay:room", (call) => {
    if (call.kind === "event") hub.publishRelayed(call.event);
    else if (call.kind === "closed") hub.closeUserLocal(call.userId, { type: "account.closed", roomId: null, reason: call.reason, message: call.message, until: call.until });
    else hub.revokeLocal(call.roomId, call.userId).catch((err: unknown) => log.error({ err, roomId: call.roomId }, "relayed revocation failed"));
  });
  const relay = (call: RelayedRoomCall) => {
    try {
      io.serverSideEmit("relay:room", call);
    } catch (err) {
      // The adapter could not publish: this node's connections still hear it; the others'
      // clients catch up by seq when they next hear of the room.
      log.warn({ err, kind: call.kind }, "could not relay to the other nodes");
    }
  };
  hub.setRelay({
    event: (event) => relay({ kind: "event", event }),
    revoked: (roomId, userId) => relay({ kind: "revoked", roomId, userId }),
    closed: (userId, notice) => relay({ kind: "closed", userId, reason: notice.reason, message: notice.message, until: notice.until }),
  });
}
