"use client";

import { CONNECTION_LABELS } from "@/app/lib/connection-status";
import { useConnectionStatus } from "@/app/hooks/use-connection-status";

const DOT: Record<string, string> = {
  connected: "bg-emerald-500",
  connecting: "bg-amber-400 animate-pulse",
  reconnecting: "bg-amber-400 animate-pulse",
  offline: "bg-zinc-400",
};

/** Always-visible state of the connection: Connected, Reconnecting or Offline. */
export function ConnectionStatusBadge() {
  const state = useConnectionStatus();
  return (
    <div
      role="status"
      aria-label="Connection"
      className="inline-flex items-center gap-1.5 rounded-full border border-zinc-200 px-2.5 py-1 text-xs font-medium text-zinc-600 dark:border-zinc-800 dark:text-zinc-300"
    >
      <span aria-hidden="true" className={`size-2 rounded-full ${DOT[state]}`} />
      {CONNECTION_LABELS[state]}
    </div>
  );
}
