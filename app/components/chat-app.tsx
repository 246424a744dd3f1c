"use client";

import { useSession } from "@/app/hooks/session-context";
import { ChatShell } from "./chat-shell";
import { SignInForm } from "./sign-in-form";

/** The whole app behind one gate: a session, or the sign-in form (which then lands here). */
export function ChatApp({ slug, invite }: { slug?: string; invite?: string }) {
  const { session } = useSession();
  // A room's address has no title of its own until the room is open (RoomView names it).
  const title = slug ? <title>Parley</title> : null;
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
