"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { REASON_LABELS } from "@/app/lib/report-reasons";
import { useId, useState, type FormEvent } from "react";
import { LIMITS } from "@/server/contract/limits";
import type { ReportReason } from "@/server/contract/model";
import { useConnection } from "@/app/hooks/socket-context";

/** What each reason is called, in the dialog and in the moderators' queue. */
/**
 * "Report message": a member tells the room's moderators about someone else's message, with
 * a reason from a short list and a note. Sent at once (never queued offline: the person sees
 * whether it reached the moderators); a refusal (too many reports, the message is gone) shows here.
 */
export function ReportDialog({
  target,
  onOpenChange,
}: {
  target: { roomId: string; messageId: string; author: string } | null;
  onOpenChange(open: boolean): void;
}) {
  const conn = useConnection();
  const ids = { reason: useId(), note: useId() };
  const [reason, setReason] = useState<ReportReason | null>(null);
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<"new" | "again" | null>(null);
  const [busy, setBusy] = useState(false);

  const close = () => {
    setReason(null);
    setNote("");
    setError(null);
    setSent(null);
    onOpenChange(false);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!conn || !target || !reason) return;
    if (!conn.transport.isConnected()) {
      setError("You are offline: the report was not sent. Try again once you are back online.");
      return;
    }
    setBusy(true);
    setError(null);
    const ack = await conn.transport.request("report:file", { roomId: target.roomId, messageId: target.messageId, reason, ...(note.trim() ? { note: note.trim() } : {}) });
    setBusy(false);
    if (ack.ok) setSent(ack.data.already ? "again" : "new");
    else setError(ack.error.message);
  };

  return (
    <Dialog.Root open={target !== null} onOpenChange={(open) => (open ? undefined : close())}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/40" />
        <Dialog.Content className="fixed top-1/2 left-1/2 z-50 max-h-[calc(100dvh-2rem)] w-[min(28rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-xl border border-zinc-200 bg-white p-5 shadow-xl dark:border-zinc-700 dark:bg-zinc-900">
          <Dialog.Title className="text-base font-semibold">Report message</Dialog.Title>
          {sent ? (
            <div className="mt-3 space-y-4">
              <p role="status" className="text-sm">
                {sent === "new" ? "Thanks. The room's moderators will look at it." : "You had already reported this message: the moderators have it."}
              </p>
              <div className="flex justify-end">
                <Dialog.Close className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300">Close</Dialog.Close>
              </div>
            </div>
          ) : (
            <form onSubmit={(e) => void submit(e)} className="mt-1 space-y-3">
              <Dialog.Description className="text-sm text-muted">
                Tell the room&apos;s moderators what is wrong with <bdi className="font-medium">{target?.author}</bdi>&apos;s message. They see who reported it; {target?.author} does not.
              </Dialog.Description>
              <div role="radiogroup" aria-labelledby={ids.reason} className="space-y-1">
                <p id={ids.reason} className="text-sm font-medium">
                  Reason
                </p>
                {(Object.keys(REASON_LABELS) as ReportReason[]).map((r) => (
                  <label key={r} className="flex items-center gap-2 rounded-md px-1 py-1 text-sm hover:bg-zinc-50 dark:hover:bg-zinc-800">
                    <input type="radio" name="report-reason" value={r} checked={reason === r} onChange={() => setReason(r)} className="size-4 accent-blue-700" />
                    {REASON_LABELS[r]}
                  </label>
                ))}
              </div>
              <div className="space-y-1">
                <label htmlFor={ids.note} className="block text-sm font-medium">
                  Anything the moderators should know (optional)
                </label>
                <textarea
                  id={ids.note}
                  value={note}
                  rows={3}
                  maxLength={LIMITS.reportNoteLength}
                  onChange={(e) => setNote(e.target.value)}
                  className="w-full resize-y rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
                />
              </div>
              {error && (
                <p role="alert" className="text-sm text-red-700 dark:text-red-400">
                  {error}
                </p>
              )}
              <div className="flex justify-end gap-2 pt-1">
                <Dialog.Close type="button" className="rounded-md px-3 py-1.5 text-sm font-medium hover:bg-zinc-100 dark:hover:bg-zinc-800">
                  Cancel
                </Dialog.Close>
                <button type="submit" disabled={busy || !conn || reason === null} className="rounded-md bg-blue-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-800 disabled:opacity-50">
                  Send report
                </button>
              </div>
            </form>
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
