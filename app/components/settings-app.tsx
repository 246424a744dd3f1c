"use client";

import { useId, useState, type FormEvent, type ReactNode } from "react";
import { useSession } from "@/app/hooks/session-context";
import { LIMITS } from "@/server/contract/limits";
import { useConnection } from "@/app/hooks/socket-context";
import { INLINE_IMAGE_TYPES } from "@/server/contract/files";
import type { UserSummary } from "@/server/contract/model";
import { Avatar, useAvatarOf } from "./avatar";
import { useApiTokens } from "@/app/hooks/use-api-tokens";
import { PageShell } from "./page-shell";

/** Settings: one's display name, profile picture, password and personal API tokens for bots and scripts (the last two: accounts only). */
export function SettingsApp() {
  return (
    <PageShell title="Settings">
      {(session) => (
        <>
          <DisplayName user={session.user} />
          <ProfilePicture user={session.user} />
          {!session.account.guest && <Password />}
          {session.account.guest ? (
            <p className="rounded-lg border border-zinc-200 bg-white p-4 text-sm dark:border-zinc-800 dark:bg-zinc-900">
              API tokens belong to accounts. Create an account from the sidebar first; you keep your name and history.
            </p>
          ) : (
            <ApiTokens />
          )}
        </>
      )}
    </PageShell>
  );
}

/** One card of the settings page: a heading, what it is for, and its controls. */
function SettingsSection({ id, title, intro, children }: { id: string; title: string; intro: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="space-y-4 rounded-xl border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900">
      <div>
        <h2 id={id} className="text-lg font-semibold">
          {title}
        </h2>
        <p className="text-sm text-muted">{intro}</p>
      </div>
      {children}
    </section>
  );
}

/**
 * One's profile picture: uploaded through the files endpoint as an avatar (a square thumbnail
 * is made of it, without its metadata), then set with `account:avatar`; everyone sees it at
 * once beside one's messages and in the Online and Members lists.
 */
function ProfilePicture({ user }: { user: UserSummary }) {
  const conn = useConnection();
  const avatar = useAvatarOf(user);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const inputId = useId();

  const set = async (fileId: string | null) => {
    if (!conn) return "Not connected yet: try again in a moment.";
    const ack = await conn.transport.request("account:avatar", { fileId });
    if (!ack.ok) return ack.error.message;
    conn.people.learn([ack.data.user]);
    return null;
  };

  const upload = async (file: File) => {
    setBusy(true);
    setStatus({ text: "Uploading…", error: false });
    try {
      // The server's limits, checked before uploading where they are known (it checks them again).
      const refused = conn?.uploads.refusal([{ name: file.name, size: file.size }], 0);
      if (refused) throw new Error(refused);
      const id = crypto.randomUUID();
      const res = await fetch(`/api/files/${id}?name=${encodeURIComponent(file.name)}&purpose=avatar`, {
        method: "PUT",
        body: file,
        headers: { "Content-Type": "application/octet-stream" },
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? "The picture could not be uploaded. Try again.");
      }
      const notSet = await set(id);
      setStatus(notSet ? { text: notSet, error: true } : { text: "Profile picture saved.", error: false });
    } catch (err) {
      setStatus({ text: err instanceof Error && err.message !== "Failed to fetch" ? err.message : "The picture could not be uploaded. Try again.", error: true });
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    const refused = await set(null);
    setStatus(refused ? { text: refused, error: true } : { text: "Profile picture removed.", error: false });
    setBusy(false);
  };

  return (
    <SettingsSection id="picture-heading" title="Profile picture" intro="Shown beside your messages and in the lists of who is online. Its location and camera details are removed.">
      <div className="flex flex-wrap items-center gap-4">
        <Avatar user={user} size="lg" />
        <span>
          <input
            id={inputId}
            type="file"
            accept={INLINE_IMAGE_TYPES.join(",")}
            disabled={busy || !conn}
            className="peer sr-only"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = "";
              if (file) void upload(file);
            }}
          />
          <label
            htmlFor={inputId}
            className="inline-flex cursor-pointer items-center rounded-lg bg-accent-600 px-3 py-2 text-sm font-semibold text-white peer-focus-visible:ring-2 peer-focus-visible:ring-accent-500 peer-focus-visible:ring-offset-2 peer-disabled:cursor-not-allowed peer-disabled:opacity-50 hover:bg-accent-700"
          >
            Upload a profile picture
          </label>
        </span>
        {avatar && (
          <button
            type="button"
            onClick={() => void remove()}
            disabled={busy}
            className="rounded-lg border border-zinc-300 px-3 py-2 text-sm font-medium hover:bg-zinc-50 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800"
          >
            Remove profile picture
          </button>
        )}
      </div>
      <p role="status" className={`min-h-5 text-sm ${status?.error ? "text-red-700 dark:text-red-400" : "text-muted"}`}>
        {status?.text}
      </p>
    </SettingsSection>
  );
}

function ApiTokens() {
  const { tokens, error, create, revoke } = useApiTokens();
  const [name, setName] = useState("");
  const [fresh, setFresh] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const nameId = useId();
  const freshId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const token = await create(name);
    if (token) {
      setFresh(token);
      setCopied(false);
      setName("");
    }
  };

  return (
    <SettingsSection
      id="tokens-heading"
      title="API tokens"
      intro={
        <>
          Bots and scripts connect to <code className="font-mono">/ws</code> with a token; they act as you. See{" "}
          <code className="font-mono">docs/protocol.md</code> and <code className="font-mono">examples/</code>.
        </>
      }
    >
      <form onSubmit={submit} className="flex gap-2">
        <label htmlFor={nameId} className="sr-only">
          Token name
        </label>
        <input
          id={nameId}
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Token name, e.g. deploy-bot"
          maxLength={60}
          className="min-w-0 flex-1 rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-950"
        />
        <button type="submit" disabled={name.trim().length === 0} className="rounded-md bg-accent-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-accent-700 disabled:opacity-50">
          Create token
        </button>
      </form>
      {fresh && (
        <div role="status" aria-label="New token" className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-3 dark:border-amber-800 dark:bg-amber-950">
          <p className="text-sm font-medium">Copy this token now: it will not be shown again.</p>
          <label htmlFor={freshId} className="sr-only">
            New token value
          </label>
          <input id={freshId} readOnly value={fresh} onFocus={(e) => e.target.select()} className="w-full rounded-md border border-amber-300 bg-white px-2 py-1 font-mono text-xs dark:border-amber-800 dark:bg-zinc-950" />
          <button type="button" onClick={() => void navigator.clipboard?.writeText(fresh).then(() => setCopied(true))} className="rounded-md bg-amber-700 px-2.5 py-1 text-xs font-medium text-white hover:bg-amber-800">
            {copied ? "Copied" : "Copy token"}
          </button>
        </div>
      )}
      {error && (
        <p role="alert" className="text-sm text-red-600">
          {error}
        </p>
      )}
      {tokens === null ? (
        <p className="text-sm text-muted">Loading…</p>
      ) : tokens.length === 0 ? (
        <p className="text-sm text-muted">No tokens yet.</p>
      ) : (
        <ul aria-label="Tokens" className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {tokens.map((t) => (
            <li key={t.id} className="flex items-center justify-between gap-3 py-2">
              <div className="min-w-0">
                <p className="truncate text-sm font-medium">{t.name}</p>
                <p className="text-xs text-muted">
                  <code className="font-mono">{t.prefix}…</code> · created {new Date(t.createdAt).toLocaleDateString()} ·{" "}
                  {t.lastUsedAt ? `last used ${new Date(t.lastUsedAt).toLocaleString()}` : "never used"}
                </p>
              </div>
              <button type="button" onClick={() => void revoke(t.id)} aria-label={`Revoke ${t.name}`} className="rounded-md border border-red-300 px-2 py-1 text-xs font-medium text-red-700 hover:bg-red-50 dark:border-red-900 dark:text-red-400">
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
    </SettingsSection>
  );
}

/** A line under a form saying how it went: a status when done, an alert when refused. */
function Outcome({ outcome }: { outcome: { text: string; error: boolean } | null }) {
  if (!outcome) return null;
  return (
    <p role={outcome.error ? "alert" : "status"} className={`text-sm ${outcome.error ? "text-red-700 dark:text-red-400" : "text-emerald-800 dark:text-emerald-300"}`}>
      {outcome.text}
    </p>
  );
}

const field = "w-full max-w-sm rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-950";
const primary = "rounded-lg bg-accent-600 px-3 py-2 text-sm font-semibold text-white hover:bg-accent-700 disabled:cursor-not-allowed disabled:opacity-50";

/** One's display name: everyone in one's rooms sees the new one in their lists at once. */
function DisplayName({ user }: { user: UserSummary }) {
  const conn = useConnection();
  const { renamed } = useSession();
  const inputId = useId();
  const [name, setName] = useState(user.name);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ text: string; error: boolean } | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!conn) return setOutcome({ text: "Not connected yet: try again in a moment.", error: true });
    setBusy(true);
    const ack = await conn.transport.request("account:name", { name });
    setBusy(false);
    if (!ack.ok) return setOutcome({ text: ack.error.message, error: true });
    conn.people.learn([ack.data.user]);
    renamed(ack.data.user);
    setName(ack.data.user.name);
    setOutcome({ text: "Display name saved.", error: false });
  };
  return (
    <SettingsSection id="name-heading" title="Display name" intro="What others see beside your messages and in the lists of who is online.">
      <form onSubmit={(e) => void save(e)} className="space-y-3">
        <div className="space-y-1">
          <label htmlFor={inputId} className="block text-sm font-medium">
            Display name
          </label>
          <input id={inputId} value={name} maxLength={LIMITS.displayNameLength} required onChange={(e) => setName(e.target.value)} className={field} />
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" disabled={busy || !conn || name.trim() === "" || name === user.name} className={primary}>
            Save name
          </button>
          <Outcome outcome={outcome} />
        </div>
      </form>
    </SettingsSection>
  );
}

/** One's password (accounts): the current one proves it is them; every other browser is signed out. */
function Password() {
  const ids = { current: useId(), next: useId() };
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ text: string; error: boolean } | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const res = await fetch("/api/account/password", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ currentPassword: current, newPassword: next }) });
      const reply = (await res.json().catch(() => null)) as { ended?: number; error?: { message: string } } | null;
      if (!res.ok) return setOutcome({ text: reply?.error?.message ?? "The password could not be changed. Try again.", error: true });
      setCurrent("");
      setNext("");
      const others = reply?.ended ?? 0;
      setOutcome({ text: `Password changed.${others > 0 ? ` ${others === 1 ? "Your other browser was" : `Your ${others} other browsers were`} signed out.` : ""}`, error: false });
    } catch {
      setOutcome({ text: "Could not reach the server. Check your connection and try again.", error: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <SettingsSection id="password-heading" title="Password" intro="Changing it signs you out everywhere else; this browser stays signed in.">
      <form onSubmit={(e) => void save(e)} className="space-y-3">
        <div className="space-y-1">
          <label htmlFor={ids.current} className="block text-sm font-medium">
            Current password
          </label>
          <input id={ids.current} type="password" autoComplete="current-password" value={current} required onChange={(e) => setCurrent(e.target.value)} className={field} />
        </div>
        <div className="space-y-1">
          <label htmlFor={ids.next} className="block text-sm font-medium">
            New password (8 to 128 characters)
          </label>
          <input id={ids.next} type="password" autoComplete="new-password" value={next} minLength={8} maxLength={128} required onChange={(e) => setNext(e.target.value)} className={field} />
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" disabled={busy} className={primary}>
            Change password
          </button>
          <Outcome outcome={outcome} />
        </div>
      </form>
    </SettingsSection>
  );
}
