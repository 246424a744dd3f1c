"use client";

import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { useId, useState, type FormEvent, type ReactNode } from "react";
import { useConnection } from "@/app/hooks/socket-context";
import type { AdminPerson } from "@/server/contract/model";

const field = "w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900";
type Ack = { ok: true } | { ok: false; error: { message: string } };

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

function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
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

function Reason({ value, onChange, label }: { value: string; onChange(v: string): void; label: string }) {
  return <Field label={label}>{(id) => <input id={id} value={value} maxLength={500} onChange={(e) => onChange(e.target.value)} className={field} />}</Field>;
}

const BAN_DURATIONS: ReadonlyArray<{ label: string; minutes: number | null }> = [
  { label: "1 day", minutes: 24 * 60 },
  { label: "1 week", minutes: 7 * 24 * 60 },
  { label: "30 days", minutes: 30 * 24 * 60 },
  { label: "Until lifted", minutes: null },
];

const refusal = (ack: Ack) => (ack.ok ? null : ack.error.message);

/** Bans someone from the instance: for how long, why (they see it), and whether all their messages go too. */
export function BanDialog({ person, onClose, onDone }: { person: AdminPerson | null; onClose(): void; onDone(): void }) {
  const conn = useConnection();
  const [minutes, setMinutes] = useState(String(BAN_DURATIONS[0]!.minutes));
  const [reason, setReason] = useState("");
  const [removeMessages, setRemoveMessages] = useState(false);
  const checkId = useId();
  const submit = async () => {
    if (!conn || !person) return "Not connected yet.";
    const refused = refusal(await conn.transport.request("user:ban", { userId: person.id, minutes: minutes === "" ? null : Number(minutes), reason, removeMessages }));
    if (refused === null) {
      setReason("");
      setRemoveMessages(false);
      onDone();
    }
    return refused;
  };
  return (
    <ActionDialog
      open={person !== null}
      title={`Ban ${person?.name ?? ""}`}
      description="They are signed out everywhere at once, their bots and API tokens stop, and no new guest or account can come from the addresses they used for a while."
      submitLabel="Ban"
      onSubmit={submit}
      onClose={onClose}
    >
      <Field label="For how long">
        {(id) => (
          <select id={id} value={minutes} onChange={(e) => setMinutes(e.target.value)} className={field}>
            {BAN_DURATIONS.map((d) => (
              <option key={d.label} value={d.minutes === null ? "" : String(d.minutes)}>
                {d.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Reason label="Reason (optional, they see it)" value={reason} onChange={setReason} />
      <div className="flex items-start gap-2">
        <input id={checkId} type="checkbox" checked={removeMessages} onChange={(e) => setRemoveMessages(e.target.checked)} className="mt-0.5 size-4" />
        <label htmlFor={checkId} className="text-sm">
          Also remove all of their messages, in every room
        </label>
      </div>
    </ActionDialog>
  );
}

/** Removes all of someone's messages in every room: a background task, listed under "Message removals". */
export function RemoveMessagesDialog({ person, onClose, onDone }: { person: AdminPerson | null; onClose(): void; onDone(): void }) {
  const conn = useConnection();
  const [reason, setReason] = useState("");
  const submit = async () => {
    if (!conn || !person) return "Not connected yet.";
    const refused = refusal(await conn.transport.request("user:purge", { userId: person.id, reason }));
    if (refused === null) {
      setReason("");
      onDone();
    }
    return refused;
  };
  return (
    <ActionDialog
      open={person !== null}
      title={`Remove all messages of ${person?.name ?? ""}?`}
      description="Every message they wrote, in every room and conversation, is removed for everyone and shows as removed by a moderator. It runs in the background; this cannot be undone."
      submitLabel="Remove all messages"
      onSubmit={submit}
      onClose={onClose}
    >
      <Reason label="Reason (optional, for the audit log)" value={reason} onChange={setReason} />
    </ActionDialog>
  );
}

/** Sets a new password for an account: its sessions end, so it signs in with the new one. */
export function PasswordDialog({ person, onClose, onDone }: { person: AdminPerson | null; onClose(): void; onDone(): void }) {
  const conn = useConnection();
  const [password, setPassword] = useState("");
  const submit = async () => {
    if (!conn || !person) return "Not connected yet.";
    const refused = refusal(await conn.transport.request("user:password", { userId: person.id, password }));
    if (refused === null) {
      setPassword("");
      onDone();
    }
    return refused;
  };
  return (
    <ActionDialog
      open={person !== null}
      title={`Reset the password of ${person?.name ?? ""}`}
      description="They are signed out everywhere; tell them the new password another way. Their bots' API tokens keep working."
      submitLabel="Set password"
      tone="plain"
      onSubmit={submit}
      onClose={() => (setPassword(""), onClose())}
    >
      <Field label="New password (8 to 128 characters)">
        {(id) => <input id={id} type="password" autoComplete="new-password" value={password} minLength={8} maxLength={128} required onChange={(e) => setPassword(e.target.value)} className={field} />}
      </Field>
    </ActionDialog>
  );
}
