"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import type { AccountInfo, UserSummary } from "@/server/contract/model";

export type SessionState =
  | { status: "loading" }
  | { status: "signed-out"; notice?: string }
  | { status: "signed-in"; user: UserSummary; account: AccountInfo };

interface SessionApi {
  session: SessionState;
  /** Starts a guest session; resolves with an error message to show, or null on success. */
  continueAsGuest(displayName: string): Promise<string | null>;
  /** Signs in to an account; resolves with an error message, or null. */
  signIn(username: string, password: string): Promise<string | null>;
  /**
   * Creates an account. From a guest session the guest becomes that account, keeping their
   * name and history. Resolves with an error message, or null.
   */
  createAccount(username: string, password: string, displayName?: string): Promise<string | null>;
  signOut(): Promise<void>;
  /** The server refused the session (expired, signed out elsewhere). */
  sessionEnded(notice: string): void;
  /** One's display name changed (Settings, or another tab): the page shows the new one. */
  renamed(user: UserSummary): void;
}

const SessionContext = createContext<SessionApi | null>(null);

interface SignedIn {
  user: UserSummary;
  account: AccountInfo;
}

/** Who the user is, from the HTTP-only session cookie (asked of `/api/session`). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionState>({ status: "loading" });

  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      try {
        const res = await fetch("/api/session", { cache: "no-store" });
        const body = res.ok ? ((await res.json()) as SignedIn) : null;
        if (!cancelled) setSession(body ? { status: "signed-in", user: body.user, account: body.account } : { status: "signed-out" });
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

  const post = useCallback(async (path: string, body: unknown) => {
    try {
      const res = await fetch(path, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      const reply = (await res.json()) as Partial<SignedIn> & { error?: { message: string } };
      if (!res.ok || !reply.user || !reply.account) return reply.error?.message ?? "Something went wrong. Try again.";
      setSession({ status: "signed-in", user: reply.user, account: reply.account });
      return null;
    } catch {
      return "Could not reach the server. Check your connection and try again.";
    }
  }, []);

  const continueAsGuest = useCallback((displayName: string) => post("/api/session", { displayName }), [post]);
  const signIn = useCallback((username: string, password: string) => post("/api/account/sign-in", { username, password }), [post]);
  const createAccount = useCallback(
    (username: string, password: string, displayName?: string) =>
      post("/api/account/sign-up", { username, password, ...(displayName ? { displayName } : {}) }),
    [post],
  );

  const signOut = useCallback(async () => {
    await fetch("/api/session", { method: "DELETE" }).catch(() => undefined);
    setSession({ status: "signed-out" });
  }, []);

  const sessionEnded = useCallback((notice: string) => setSession({ status: "signed-out", notice }), []);
  const renamed = useCallback(
    (user: UserSummary) => setSession((now) => (now.status === "signed-in" && now.user.id === user.id && now.user.name !== user.name ? { ...now, user: { ...now.user, name: user.name } } : now)),
    [],
  );

  const api = useMemo(
    () => ({ session, continueAsGuest, signIn, createAccount, signOut, sessionEnded, renamed }),
    [session, continueAsGuest, signIn, createAccount, signOut, sessionEnded, renamed],
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
