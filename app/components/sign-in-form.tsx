"use client";

import { useId, useState, type FormEvent } from "react";
import { LIMITS } from "@/server/contract/limits";
import { useSession } from "@/app/hooks/session-context";
import { Logo } from "./logo";

const input =
  "block w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-base shadow-xs placeholder:text-zinc-500 dark:placeholder:text-zinc-400 focus:border-accent-500 focus:outline-none focus:ring-2 focus:ring-accent-500/30 dark:border-zinc-700 dark:bg-zinc-950";
const primary =
  "w-full rounded-lg bg-accent-600 px-4 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-accent-700 disabled:opacity-60";
const secondary =
  "w-full rounded-lg border border-zinc-300 px-4 py-2.5 text-sm font-semibold hover:bg-zinc-50 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800";

/** First visit: continue as a guest with a display name, or sign in / create an account. */
export function SignInForm({ slug, notice }: { slug?: string; notice?: string }) {
  const { continueAsGuest, signIn, createAccount } = useSession();
  const [name, setName] = useState("");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [guestError, setGuestError] = useState<string | null>(null);
  const [accountError, setAccountError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { name: useId(), nameError: useId(), user: useId(), pass: useId(), accountError: useId() };

  const run = async (action: () => Promise<string | null>, setError: (e: string | null) => void) => {
    if (busy) return;
    setBusy(true);
    setError(await action());
    setBusy(false);
  };

  const guest = (e: FormEvent) => {
    e.preventDefault();
    void run(() => continueAsGuest(name), setGuestError);
  };
  const account = (e: FormEvent) => {
    e.preventDefault();
    void run(() => signIn(username, password), setAccountError);
  };

  return (
    <main className="grid min-h-dvh place-items-center bg-gradient-to-b from-accent-50 to-white px-4 py-10 dark:from-zinc-900 dark:to-zinc-950">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex flex-col items-center gap-3 text-center">
          <Logo className="size-12" />
          <h1 className="text-2xl font-semibold tracking-tight">Welcome to Parley</h1>
          <p className="text-sm text-muted">
            {slug ? (
              <>
                Pick a name to join <span className="font-medium text-zinc-900 dark:text-zinc-100">/r/{slug}</span>.
              </>
            ) : (
              "Pick a name and start talking. No account needed."
            )}
          </p>
        </div>
        <div className="space-y-4 rounded-2xl border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
          {notice && (
            <p role="alert" className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
              {notice}
            </p>
          )}
          <form onSubmit={guest} className="space-y-3">
            <div className="space-y-1.5">
              <label htmlFor={ids.name} className="block text-sm font-medium">
                Display name
              </label>
              <input
                id={ids.name}
                value={name}
                onChange={(e) => setName(e.target.value)}
                maxLength={LIMITS.displayNameLength}
                autoComplete="nickname"
                // The sign-in page's first and only task: nothing above it to skip past.
                // eslint-disable-next-line jsx-a11y/no-autofocus
                autoFocus
                aria-invalid={guestError ? true : undefined}
                aria-describedby={guestError ? ids.nameError : undefined}
                placeholder="e.g. Ada"
                className={input}
              />
              {guestError && (
                <p id={ids.nameError} role="alert" className="text-sm text-red-600 dark:text-red-400">
                  {guestError}
                </p>
              )}
            </div>
            <button type="submit" disabled={busy} className={primary}>
              Continue as guest
            </button>
          </form>

          <div className="flex items-center gap-3 text-xs text-muted" aria-hidden="true">
            <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
            or use an account
            <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
          </div>

          <form onSubmit={account} className="space-y-3" aria-label="Account">
            <div className="space-y-1.5">
              <label htmlFor={ids.user} className="block text-sm font-medium">
                Username
              </label>
              <input id={ids.user} value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" maxLength={30} className={input} />
            </div>
            <div className="space-y-1.5">
              <label htmlFor={ids.pass} className="block text-sm font-medium">
                Password
              </label>
              <input
                id={ids.pass}
                type="password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                autoComplete="current-password"
                maxLength={128}
                aria-invalid={accountError ? true : undefined}
                aria-describedby={accountError ? ids.accountError : undefined}
                className={input}
              />
            </div>
            {accountError && (
              <p id={ids.accountError} role="alert" className="text-sm text-red-600 dark:text-red-400">
                {accountError}
              </p>
            )}
            <div className="grid grid-cols-2 gap-2">
              <button type="submit" disabled={busy} className={primary}>
                Sign in
              </button>
              <button
                type="button"
                disabled={busy}
                className={secondary}
                onClick={() => void run(() => createAccount(username, password, name.trim() || undefined), setAccountError)}
              >
                Create account
              </button>
            </div>
          </form>
        </div>
      </div>
    </main>
  );
}
