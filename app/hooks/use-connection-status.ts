"use client";

import { useSyncExternalStore } from "react";
import type { ConnectionState } from "@/app/lib/connection-status";
import { useConnection } from "./socket-context";

const noop = () => () => {};

/** "connecting" | "connected" | "reconnecting" | "offline", live. */
export function useConnectionStatus(): ConnectionState {
  const conn = useConnection();
  return useSyncExternalStore(
    conn?.status.subscribe ?? noop,
    () => conn?.status.get() ?? "connecting",
    () => "connecting",
  );
}
