"use client";

import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { useId, useState, type FormEvent, type ReactNode } from "react";

export const field = "w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/**
 * One confirmation dialog for every administration action (an alert dialog: it asks before
 * something that cannot be taken back): a title, what will happen, the action's fields, and
 * one button. The server's refusal is shown in it; it closes when the action is done.
 */
export function ActionDialog({
  open,
  title,
  description,
  submitLabel,
  tone = "danger",
  onSubmit,
  onClose,
  children,
}: {
  open: boolean;
  title: string;
  description: ReactNode;
  submitLabel: string;
  tone?: "danger" | "plain";
  /** Does it; resolves the server's refusal, or null when done. */
  onSubmit(): Promise<string | null>;
  onClose(): void;
  children?: ReactNode;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const refused = await onSubmit().catch((err: unknown) => (err instanceof Error ? err.message : "That did not work."));
    setBusy(false);
    setError(refused);
    if (refused === null) onClose();
  };
  return (
    <AlertDialog.Root open={open} onOpenChange={(next) => (next ? undefined : (setError(null), onClose()))}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/40" />
        <AlertDialog.Content className="fixed top-1/2 left-1/2 z-50 w-[min(26rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 rounded-xl border border-zinc-200 bg-white p-5 shadow-xl dark:border-zinc-700 dark:bg-zinc-900">
          <form onSubmit={(e) => void submit(e)} className="space-y-3">
            <AlertDialog.Title className="text-base font-semibold">{title}</AlertDialog.Title>
            <AlertDialog.Description className="text-sm text-muted">{description}</AlertDialog.Description>
            {children}
            {error && (
              <p role="alert" className="text-sm text-red-700 dark:text-red-400">
                {error}
              </p>
            )}
            <div className="flex justify-end gap-2 pt-1">
              <AlertDialog.Cancel type="button" className="rounded-md px-3 py-1.5 text-sm font-medium hover:bg-zinc-100 dark:hover:bg-zinc-800">
                Cancel
              </AlertDialog.Cancel>
              <button
                type="submit"
                disabled={busy}
                className={`rounded-md px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50 ${tone === "danger" ? "bg-red-700 hover:bg-red-800" : "bg-blue-700 hover:bg-blue-800"}`}
              >
                {submitLabel}
              </button>
            </div>
          </form>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}

export function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children(id)}
    </div>
  );
}

export function Reason({ value, onChange, label }: { value: string; onChange(v: string): void; label: string }) {
  return <Field label={label}>{(id) => <input id={id} value={value} maxLength={500} onChange={(e) => onChange(e.target.value)} className={field} />}</Field>;
}

/** How long a sanction lasts: a choice of durations ("" for until lifted). */
export function DurationField({ value, onChange, choices }: { value: string; onChange(v: string): void; choices: ReadonlyArray<{ label: string; minutes: number | null }> }) {
  return (
    <Field label="For how long">
      {(id) => (
        <select id={id} value={value} onChange={(e) => onChange(e.target.value)} className={field}>
          {choices.map((d) => (
            <option key={d.label} value={d.minutes === null ? "" : String(d.minutes)}>
              {d.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
