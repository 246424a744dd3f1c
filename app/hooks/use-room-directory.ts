"use client";

import { useCallback, useEffect, useState } from "react";
import type { RoomSummary, RoomVisibility } from "@/server/contract/model";
import { useConnection } from "./socket-context";

/**
 * The public room directory, kept live by `room:created`, and `createRoom`, which resolves
 * with the new room or an error message to show.
 */
export function useRoomDirectory() {
  const conn = useConnection();
  const [rooms, setRooms] = useState<RoomSummary[] | null>(null);

  // The connection's copy, for what needs a room's name or slug outside React (notifications).
  useEffect(() => {
    if (!conn || !rooms) return;
    conn.rooms.clear();
    for (const room of rooms) conn.rooms.set(room.id, room);
  }, [conn, rooms]);

  useEffect(() => {
    if (!conn) return;
    const { socket } = conn;
    const load = async () => {
      const ack = await conn.transport.request("room:list", {});
      if (ack.ok) setRooms(ack.data.rooms);
    };
    const onCreated = (room: RoomSummary) =>
      setRooms((list) => (list && !list.some((r) => r.id === room.id) ? [...list, room] : list));
    const onUpdated = (room: RoomSummary) => setRooms((list) => list && list.map((r) => (r.id === room.id ? room : r)));
    const onGone = ({ roomId }: { roomId: string }) => setRooms((list) => list && list.filter((r) => r.id !== roomId));
    // A direct conversation's latest activity orders the list: kept as messages arrive
    // (open here, or followed) and as this tab's own are stored.
    // Every message in any room passes here: the list is replaced only when a conversation's
    // time moved, so a room's traffic does not re-render the sidebar.
    const touched = (roomId: string, at: string) =>
      setRooms((list) => {
        if (!list?.some((r) => r.id === roomId && r.visibility === "direct" && (r.lastMessageAt ?? "") < at)) return list;
        return list.map((r) => (r.id === roomId ? { ...r, lastMessageAt: at } : r));
      });
    const stopTouches = [
      conn.transport.subscribe("message:created", (m) => touched(m.roomId, m.createdAt)),
      conn.transport.subscribe("room:activity", (e) => touched(e.roomId, new Date().toISOString())),
      conn.outbox.delivered.subscribe((m) => touched(m.roomId, m.createdAt)),
    ];
    socket.on("connect", load);
    socket.on("room:created", onCreated);
    socket.on("room:updated", onUpdated);
    socket.on("room:deleted", onGone);
    socket.on("room:removed", onGone);
    if (socket.connected) void load();
    return () => {
      for (const stop of stopTouches) stop();
      socket.off("connect", load);
      socket.off("room:created", onCreated);
      socket.off("room:updated", onUpdated);
      socket.off("room:deleted", onGone);
      socket.off("room:removed", onGone);
    };
  }, [conn]);

  const createRoom = useCallback(
    async (name: string, visibility: Exclude<RoomVisibility, "direct"> = "public"): Promise<{ room: RoomSummary } | { error: string }> => {
      if (!conn) return { error: "Not connected yet." };
      const ack = await conn.transport.request("room:create", { name, visibility });
      if (!ack.ok) return { error: ack.error.message };
      setRooms((list) => (list && !list.some((r) => r.id === ack.data.room.id) ? [...list, ack.data.room] : list));
      return { room: ack.data.room };
    },
    [conn],
  );

  return { rooms, createRoom };
}
