"use client";

import * as AlertDialog from "@radix-ui/react-alert-dialog";

/**
 * Asks before a message is deleted for everyone; the deletion cannot be undone. `author`: a
 * moderator removes someone else's message (its tombstone then says so).
 */
export function DeleteMessageDialog({ open, onOpenChange, onConfirm, author }: { open: boolean; onOpenChange(open: boolean): void; onConfirm(): void; author?: string }) {
  return (
    <AlertDialog.Root open={open} onOpenChange={onOpenChange}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/40" />
        <AlertDialog.Content className="fixed top-1/2 left-1/2 z-50 w-[min(24rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 space-y-3 rounded-xl border border-zinc-200 bg-white p-5 shadow-xl dark:border-zinc-700 dark:bg-zinc-900">
          <AlertDialog.Title className="text-base font-semibold">{author ? `Delete ${author}'s message?` : "Delete this message?"}</AlertDialog.Title>
          <AlertDialog.Description className="text-sm text-muted">
            {author
              ? "It is removed for everyone as a moderator's action, and its text is deleted from the server. This cannot be undone."
              : "It is removed for everyone, and its text is deleted from the server. This cannot be undone."}
          </AlertDialog.Description>
          <div className="flex justify-end gap-2 pt-1">
            <AlertDialog.Cancel className="rounded-md px-3 py-1.5 text-sm font-medium hover:bg-zinc-100 dark:hover:bg-zinc-800">Cancel</AlertDialog.Cancel>
            <AlertDialog.Action onClick={onConfirm} className="rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-800">
              Delete
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
