"use client";

import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { logFromStored, type StoredRoom } from "@/app/lib/local-store";
import { firstRoomRead } from "@/app/lib/local-store-browser";
import { emptyLog } from "@/app/lib/message-log";
import { deviceRoomState, RoomSync, type RoomState } from "@/app/lib/room-sync";
import { useSession } from "./session-context";
import { useConnection } from "./socket-context";

const INITIAL: RoomState = { phase: "joining", room: null, log: emptyLog, error: null, stale: false, loadingOlder: false, read: null, firstUnread: null, window: null, loadingNewer: false, fromDevice: false };
const noop = () => () => {};
/** How long opening a room waits for the device's copy before joining without it. */
const DEVICE_WAIT_MS = 1000;

/**
 * A room's membership and messages: joined while mounted (and again after every reconnect,
 * catching up by seq), left on unmount. The outbox's acknowledgements are merged in too.
 *
 * @example
 * const { room, log, phase, loadOlder } = useRoom("general");
 */
export function useRoom(slug: string, invite?: string) {
  const conn = useConnection();
  const { session } = useSession();
  const userId = session.status === "signed-in" ? session.user.id : undefined;
  const [sync, setSync] = useState<RoomSync | null>(null);
  // The device's copy read when the app loaded (a warm open), for this person and room:
  // shown as soon as the identity is known, before the connection exists (one render sooner),
  // and handed to the RoomSync below, which starts from it.
  const early = useRef<{ key: string; read: Promise<StoredRoom | undefined> } | null>(null);
  const [device, setDevice] = useState<{ key: string; state: RoomState } | null>(null);
  const key = `${userId ?? ""}\n${slug}`;

  useEffect(() => {
    if (!userId) return;
    const read = firstRoomRead(userId, slug);
    if (!read) return;
    const mine = `${userId}\n${slug}`;
    early.current = { key: mine, read };
    let cancelled = false;
    void read.then((stored) => {
      if (!cancelled && stored) setDevice({ key: mine, state: deviceRoomState({ room: stored.room, log: logFromStored(stored) }) });
    });
    return () => {
      cancelled = true;
    };
  }, [userId, slug]);

  useEffect(() => {
    if (!conn) return;
    let cancelled = false;
    let stop = () => {};
    // The room as the device kept it is shown first (a warm open, offline); a device that
    // does not answer soon is not waited for.
    const mine = `${conn.local.userId}\n${slug}`;
    const kept = early.current?.key === mine ? early.current.read : undefined;
    early.current = null;
    const read = kept ?? firstRoomRead(conn.local.userId, slug) ?? conn.local.loadRoom(slug);
    let stopWaiting = () => {};
    const patience = new Promise<undefined>((resolve) => {
      const timer = setTimeout(resolve, DEVICE_WAIT_MS);
      stopWaiting = () => clearTimeout(timer);
    });
    void Promise.race([read, patience]).then((stored) => {
      stopWaiting();
      if (cancelled) return;
      const room = new RoomSync(conn.transport, slug, { invite, ...(stored ? { stored: { room: stored.room, log: logFromStored(stored) } } : {}) }).start();
      const stopMessages = conn.outbox.delivered.subscribe((m) => room.merge([m]));
      const stopChanges = conn.outbox.changed.subscribe((c) => room.applyChanges([c]));
      // What is shown is kept on the device (batched); a room that is gone or refused leaves it.
      const stopKeeping = room.subscribe(() => {
        const { phase, room: summary, log } = room.get();
        if (phase === "joined" && summary) conn.local.saveRoom(slug, summary, log);
        else if ((phase === "removed" || phase === "deleted" || phase === "refused") && summary) void conn.local.forget(summary.id);
        else if (phase === "missing") void conn.local.forgetSlug(slug);
      });
      // The RoomSync is an external resource this effect owns (joined while mounted); state
      // hands it to useSyncExternalStore below once it exists.
      setSync(room);
      stop = () => {
        stopMessages();
        stopChanges();
        stopKeeping();
        room.close();
      };
    });
    return () => {
      cancelled = true;
      stopWaiting();
      stop();
      setSync(null);
    };
  }, [conn, slug, invite]);

  const synced = useSyncExternalStore(sync?.subscribe ?? noop, () => sync?.get() ?? INITIAL, () => INITIAL);
  const state = sync ? synced : device?.key === key ? device.state : INITIAL;
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
