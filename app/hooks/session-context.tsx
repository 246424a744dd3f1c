"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import type { AccountInfo, UserSummary } from "@/server/contract/model";
import { firstIdentityRead, indexedDbLocalBackend, onSignedOutElsewhere, wipeDevice } from "@/app/lib/local-store-browser";

export type SessionState =
  /** `nobodyOnDevice`: the device keeps no identity; the server has not answered yet (the sign-in form is likely). */
  | { status: "loading"; nobodyOnDevice?: true }
  | { status: "signed-out"; notice?: string }
  /** `unconfirmed`: read from the device, the server has not answered yet (a warm open, or offline). */
  | { status: "signed-in"; user: UserSummary; account: AccountInfo; unconfirmed?: true };

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

/** The device's record of who signed in last (display only: the server's cookie decides). */
const identities = () => indexedDbLocalBackend();

/**
 * Remembers who signed in on this device; a different person than the last one: the last
 * one's rooms and histories leave the device first.
 */
async function remember(identity: SignedIn): Promise<void> {
  const backend = identities();
  const before = await backend.getIdentity().catch(() => undefined);
  if (before && before.user.id !== identity.user.id) await backend.clearOthers(identity.user.id).catch(() => undefined);
  await backend.putIdentity(identity).catch(() => undefined);
}

export const SESSION_ENDED_NOTICE = "Your session has ended. Sign in again: anything you wrote meanwhile waits on this device and is sent then.";

/**
 * Who the user is, from the HTTP-only session cookie (asked of `/api/session`). A warm open
 * does not wait for that answer: the identity last signed in on this device is shown at
 * once (`offline` until the server confirms it), so the app opens from the device with a
 * slow server or none; the server's answer then confirms it, or ends it (the session
 * expired: the local store and the outbox stay for when the same person signs in again).
 */
/** `known` when it says the same as `fresh` (plain JSON records), else `fresh`. */
const same = <T,>(known: T, fresh: T): T => (JSON.stringify(known) === JSON.stringify(fresh) ? known : fresh);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionState>({ status: "loading" });

  useEffect(() => {
    let cancelled = false;
    let answered = false;
    let fromDevice = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    void firstIdentityRead()
      .then((identity) => {
        if (cancelled || answered) return;
        if (!identity) {
          setSession((now) => (now.status === "loading" ? { status: "loading", nobodyOnDevice: true } : now));
          return;
        }
        fromDevice = true;
        setSession({ status: "signed-in", user: identity.user, account: identity.account, unconfirmed: true });
      })
      .catch(() => undefined);
    const load = async () => {
      try {
        const res = await fetch("/api/session", { cache: "no-store" });
        if (res.ok) {
          const body = (await res.json()) as SignedIn;
          answered = true;
          await remember(body);
          // The same person as the device said: the same objects, so that what shows them
          // (the room opened from the device) is not rendered again for nothing.
          if (!cancelled)
            setSession((now) =>
              now.status === "signed-in"
                ? { status: "signed-in", user: same(now.user, body.user), account: same(now.account, body.account) }
                : { status: "signed-in", user: body.user, account: body.account },
            );
          return;
        }
        if (res.status !== 401 && res.status !== 403 && fromDevice) throw new Error(`session: ${res.status}`);
        answered = true;
        if (!cancelled) setSession(fromDevice ? { status: "signed-out", notice: SESSION_ENDED_NOTICE } : { status: "signed-out" });
      } catch {
        // Offline, or the server is restarting: the device's identity stays; ask again shortly.
        if (!cancelled) retry = setTimeout(load, 2000);
      }
    };
    void load();
    return () => {
      cancelled = true;
      clearTimeout(retry);
    };
  }, []);

  // Signed out in another tab: this one shows the sign-in form too (its stores stopped first).
  useEffect(
    () =>
      onSignedOutElsewhere((userId) =>
        setSession((now) => (now.status === "signed-in" && now.user.id === userId ? { status: "signed-out", notice: "You were signed out." } : now)),
      ),
    [],
  );

  const post = useCallback(async (path: string, body: unknown) => {
    try {
      const res = await fetch(path, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      const reply = (await res.json()) as Partial<SignedIn> & { error?: { message: string } };
      if (!res.ok || !reply.user || !reply.account) return reply.error?.message ?? "Something went wrong. Try again.";
      await remember({ user: reply.user, account: reply.account });
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
    const userId = session.status === "signed-in" ? session.user.id : null;
    // What this person kept on the device goes first (it works offline too), then the session.
    if (userId) await wipeDevice(userId);
    await fetch("/api/session", { method: "DELETE" }).catch(() => undefined);
    setSession({ status: "signed-out" });
  }, [session]);

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
