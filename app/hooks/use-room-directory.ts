"use client";

import { useCallback, useSyncExternalStore } from "react";
import type { RoomSummary, RoomVisibility } from "@/server/contract/model";
import { useConnection } from "./socket-context";

const noop = () => () => {};
const none = () => null;

/**
 * The room directory (the connection's `RoomDirectory`), and `createRoom`, which resolves
 * with the new room or an error message to show.
 */
export function useRoomDirectory() {
  const conn = useConnection();
  const rooms = useSyncExternalStore(conn?.directory.subscribe ?? noop, conn?.directory.get ?? none, none);

  const createRoom = useCallback(
    async (name: string, visibility: Exclude<RoomVisibility, "direct"> = "public"): Promise<{ room: RoomSummary } | { error: string }> => {
      if (!conn) return { error: "Not connected yet." };
      const made = await conn.directory.create(name, visibility);
      return made.ok ? { room: made.value } : { error: made.error };
    },
    [conn],
  );

  return { rooms, createRoom };
}
