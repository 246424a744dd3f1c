"use client";

import { useSession } from "@/app/hooks/session-context";
import { ChatShell } from "./chat-shell";
import { SignInForm, useSignInFormEarly } from "./sign-in";

/** The whole app behind one gate: a session, or the sign-in form (which then lands here). */
export function ChatApp({ slug, invite }: { slug?: string; invite?: string }) {
  const { session } = useSession();
  useSignInFormEarly(session);
  // Until signed in, the title is the app's; once in, the open room's or the directory's,
  // with the unread count (AttentionTitle, in RoomView and ChatShell).
  const title = <title>Parley</title>;
  if (session.status === "loading") {
    return (
      <div className="grid h-dvh place-items-center text-sm text-muted" aria-busy="true">
        {title}
        Loading Parley…
      </div>
    );
  }
  if (session.status === "signed-out") {
    return (
      <>
        {title}
        <SignInForm slug={slug} notice={session.notice} />
      </>
    );
  }
  return <ChatShell slug={slug} invite={invite} user={session.user} account={session.account} />;
}
