"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import type { AccountInfo, UserSummary } from "@/server/contract/model";
import { useSession } from "@/app/hooks/session-context";
import { Logo } from "./logo";
import { SignInForm, useSignInFormEarly } from "./sign-in";

/**
 * A page beside the chat (Settings, Administration): the signed-in person only (the sign-in
 * form otherwise), under a header whose logo leads back to the chat, with the page's level-1
 * heading.
 */
export function PageShell({ title, width = "max-w-2xl", children }: { title: string; width?: string; children: (session: { user: UserSummary; account: AccountInfo }) => ReactNode }) {
  const { session } = useSession();
  useSignInFormEarly(session);
  if (session.status === "loading") return <div className="grid h-dvh place-items-center text-sm text-muted">Loading…</div>;
  if (session.status === "signed-out") return <SignInForm notice={session.notice} />;
  return (
    <div className="min-h-dvh bg-zinc-50 dark:bg-zinc-950">
      <header className="flex h-14 items-center gap-3 border-b border-zinc-200 bg-white px-4 dark:border-zinc-800 dark:bg-zinc-900">
        <Link href="/" className="flex items-center gap-2" aria-label="Back to chat">
          <Logo className="size-7" />
          <span className="text-lg font-semibold tracking-tight">Parley</span>
        </Link>
      </header>
      <main className={`mx-auto ${width} space-y-6 p-4 sm:p-8`}>
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {children(session)}
      </main>
    </div>
  );
}
