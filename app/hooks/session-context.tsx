"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import type { UserSummary } from "@/server/contract/model";

export type SessionState =
  | { status: "loading" }
  | { status: "signed-out"; notice?: string }
  | { status: "signed-in"; user: UserSummary };

interface SessionApi {
  session: SessionState;
  /** Starts a guest session; resolves with an error message to show, or null on success. */
  continueAsGuest(displayName: string): Promise<string | null>;
  signOut(): Promise<void>;
  /** The server refused the session (expired, signed out elsewhere). */
  sessionEnded(notice: string): void;
}

const SessionContext = createContext<SessionApi | null>(null);

/** Who the user is, from the HTTP-only session cookie (asked of `/api/session`). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionState>({ status: "loading" });

  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      try {
        const res = await fetch("/api/session", { cache: "no-store" });
        const body = res.ok ? ((await res.json()) as { user: UserSummary }) : null;
        if (!cancelled) setSession(body ? { status: "signed-in", user: body.user } : { status: "signed-out" });
      } catch {
        // Offline on first load: retry shortly rather than showing a sign-in form to a signed-in user.
        if (!cancelled) setTimeout(load, 2000);
      }
    };
    void load();
    return () => {
      cancelled = true;
    };
  }, []);

  const continueAsGuest = useCallback(async (displayName: string) => {
    try {
      const res = await fetch("/api/session", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ displayName }),
      });
      const body = (await res.json()) as { user?: UserSummary; error?: { message: string } };
      if (!res.ok || !body.user) return body.error?.message ?? "Could not start a session.";
      setSession({ status: "signed-in", user: body.user });
      return null;
    } catch {
      return "Could not reach the server. Check your connection and try again.";
    }
  }, []);

  const signOut = useCallback(async () => {
    await fetch("/api/session", { method: "DELETE" }).catch(() => undefined);
    setSession({ status: "signed-out" });
  }, []);

  const sessionEnded = useCallback((notice: string) => setSession({ status: "signed-out", notice }), []);

  const api = useMemo(
    () => ({ session, continueAsGuest, signOut, sessionEnded }),
    [session, continueAsGuest, signOut, sessionEnded],
  );
  return <SessionContext.Provider value={api}>{children}</SessionContext.Provider>;
}

/**
 * @example
 * const { session, continueAsGuest } = useSession();
 * if (session.status === "signed-in") greet(session.user.name);
 */
export function useSession(): SessionApi {
  const api = useContext(SessionContext);
  if (!api) throw new Error("useSession must be used inside <SessionProvider>");
  return api;
}

/** The signed-in user; only for components rendered behind the sign-in gate. */
export function useCurrentUser(): UserSummary {
  const { session } = useSession();
  if (session.status !== "signed-in") throw new Error("useCurrentUser needs a signed-in session");
  return session.user;
}
