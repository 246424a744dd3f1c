"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ChatMessage, RoomSummary, UserSummary } from "@/server/contract/model";
import {
  addLocal,
  emptyLog,
  mergeConfirmed,
  mergeOlderPage,
  newestSeq,
  oldestSeq,
  removeLocal,
  updateLocal,
  type LocalMessage,
  type MessageLog,
} from "@/app/lib/message-log";
import { request } from "./request";
import { useConnection, type Connection } from "./socket-context";

export type RoomPhase = "joining" | "joined" | "missing" | "error";

/**
 * A room's membership and messages: joins on mount and again after every reconnect (catching
 * up on what was missed, by seq), leaves on unmount, and sends with a local echo that the
 * server's copy replaces.
 *
 * @example
 * const { room, log, send, loadOlder } = useRoom("general", me);
 */
export function useRoom(slug: string, self: UserSummary) {
  const conn = useConnection();
  const [phase, setPhase] = useState<RoomPhase>("joining");
  const [error, setError] = useState<string | null>(null);
  const [room, setRoom] = useState<RoomSummary | null>(null);
  const [log, setLogState] = useState<MessageLog>(emptyLog);
  const [loadingOlder, setLoadingOlder] = useState(false);
  // The latest log, for async work that must not read a stale render's copy.
  const logRef = useRef<MessageLog>(emptyLog);
  const roomRef = useRef<RoomSummary | null>(null);

  const update = useCallback((change: (log: MessageLog) => MessageLog) => {
    logRef.current = change(logRef.current);
    setLogState(logRef.current);
  }, []);

  useEffect(() => {
    if (!conn) return;
    const { socket } = conn;
    let active = true;
    let catchingUp = false;
    logRef.current = emptyLog;
    roomRef.current = null;
    setLogState(emptyLog);
    setRoom(null);
    setPhase("joining");
    setError(null);

    const catchUp = async (roomId: string) => {
      if (catchingUp) return;
      catchingUp = true;
      try {
        for (;;) {
          const ack = await request(socket, "message:history", { roomId, after: newestSeq(logRef.current), limit: 200 });
          if (!active) return;
          if (!ack.ok) {
            setError("Some messages could not be loaded; retrying when the connection returns.");
            return;
          }
          update((l) => mergeConfirmed(l, ack.data.messages));
          if (!ack.data.hasMore) break;
        }
        setError(null);
      } finally {
        catchingUp = false;
      }
    };

    const join = async () => {
      const ack = await request(socket, "room:join", { slug });
      if (!active) return;
      if (!ack.ok) {
        setPhase(ack.error.code === "not_found" ? "missing" : "error");
        setError(ack.error.message);
        return;
      }
      const rejoin = roomRef.current?.id === ack.data.room.id && logRef.current.confirmed.length > 0;
      roomRef.current = ack.data.room;
      setRoom(ack.data.room);
      setPhase("joined");
      setError(null);
      if (!rejoin) {
        update((l) => ({ ...mergeConfirmed(l, ack.data.history.messages), hasOlder: ack.data.history.hasMore }));
      } else {
        // Back after a disconnect: fetch everything after the newest message held.
        await catchUp(ack.data.room.id);
      }
    };

    const onMessage = (m: ChatMessage) => {
      const current = roomRef.current;
      if (!current || m.roomId !== current.id) return;
      const newest = newestSeq(logRef.current);
      update((l) => mergeConfirmed(l, [m]));
      // A hole before this message: fetch what fell into it.
      if (newest > 0 && m.seq > newest + 1) void catchUp(current.id);
    };

    socket.on("connect", join);
    socket.on("message:created", onMessage);
    if (socket.connected) void join();
    return () => {
      active = false;
      socket.off("connect", join);
      socket.off("message:created", onMessage);
      const left = roomRef.current;
      if (left && socket.connected) socket.emit("room:leave", { roomId: left.id }, () => {});
    };
  }, [conn, slug, update]);

  const deliver = useCallback(
    async (c: Connection, local: LocalMessage) => {
      const ack = await request(c.socket, "message:send", {
        roomId: local.roomId,
        clientId: local.clientId,
        body: local.body,
      });
      if (ack.ok) update((l) => mergeConfirmed(l, [ack.data.message]));
      else update((l) => updateLocal(l, local.clientId, { status: "failed", error: ack.error.message }));
    },
    [update],
  );

  const send = useCallback(
    (body: string) => {
      const current = roomRef.current;
      if (!conn || !current || body.trim().length === 0) return;
      const local: LocalMessage = {
        clientId: crypto.randomUUID(),
        roomId: current.id,
        author: self,
        body: body.trim(),
        createdAt: new Date().toISOString(),
        status: "pending",
      };
      update((l) => addLocal(l, local));
      void deliver(conn, local);
    },
    [conn, self, update, deliver],
  );

  /** Sends a failed message again under the same client id: the server stores it once. */
  const retry = useCallback(
    (clientId: string) => {
      const local = logRef.current.local.find((l) => l.clientId === clientId);
      if (!conn || !local) return;
      update((l) => updateLocal(l, clientId, { status: "pending" }));
      void deliver(conn, local);
    },
    [conn, update, deliver],
  );

  const discard = useCallback((clientId: string) => update((l) => removeLocal(l, clientId)), [update]);

  const loadOlder = useCallback(async () => {
    const current = roomRef.current;
    const before = oldestSeq(logRef.current);
    if (!conn || !current || !logRef.current.hasOlder || before === undefined || loadingOlder) return;
    setLoadingOlder(true);
    const ack = await request(conn.socket, "message:history", { roomId: current.id, before });
    setLoadingOlder(false);
    if (ack.ok) update((l) => mergeOlderPage(l, ack.data.messages, ack.data.hasMore));
    else setError(ack.error.message);
  }, [conn, update, loadingOlder]);

  return { phase, error, room, log, loadingOlder, send, retry, discard, loadOlder };
}
