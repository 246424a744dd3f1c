"use client";

import { useEffect } from "react";
import type { SessionState } from "@/app/hooks/session-context";
import { onDemand } from "./on-demand";

/**
 * The sign-in form, loaded only for someone signed out (most visits are by people signed
 * in, whose device shows them at once): its code is asked for as soon as the device says
 * it keeps nobody, while the server is still being asked about the session.
 */
export const SignInForm = onDemand(
  () => import("./sign-in-form").then((m) => m.SignInForm),
  () => true,
  <div className="grid h-dvh place-items-center text-sm text-muted" aria-busy="true">
    Loading Parley…
  </div>,
);

export function useSignInFormEarly(session: SessionState): void {
  const likely = session.status === "signed-out" || (session.status === "loading" && session.nobodyOnDevice === true);
  useEffect(() => {
    if (likely) void SignInForm.load();
  }, [likely]);
}
