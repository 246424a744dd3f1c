"use client";

import { useId, useState, type FormEvent } from "react";
import { LIMITS } from "@/server/contract/limits";
import { useSession } from "@/app/hooks/session-context";
import { Logo } from "./logo";

/** First visit: pick a display name and continue as a guest. */
export function SignInForm({ slug, notice }: { slug?: string; notice?: string }) {
  const { continueAsGuest } = useSession();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputId = useId();
  const errorId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(await continueAsGuest(name));
    setBusy(false);
  };

  return (
    <main className="grid min-h-dvh place-items-center bg-gradient-to-b from-accent-50 to-white px-4 dark:from-zinc-900 dark:to-zinc-950">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex flex-col items-center gap-3 text-center">
          <Logo className="size-12" />
          <h1 className="text-2xl font-semibold tracking-tight">Welcome to Parley</h1>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            {slug ? (
              <>
                Pick a name to join <span className="font-medium text-zinc-900 dark:text-zinc-100">/r/{slug}</span>.
              </>
            ) : (
              "Pick a name and start talking. No account needed."
            )}
          </p>
        </div>
        <form
          onSubmit={submit}
          className="space-y-4 rounded-2xl border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
        >
          {notice && (
            <p className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
              {notice}
            </p>
          )}
          <div className="space-y-1.5">
            <label htmlFor={inputId} className="block text-sm font-medium">
              Display name
            </label>
            <input
              id={inputId}
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={LIMITS.displayNameLength}
              autoComplete="nickname"
              autoFocus
              required
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : undefined}
              placeholder="e.g. Ada"
              className="block w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-base shadow-xs placeholder:text-zinc-400 focus:border-accent-500 focus:outline-none focus:ring-2 focus:ring-accent-500/30 dark:border-zinc-700 dark:bg-zinc-950"
            />
            {error && (
              <p id={errorId} role="alert" className="text-sm text-red-600 dark:text-red-400">
                {error}
              </p>
            )}
          </div>
          <button
            type="submit"
            disabled={busy}
            className="w-full rounded-lg bg-accent-600 px-4 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-accent-700 disabled:opacity-60"
          >
            {busy ? "Joining…" : "Continue as guest"}
          </button>
        </form>
      </div>
    </main>
  );
}
