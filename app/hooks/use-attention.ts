"use client";

import { useCallback, useSyncExternalStore } from "react";
import type { AttentionMap } from "@/app/lib/attention";
import type { NotifyLevel } from "@/server/contract/model";
import { useConnection } from "./socket-context";

const NONE: AttentionMap = new Map();
const noop = () => () => {};

/**
 * The followed rooms' read states (unread = latest - read), and the calls that move them:
 * `read` (this tab showed a room up to a seq: shown at once, sent through the outbox a few
 * times a second at most, so reading done offline reaches the server), `readAll` and
 * `unfollow`, and `setNotify`.
 *
 * @example
 * const { rooms, readAll } = useAttention();
 */
export function useAttention() {
  const conn = useConnection();
  const rooms = useSyncExternalStore(conn?.attention.subscribe ?? noop, () => conn?.attention.get() ?? NONE, () => NONE);

  const read = useCallback(
    (roomId: string, seq: number) => {
      if (!conn) return;
      const known = conn.attention.get().get(roomId);
      if (known && known.readSeq >= seq) return;
      conn.attention.read(roomId, seq);
      conn.reads.report(roomId, seq);
    },
    [conn],
  );
  const readAll = useCallback(async () => {
    if (!conn) return;
    const ack = await conn.transport.request("read:all", {});
    if (ack.ok) conn.attention.merge(ack.data.rooms);
  }, [conn]);
  const unfollow = useCallback(
    async (roomId: string): Promise<string | null> => {
      if (!conn) return "Not connected yet.";
      const ack = await conn.transport.request("room:unfollow", { roomId });
      if (!ack.ok) return ack.error.message;
      conn.attention.forget([roomId]);
      return null;
    },
    [conn],
  );
  /** When a room notifies the user (kept on the server, for every device); resolves with an error message to show, or null. */
  const setNotify = useCallback(
    async (roomId: string, level: NotifyLevel | "default"): Promise<string | null> => {
      if (!conn) return "Not connected yet.";
      const ack = await conn.transport.request("room:notify", { roomId, level });
      if (!ack.ok) return ack.error.message;
      conn.attention.merge([ack.data]);
      return null;
    },
    [conn],
  );
  return { rooms, read, readAll, unfollow, setNotify };
}
