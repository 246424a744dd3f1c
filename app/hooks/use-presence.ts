"use client";

import { useCallback, useSyncExternalStore } from "react";
import type { UserSummary } from "@/server/contract/model";
import { useConnection } from "./socket-context";

const NOBODY: UserSummary[] = [];
const noop = () => () => {};

/** Everyone online in the room, one entry per user. */
export function usePresence(roomId: string | undefined): UserSummary[] {
  const conn = useConnection();
  const get = useCallback(() => conn?.presence.get(roomId) ?? NOBODY, [conn, roomId]);
  return useSyncExternalStore(conn?.presence.subscribe ?? noop, get, () => NOBODY);
}
