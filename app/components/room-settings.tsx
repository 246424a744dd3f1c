"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import type { RoomSummary } from "@/server/contract/model";
import { useConnection } from "@/app/hooks/socket-context";

/** A private room's invite link, made on demand, with a copy button. */
export function InvitePanel({ room }: { room: RoomSummary }) {
  const conn = useConnection();
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const id = useId();

  const make = async () => {
    if (!conn) return;
    const made = await conn.directory.invite(room.id);
    if (!made.ok) return setError(made.error);
    setLink(`${window.location.origin}/r/${room.slug}?invite=${encodeURIComponent(made.value)}`);
    setError(null);
  };

  return (
    <section aria-label="Invite" className="space-y-2 border-b border-zinc-200 p-3 dark:border-zinc-800">
      <h2 className="text-xs font-semibold tracking-wide text-muted uppercase">Invite people</h2>
      {link ? (
        <>
          <label htmlFor={id} className="sr-only">
            Invite link
          </label>
          <input id={id} readOnly value={link} onFocus={(e) => e.target.select()} className="w-full rounded-md border border-zinc-300 bg-zinc-50 px-2 py-1 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900" />
          <button
            type="button"
            onClick={() => void navigator.clipboard?.writeText(link).then(() => setCopied(true))}
            className="rounded-md bg-accent-600 px-2.5 py-1 text-xs font-medium text-white hover:bg-accent-700"
          >
            {copied ? "Copied" : "Copy link"}
          </button>
          <p className="text-[11px] text-muted">Anyone with this link can join for 7 days.</p>
        </>
      ) : (
        <button type="button" onClick={() => void make()} className="rounded-md bg-accent-600 px-2.5 py-1 text-xs font-medium text-white hover:bg-accent-700">
          Create invite link
        </button>
      )}
      {error && (
        <p role="alert" className="text-xs text-red-600">
          {error}
        </p>
      )}
    </section>
  );
}

/** The owner's controls: rename, delete (members are removed, and the room handed over, in the Members list). */
export function RoomSettings({ room }: { room: RoomSummary }) {
  const conn = useConnection();
  const router = useRouter();
  const [name, setName] = useState(room.name);
  const [error, setError] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const nameId = useId();

  const rename = async (e: FormEvent) => {
    e.preventDefault();
    if (!conn) return;
    const renamed = await conn.directory.rename(room.id, name);
    setError(renamed.ok ? null : renamed.error);
  };

  const destroy = async () => {
    if (!conn) return;
    if (!confirmDelete) return setConfirmDelete(true);
    const deleted = await conn.directory.delete(room.id);
    if (!deleted.ok) return setError(deleted.error);
    router.push("/");
  };

  return (
    <section aria-label="Room settings" className="space-y-3 border-b border-zinc-200 p-3 dark:border-zinc-800">
      <h2 className="text-xs font-semibold tracking-wide text-muted uppercase">Room settings</h2>
      <form onSubmit={rename} className="flex gap-2">
        <label htmlFor={nameId} className="sr-only">
          Room name
        </label>
        <input id={nameId} value={name} onChange={(e) => setName(e.target.value)} maxLength={60} className="min-w-0 flex-1 rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-950" />
        <button type="submit" className="rounded-md border border-zinc-300 px-2 py-1 text-xs font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800">
          Rename
        </button>
      </form>
      <button
        type="button"
        onClick={() => void destroy()}
        className="w-full rounded-md border border-red-300 px-2 py-1 text-xs font-medium text-red-700 hover:bg-red-50 dark:border-red-900 dark:text-red-400 dark:hover:bg-red-950"
      >
        {confirmDelete ? "Delete for everyone? Click again" : "Delete room"}
      </button>
      {error && (
        <p role="alert" className="text-xs text-red-600">
          {error}
        </p>
      )}
    </section>
  );
}
