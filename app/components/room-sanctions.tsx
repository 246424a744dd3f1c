"use client";

import { useEffect, useState } from "react";
import type { SanctionSummary } from "@/server/contract/model";
import { useConnection } from "@/app/hooks/socket-context";

const when = (iso: string | null) => (iso ? `until ${new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" })}` : "until lifted");

/**
 * For a room's moderators: who is muted here or kept out of it now, each with "Unmute <name>"
 * or "Let <name> back". Asked of the server when the room opens, at each reconnection and
 * whenever `version` moves (after this tab muted or removed someone). Hidden when nobody is.
 */
export function RoomSanctions({ roomId, version }: { roomId: string; version: number }) {
  const conn = useConnection();
  const [list, setList] = useState<{ roomId: string; sanctions: SanctionSummary[] } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const [reload, setReload] = useState(0);
  useEffect(() => {
    if (!conn) return;
    const transport = conn.transport;
    let live = true;
    const ask = () =>
      void transport.request("sanctions:list", { roomId }).then((ack) => {
        if (live && ack.ok) setList({ roomId, sanctions: ack.data.sanctions });
      });
    if (transport.isConnected()) ask();
    const stop = transport.onConnect(ask);
    return () => {
      live = false;
      stop();
    };
  }, [conn, roomId, version, reload]);

  const lift = async (s: SanctionSummary) => {
    if (!conn) return;
    const ack =
      s.kind === "mute"
        ? await conn.transport.request("user:unmute", { userId: s.user.id, roomId })
        : await conn.transport.request("room:unkick", { roomId, userId: s.user.id });
    setError(ack.ok ? null : ack.error.message);
    setReload((n) => n + 1);
  };

  const here = list?.roomId === roomId ? list.sanctions.filter((s) => s.roomId === roomId) : [];
  if (here.length === 0 && !error) return null;
  return (
    <section aria-label="Muted and removed" className="space-y-2 border-b border-zinc-200 p-3 dark:border-zinc-800">
      <h2 className="text-xs font-semibold tracking-wide text-muted uppercase">Muted and removed</h2>
      <ul className="space-y-2">
        {here.map((s) => (
          <li key={`${s.kind}:${s.user.id}`} className="space-y-1 text-xs">
            <p>
              <bdi className="font-medium">{s.user.name}</bdi> <span className="text-muted">{s.kind === "mute" ? "muted" : "removed"} {when(s.until)}</span>
            </p>
            <button
              type="button"
              onClick={() => void lift(s)}
              className="rounded-md border border-zinc-300 px-2 py-0.5 font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
            >
              {s.kind === "mute" ? `Unmute ${s.user.name}` : `Let ${s.user.name} back`}
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" className="text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </section>
  );
}
