"use client";

import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { useId, useState, type FormEvent } from "react";
import { useConnection } from "@/app/hooks/socket-context";

export type SanctionKind = "mute" | "kick";

const DURATIONS: ReadonlyArray<{ label: string; minutes: number | null }> = [
  { label: "10 minutes", minutes: 10 },
  { label: "1 hour", minutes: 60 },
  { label: "1 day", minutes: 24 * 60 },
  { label: "1 week", minutes: 7 * 24 * 60 },
  { label: "Until lifted", minutes: null },
];

/**
 * A room's moderator mutes someone in the room, or removes them from it (a public room: for a
 * while; a private one: their membership ends), for how long and why. Asked of the server at
 * once (never queued offline: a sanction needs the room's roles as they are now); its refusal
 * shows here.
 */
export function SanctionDialog({
  kind,
  person,
  roomId,
  privateRoom,
  onOpenChange,
  onDone,
}: {
  kind: SanctionKind | null;
  person: { id: string; name: string };
  /** The room; null: a mute on the whole instance (administrators). */
  roomId: string | null;
  privateRoom: boolean;
  onOpenChange(open: boolean): void;
  /** The server took it. */
  onDone?(): void;
}) {
  const conn = useConnection();
  const ids = { duration: useId(), reason: useId() };
  const [minutes, setMinutes] = useState<string>("60");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const timed = kind === "mute" || !privateRoom;
  const choices = kind === "kick" ? DURATIONS.filter((d) => d.minutes !== null) : DURATIONS;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!conn || !kind) return;
    setBusy(true);
    setError(null);
    const chosen = minutes === "" ? null : Number(minutes);
    const ack =
      kind === "mute"
        ? await conn.transport.request("user:mute", { userId: person.id, roomId, minutes: chosen, reason })
        : await conn.transport.request("room:kick", { roomId: roomId ?? "", userId: person.id, ...(timed && chosen !== null ? { minutes: chosen } : {}), reason });
    setBusy(false);
    if (ack.ok) {
      setReason("");
      onDone?.();
      onOpenChange(false);
    } else setError(ack.error.message);
  };

  const title = kind === "mute" ? `Mute ${person.name} ${roomId === null ? "everywhere" : "in this room"}` : `Remove ${person.name} from this room`;
  const verb = kind === "mute" ? "Mute" : "Remove";
  return (
    <AlertDialog.Root open={kind !== null} onOpenChange={(open) => (open ? undefined : (setError(null), onOpenChange(false)))}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/40" />
        <AlertDialog.Content className="fixed top-1/2 left-1/2 z-50 w-[min(26rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 rounded-xl border border-zinc-200 bg-white p-5 shadow-xl dark:border-zinc-700 dark:bg-zinc-900">
          <form onSubmit={(e) => void submit(e)} className="space-y-3">
            <AlertDialog.Title className="text-base font-semibold">{title}</AlertDialog.Title>
            <AlertDialog.Description className="text-sm text-muted">
              {kind === "mute"
                ? `They keep reading; they cannot send, react, upload or edit ${roomId === null ? "anywhere" : "here"} until the mute ends.`
                : privateRoom
                  ? "Their membership ends: they lose access until invited again."
                  : "They cannot open this room until the time is up."}
            </AlertDialog.Description>
            {timed && (
              <div className="space-y-1">
                <label htmlFor={ids.duration} className="block text-sm font-medium">
                  For how long
                </label>
                <select
                  id={ids.duration}
                  value={minutes}
                  onChange={(e) => setMinutes(e.target.value)}
                  className="w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
                >
                  {choices.map((d) => (
                    <option key={d.label} value={d.minutes === null ? "" : String(d.minutes)}>
                      {d.label}
                    </option>
                  ))}
                </select>
              </div>
            )}
            <div className="space-y-1">
              <label htmlFor={ids.reason} className="block text-sm font-medium">
                Reason (optional, they see it)
              </label>
              <input
                id={ids.reason}
                value={reason}
                maxLength={500}
                onChange={(e) => setReason(e.target.value)}
                className="w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
              />
            </div>
            {error && (
              <p role="alert" className="text-sm text-red-700 dark:text-red-400">
                {error}
              </p>
            )}
            <div className="flex justify-end gap-2 pt-1">
              <AlertDialog.Cancel type="button" className="rounded-md px-3 py-1.5 text-sm font-medium hover:bg-zinc-100 dark:hover:bg-zinc-800">
                Cancel
              </AlertDialog.Cancel>
              <button type="submit" disabled={busy || !conn} className="rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-50">
                {verb}
              </button>
            </div>
          </form>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
