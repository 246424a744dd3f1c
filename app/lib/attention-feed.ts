import type { AttentionStore } from "./attention";
import type { Outbox } from "./outbox";
import type { ChatTransport } from "./transport";

/**
 * Feeds a tab's attention store from its connection: the server's list at every connect,
 * the followed rooms' activity, the user's read positions moving elsewhere, the messages of
 * the rooms open here, and the outbox's acknowledgements (one's own messages, read positions).
 * Calls `onSynced` after each connect's list is in. Returns what stops it.
 */
export function feedAttention(store: AttentionStore, transport: ChatTransport, outbox: Outbox, onSynced?: () => void): () => void {
  const sync = async () => {
    const ack = await transport.request("attention:sync", {});
    if (!ack.ok) return;
    store.reset(ack.data.rooms);
    onSynced?.();
  };
  const stops = [
    transport.onConnect(() => void sync()),
    transport.subscribe("room:activity", (e) => store.activity(e)),
    transport.subscribe("attention:changed", (e) => store.changed(e)),
    transport.subscribe("message:created", (m) => store.message(m)),
    transport.subscribe("room:deleted", ({ roomId }) => store.forget([roomId])),
    transport.subscribe("room:removed", ({ roomId }) => store.forget([roomId])),
    // Someone started a direct conversation with this user: it is followed now; the list
    // again brings its read state, and makes this connection hear its activity.
    transport.subscribe("room:created", (room) => {
      if (room.visibility === "direct") void sync();
    }),
    outbox.delivered.subscribe((m) => store.message(m)),
    outbox.readMoved.subscribe((s) => store.merge([s])),
  ];
  if (transport.isConnected()) void sync();
  return () => {
    for (const stop of stops) stop();
  };
}
