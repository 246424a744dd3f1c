"use client";

import { useId, useState } from "react";
import { defaultNotifyLevel } from "@/app/hooks/socket-context";
import { useAttention } from "@/app/hooks/use-attention";
import type { NotifyLevel, RoomSummary } from "@/server/contract/model";

const LABELS: Record<NotifyLevel, string> = { all: "All messages", mentions: "Mentions only", off: "Off" };

/** When this room notifies the user: every message, mentions only, or never (kept on the server, for every device). */
export function NotifyLevelPicker({ room }: { room: RoomSummary }) {
  const { rooms, setNotify } = useAttention();
  const chosen = rooms.get(room.id)?.notify;
  const fallback = defaultNotifyLevel(room);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const change = async (value: string) => {
    setError(await setNotify(room.id, value as NotifyLevel | "default"));
  };
  return (
    <div className="border-b border-zinc-200 p-3 dark:border-zinc-800">
      <label htmlFor={id} className="mb-1 block text-xs font-semibold tracking-wide text-muted uppercase">
        Notifications
      </label>
      <select
        id={id}
        value={chosen ?? "default"}
        onChange={(e) => void change(e.target.value)}
        className="w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
      >
        <option value="default">Default ({LABELS[fallback].toLowerCase()})</option>
        <option value="all">{LABELS.all}</option>
        <option value="mentions">{LABELS.mentions}</option>
        <option value="off">{LABELS.off}</option>
      </select>
      {error && (
        <p role="alert" className="mt-1 text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}
