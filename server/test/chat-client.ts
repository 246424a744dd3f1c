import { io } from "socket.io-client";
import type { ClientSocket } from "./harness";
import { AttentionStore } from "@/app/lib/attention";
import { feedAttention } from "@/app/lib/attention-feed";
import { memoryOutboxStorage, Outbox } from "@/app/lib/outbox";
import { RoomSync } from "@/app/lib/room-sync";
import { socketTransport, TIMEOUT_ERROR, type ChatTransport } from "@/app/lib/transport";
import type { ChatMessage, UserSummary } from "../contract/model";

export interface ChatClient {
  socket: ClientSocket;
  transport: ChatTransport;
  outbox: Outbox;
  /** Every acknowledgement the outbox received, in order. */
  delivered: ChatMessage[];
  /** Unread counts, fed as a tab feeds them (a sync at every connect, activity, acknowledgements). */
  attention: AttentionStore;
  room(slug: string): RoomSync;
  close(): void;
}

/**
 * The browser's delivery logic (Outbox, RoomSync) on a real socket.io-client in Node:
 * what a tab does, minus React. Reconnects by itself, quickly.
 */
export async function chatClient(
  url: string,
  session: { cookie: string; user: UserSummary },
  options: {
    lossy?: () => boolean;
    reconnectionDelay?: number;
    ackTimeoutMs?: number;
    /** The outbox's own pace; by default unpaced, matching the test server's 1000x budgets. */
    pace?: { points: number; windowMs: number } | "default";
  } = {},
): Promise<ChatClient> {
  const socket: ClientSocket = io(url, {
    extraHeaders: { cookie: session.cookie },
    transports: ["websocket"],
    forceNew: true,
    reconnectionDelay: options.reconnectionDelay ?? 100,
    reconnectionDelayMax: options.reconnectionDelay ?? 1000,
    randomizationFactor: options.reconnectionDelay ? 0 : 0.5,
  });
  const real = socketTransport(socket);
  // A lossy transport stores the message on the server but loses its acknowledgement.
  const transport: ChatTransport = options.lossy
    ? {
        ...real,
        request: ((event, payload, timeoutMs) => {
          const answer = real.request(event, payload, timeoutMs);
          return event === "message:send" && options.lossy!() ? answer.then(() => ({ ok: false, error: TIMEOUT_ERROR })) : answer;
        }) as ChatTransport["request"],
      }
    : real;
  const outbox = new Outbox({
    author: session.user,
    transport,
    storage: memoryOutboxStorage(),
    ackTimeoutMs: options.ackTimeoutMs ?? 3000,
    retryDelay: () => 20,
    ...(options.pace === "default" ? {} : { pace: options.pace ?? { points: 1_000_000, windowMs: 1000 } }),
  });
  const delivered: ChatMessage[] = [];
  outbox.delivered.subscribe((m) => delivered.push(m));
  await outbox.start();
  const attention = new AttentionStore(session.user.id);
  const stopAttention = feedAttention(attention, transport, outbox);
  await new Promise<void>((resolve, reject) => {
    if (socket.connected) resolve();
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  const rooms: RoomSync[] = [];
  return {
    socket,
    transport,
    outbox,
    delivered,
    attention,
    room(slug) {
      const sync = new RoomSync(transport, slug, { retryDelayMs: 100 }).start();
      sync.subscribe(() => {
        const read = sync.get().read;
        if (read) attention.merge([read]);
      });
      outbox.delivered.subscribe((m) => sync.merge([m]));
      outbox.changed.subscribe((c) => sync.applyChanges([c]));
      rooms.push(sync);
      return sync;
    },
    close() {
      for (const r of rooms) r.close();
      stopAttention();
      outbox.close();
      socket.close();
    },
  };
}

/** Polls `check` until it returns true, or fails after `ms` with `what` (a function: read at the failure, to say what was seen). */
export async function eventually(check: () => boolean, what: string | (() => string), ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${typeof what === "string" ? what : what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
