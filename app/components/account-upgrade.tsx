"use client";

import { useId, useState, type FormEvent } from "react";
import { useSession } from "@/app/hooks/session-context";

/**
 * For a guest: add a username and password to this session's user. The guest keeps their
 * name, their messages and their rooms.
 */
export function AccountUpgrade({ onDone }: { onDone(): void }) {
  const { createAccount } = useSession();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { user: useId(), pass: useId(), error: useId() };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    const problem = await createAccount(username, password);
    setBusy(false);
    setError(problem);
    if (!problem) onDone();
  };

  const input =
    "block w-full rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm focus:border-accent-500 focus:outline-none focus:ring-2 focus:ring-accent-500/30 dark:border-zinc-700 dark:bg-zinc-950";
  return (
    <form onSubmit={submit} aria-label="Create an account" className="space-y-2 border-t border-zinc-200 p-3 dark:border-zinc-800">
      <p className="text-xs text-muted">Keep your name and history: choose a username and password.</p>
      <label htmlFor={ids.user} className="block text-xs font-medium">
        Username
      </label>
      <input id={ids.user} value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" maxLength={30} className={input} />
      <label htmlFor={ids.pass} className="block text-xs font-medium">
        Password
      </label>
      <input
        id={ids.pass}
        type="password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        autoComplete="new-password"
        maxLength={128}
        aria-describedby={error ? ids.error : undefined}
        className={input}
      />
      {error && (
        <p id={ids.error} role="alert" className="text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
      <div className="flex gap-2">
        <button type="submit" disabled={busy} className="flex-1 rounded-md bg-accent-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-accent-700 disabled:opacity-50">
          Save account
        </button>
        <button type="button" onClick={onDone} className="rounded-md px-3 py-1.5 text-sm text-zinc-600 hover:bg-zinc-200/60 dark:text-zinc-300 dark:hover:bg-zinc-800">
          Cancel
        </button>
      </div>
    </form>
  );
}
