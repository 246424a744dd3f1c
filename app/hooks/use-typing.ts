"use client";

import { useCallback, useEffect, useRef, useSyncExternalStore } from "react";
import { TYPING_THROTTLE_MS } from "@/server/contract/events";
import type { UserSummary } from "@/server/contract/model";
import { useConnection } from "./socket-context";

const NOBODY: UserSummary[] = [];
const noop = () => () => {};

/**
 * Others typing in the room, and the two calls the composer makes: `typed()` on every
 * keystroke (sent at most once per TYPING_THROTTLE_MS) and `stopped()` on send or clear.
 */
export function useTyping(roomId: string | undefined) {
  const conn = useConnection();
  const get = useCallback(() => conn?.typing.get(roomId) ?? NOBODY, [conn, roomId]);
  const typingUsers = useSyncExternalStore(conn?.typing.subscribe ?? noop, get, () => NOBODY);
  const lastSent = useRef(0);

  const typed = useCallback(() => {
    if (!conn || !roomId || !conn.transport.isConnected()) return;
    const now = Date.now();
    if (now - lastSent.current < TYPING_THROTTLE_MS) return;
    lastSent.current = now;
    conn.transport.notify("typing:start", { roomId });
  }, [conn, roomId]);

  const stopped = useCallback(() => {
    if (!conn || !roomId || lastSent.current === 0) return;
    lastSent.current = 0;
    conn.transport.notify("typing:stop", { roomId });
  }, [conn, roomId]);

  // Leaving the room (or the page) ends the hint at once for the others.
  useEffect(() => stopped, [stopped]);

  return { typingUsers, typed, stopped };
}
