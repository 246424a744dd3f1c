"use client";

import { useId, useState } from "react";
import { useConnection } from "@/app/hooks/socket-context";
import type { AdminPerson } from "@/server/contract/model";
import { ActionDialog, DurationField, Field, Reason, field } from "./action-dialog";

type Ack = { ok: true } | { ok: false; error: { message: string } };

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
      <DurationField value={minutes} onChange={setMinutes} choices={BAN_DURATIONS} />
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
