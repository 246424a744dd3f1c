"use client";

import { useCallback, useEffect, useState } from "react";
import type { RoomSummary } from "@/server/contract/model";
import { useConnection } from "./socket-context";

/**
 * The public room directory, kept live by `room:created`, and `createRoom`, which resolves
 * with the new room or an error message to show.
 */
export function useRoomDirectory() {
  const conn = useConnection();
  const [rooms, setRooms] = useState<RoomSummary[] | null>(null);

  useEffect(() => {
    if (!conn) return;
    const { socket } = conn;
    const load = async () => {
      const ack = await conn.transport.request("room:list", {});
      if (ack.ok) setRooms(ack.data.rooms);
    };
    const onCreated = (room: RoomSummary) =>
      setRooms((list) => (list && !list.some((r) => r.id === room.id) ? [...list, room] : list));
    socket.on("connect", load);
    socket.on("room:created", onCreated);
    if (socket.connected) void load();
    return () => {
      socket.off("connect", load);
      socket.off("room:created", onCreated);
    };
  }, [conn]);

  const createRoom = useCallback(
    async (name: string): Promise<{ room: RoomSummary } | { error: string }> => {
      if (!conn) return { error: "Not connected yet." };
      const ack = await conn.transport.request("room:create", { name });
      if (!ack.ok) return { error: ack.error.message };
      setRooms((list) => (list && !list.some((r) => r.id === ack.data.room.id) ? [...list, ack.data.room] : list));
      return { room: ack.data.room };
    },
    [conn],
  );

  return { rooms, createRoom };
}
