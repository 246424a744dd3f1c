"use client";

import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import { emptyLog } from "@/app/lib/message-log";
import { RoomSync, type RoomState } from "@/app/lib/room-sync";
import { useConnection } from "./socket-context";

const INITIAL: RoomState = { phase: "joining", room: null, log: emptyLog, error: null, stale: false, loadingOlder: false, read: null, firstUnread: null, window: null, loadingNewer: false };
const noop = () => () => {};

/**
 * A room's membership and messages: joined while mounted (and again after every reconnect,
 * catching up by seq), left on unmount. The outbox's acknowledgements are merged in too.
 *
 * @example
 * const { room, log, phase, loadOlder } = useRoom("general");
 */
export function useRoom(slug: string, invite?: string) {
  const conn = useConnection();
  const [sync, setSync] = useState<RoomSync | null>(null);

  useEffect(() => {
    if (!conn) return;
    const room = new RoomSync(conn.transport, slug, { invite }).start();
    const stopMessages = conn.outbox.delivered.subscribe((m) => room.merge([m]));
    const stopChanges = conn.outbox.changed.subscribe((c) => room.applyChanges([c]));
    // The RoomSync is an external resource this effect owns (joined while mounted); state
    // hands it to useSyncExternalStore below once it exists.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setSync(room);
    return () => {
      stopMessages();
      stopChanges();
      room.close();
      setSync(null);
    };
  }, [conn, slug, invite]);

  const state = useSyncExternalStore(sync?.subscribe ?? noop, () => sync?.get() ?? INITIAL, () => INITIAL);
  // Joining follows the room: its read position joins the unread counts.
  useEffect(() => {
    if (conn && state.read) conn.attention.merge([state.read]);
  }, [conn, state.read]);
  const loadOlder = useCallback(() => void sync?.loadOlder(), [sync]);
  const loadUntil = useCallback((seq: number) => sync?.loadUntil(seq) ?? Promise.resolve(false), [sync]);
  const loadNewer = useCallback(() => void sync?.loadNewer(), [sync]);
  const leaveWindow = useCallback(() => sync?.leaveWindow(), [sync]);
  return { ...state, loadOlder, loadUntil, loadNewer, leaveWindow };
}
