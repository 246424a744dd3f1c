import { createHmac, timingSafeEqual } from "node:crypto";
import { APIError } from "better-auth/api";
import { parseCookies } from "better-call";
import { person, type AccountInfo, type UserSummary } from "../contract/model";
import { changePasswordSchema, displayNameSchema, passwordSchema, signInSchema, signUpSchema } from "../contract/schemas";
import type { BetterAuth } from "../auth/better-auth";
import { perTurnBatch } from "../store/batch";
import type { SessionStore } from "../store/ports";
import type { AddressBook } from "./address-book";
import { DomainError } from "./errors";

export interface AuthResult {
  user: UserSummary;
  account: AccountInfo;
  /** Set-Cookie headers to pass on to the browser (none when the session is unchanged). */
  setCookie: string[];
  /** A guest who became an account: the session that ended and the one that replaced it. */
  rotated?: { from: string; to: string };
}

export interface AuthenticatedSession {
  user: UserSummary;
  account: AccountInfo;
  sessionId: string;
}

type BetterAuthUser = { id: string; name: string; image?: string | null; isAnonymous?: boolean | null; username?: string | null; displayUsername?: string | null };

const toUser = (u: BetterAuthUser): UserSummary => person(u.id, u.name, u.image);
const toAccount = (u: BetterAuthUser): AccountInfo => ({
  guest: u.isAnonymous === true,
  username: u.displayUsername ?? u.username ?? null,
});
/** Better Auth wants an email for every user; Parley's accounts are username-only. */
const placeholderEmail = (username: string) => `${username.toLowerCase()}@users.parley.invalid`;

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ message: string }> } } }, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new DomainError("invalid_payload", parsed.error.issues[0]?.message ?? "Invalid input");
  return parsed.data;
}

/** Better Auth's refusals, in Parley's codes and words. */
function translate(err: unknown): never {
  if (err instanceof APIError) {
    const code = (err.body as { code?: string } | undefined)?.code ?? "";
    if (code.includes("INVALID_USERNAME_OR_PASSWORD") || code.includes("INVALID_EMAIL_OR_PASSWORD")) {
      throw new DomainError("invalid_credentials", "Wrong username or password.");
    }
    if (code.includes("USERNAME_IS_ALREADY_TAKEN") || code.includes("USER_ALREADY_EXISTS")) {
      throw new DomainError("username_taken", "That username is taken. Try another.");
    }
    if (code.includes("BANNED_USER")) throw new DomainError("forbidden", err.message);
    if (err.statusCode < 500) throw new DomainError("invalid_payload", err.message);
  }
  throw err;
}

/**
 * Who is who: guests, accounts and their sessions, on Better Auth. Guests are Better Auth's
 * anonymous users; creating an account from a guest session upgrades that same user in place
 * (credentials added, username set), so the guest keeps their name and history.
 */
export class AuthService {
  /**
   * Handshake session lookups, one query per turn of the event loop (`perTurnBatch`), read
   * straight from Parley's database: Better Auth's `findSessions` reads each user on its own.
   */
  private readonly handshakeSession = perTurnBatch(async (tokens: string[]) => {
    const rows = await this.sessions.byTokens(tokens, new Date());
    return new Map(rows.map((r) => [r.token, r]));
  });

  constructor(
    private readonly auth: BetterAuth,
    /** Sessions as Parley reads them (the handshake's check: a prepared statement on SQLite). */
    private readonly sessions: SessionStore,
    /** Told of each account made (a guest upgraded included): the first becomes the administrator. */
    private readonly accountCreated: (user: UserSummary, username: string) => Promise<void> = async () => undefined,
    /** Where people come from: a ban's held addresses refuse new guests and accounts (absent: nothing is held). */
    private readonly addresses?: Pick<AddressBook, "requireOpen" | "seen">,
    /** Refuses a new guest while guest access is off (`SettingsService`; absent: guests always come in). */
    private readonly guestsAllowed: () => Promise<void> = async () => undefined,
  ) {}

  /** A new guest from the client address `ip` (refused from an address a ban holds). */
  async startGuest(rawDisplayName: unknown, headers: Headers, ip = ""): Promise<AuthResult> {
    const { displayName } = parse(displayNameSchema, { displayName: rawDisplayName });
    const name = displayName.replace(/\s+/g, " ");
    await this.guestsAllowed();
    await this.addresses?.requireOpen(ip);
    const { response, headers: out } = await this.auth.api
      .signInAnonymous({ headers: withoutSession(headers), returnHeaders: true })
      .catch(translate);
    if (!response) throw new Error("anonymous sign-in returned nothing");
    const ctx = await this.auth.$context;
    await ctx.internalAdapter.updateUser(response.user.id, { name });
    await this.addresses?.seen(response.user.id, ip);
    return { user: { id: response.user.id, name }, account: { guest: true, username: null }, setCookie: out.getSetCookie() };
  }

  /**
   * A new account from `ip`: a guest's session upgrades that guest in place; otherwise a new
   * person, refused from an address a ban holds.
   */
  async signUp(input: unknown, headers: Headers, ip = ""): Promise<AuthResult> {
    const { username, password, displayName } = parse(signUpSchema, input);
    const current = await this.authenticate(headers);
    if (current?.account.guest) return this.upgradeGuest(current, username, password);
    await this.addresses?.requireOpen(ip);
    const { response, headers: out } = await this.auth.api
      .signUpEmail({
        body: { email: placeholderEmail(username), password, name: displayName ?? username, username },
        headers: withoutSession(headers),
        returnHeaders: true,
      })
      .catch(translate);
    await this.accountCreated(toUser(response.user), username);
    await this.addresses?.seen(response.user.id, ip);
    return { user: toUser(response.user), account: toAccount(response.user), setCookie: out.getSetCookie() };
  }

  /** Signs in to an account (from `ip`: noted, never refused for a held address; the account's own ban refuses it). */
  async signIn(input: unknown, headers: Headers, ip = ""): Promise<AuthResult> {
    const { username, password } = parse(signInSchema, input);
    const { response, headers: out } = await this.auth.api
      .signInUsername({ body: { username, password }, headers: withoutSession(headers), returnHeaders: true })
      .catch(translate);
    if (!response) throw new DomainError("invalid_credentials", "Wrong username or password.");
    await this.addresses?.seen(response.user.id, ip);
    return { user: toUser(response.user), account: toAccount(response.user), setCookie: out.getSetCookie() };
  }

  /**
   * Sets an account's password (an administrator's reset; the caller checked who asks) and
   * ends every session of it, so whoever knew the old one is signed out. False for a guest
   * or an unknown user (no password to set).
   */
  async setPassword(userId: string, rawPassword: unknown): Promise<boolean> {
    const password = parse(passwordSchema, rawPassword);
    const ctx = await this.auth.$context;
    if (!(await ctx.internalAdapter.findCredentialAccount(userId))) return false;
    await ctx.internalAdapter.updatePassword(userId, await ctx.password.hash(password));
    await this.sessions.endAll(userId);
    return true;
  }

  /**
   * One's own new password (accounts), through Better Auth's `changePassword` (it checks the
   * current one); every other session of the account ends (their tabs close at the session
   * sweep, their push subscriptions go), this one stays. Resolves how many ended.
   */
  async changePassword(headers: Headers, input: unknown): Promise<{ ended: number }> {
    const { currentPassword, newPassword } = parse(changePasswordSchema, input);
    const current = await this.authenticate(headers);
    if (!current) throw new DomainError("unauthorized", "Not signed in.");
    if (current.account.guest) throw new DomainError("forbidden", "Guests have no password: create an account first.");
    await this.auth.api.changePassword({ body: { currentPassword, newPassword, revokeOtherSessions: false }, headers }).catch((err: unknown) => {
      if (err instanceof APIError && ((err.body as { code?: string } | undefined)?.code ?? "").includes("INVALID_PASSWORD")) {
        throw new DomainError("invalid_credentials", "Your current password is not right.");
      }
      translate(err);
    });
    return { ended: await this.sessions.endAll(current.user.id, current.sessionId) };
  }

  /** One's own display name, as a guest's is checked; resolves the person as others now see them. */
  async rename(user: UserSummary, rawName: unknown): Promise<string> {
    const { displayName } = parse(displayNameSchema, { displayName: rawName });
    const name = displayName.replace(/\s+/g, " ");
    const ctx = await this.auth.$context;
    await ctx.internalAdapter.updateUser(user.id, { name });
    return name;
  }

  /** Ends the session the headers carry; resolves with its id (to close its sockets). */
  async signOut(headers: Headers): Promise<{ sessionId: string | null; setCookie: string[] }> {
    const current = await this.authenticate(headers);
    const { headers: out } = await this.auth.api.signOut({ headers, returnHeaders: true }).catch(() => ({ headers: new Headers() }));
    return { sessionId: current?.sessionId ?? null, setCookie: out.getSetCookie() };
  }

  /** The session for a request's cookie, or null (none, unknown, tampered or expired). */
  async authenticate(headers: Headers): Promise<AuthenticatedSession | null> {
    const found = await this.auth.api.getSession({ headers, query: { disableCookieCache: true } }).catch(() => null);
    if (!found) return null;
    return { user: toUser(found.user), account: toAccount(found.user), sessionId: found.session.id };
  }

  /**
   * The session a WebSocket handshake's cookie names, or null: the same answer as
   * `authenticate`, read fresh from the database on every connection (a recovered one
   * included), without Better Auth's per-request machinery, and batched. It never
   * extends the session: the handshake's response cannot carry the refreshed cookie, so the
   * next HTTP request (`authenticate`) does that.
   */
  async authenticateHandshake(cookieHeader: string | undefined): Promise<AuthenticatedSession | null> {
    if (!cookieHeader) return null;
    const ctx = await this.auth.$context;
    const token = verifiedToken(parseCookies(cookieHeader).get(ctx.authCookies.sessionToken.name), ctx.secret);
    if (!token) return null;
    const found = await this.handshakeSession(token);
    if (!found) return null;
    return { user: toUser(found.user), account: toAccount(found.user), sessionId: found.id };
  }

  /** Of the given session ids, those that still exist and have not expired. */
  async liveSessions(ids: readonly string[]): Promise<Set<string>> {
    return this.sessions.live(ids, new Date());
  }

  private async upgradeGuest(current: AuthenticatedSession, username: string, password: string): Promise<AuthResult> {
    const normalized = username.toLowerCase();
    const ctx = await this.auth.$context;
    if (await this.sessions.usernameTaken(normalized)) {
      throw new DomainError("username_taken", "That username is taken. Try another.");
    }
    const hash = await ctx.password.hash(password);
    try {
      await ctx.internalAdapter.updateUser(current.user.id, {
        username: normalized,
        displayUsername: username,
        isAnonymous: false,
        email: placeholderEmail(normalized),
      });
    } catch (err) {
      if ((err as { code?: string }).code === "P2002") throw new DomainError("username_taken", "That username is taken. Try another.");
      throw err;
    }
    await ctx.internalAdapter.linkAccount({ userId: current.user.id, providerId: "credential", accountId: current.user.id, password: hash });
    // A new session for the account; the guest's ends (its token may have been seen on a
    // shared device). Its Web Push subscriptions move to the new one.
    const { response, headers: out } = await this.auth.api
      .signInUsername({ body: { username, password }, headers: new Headers(), returnHeaders: true })
      .catch(translate);
    const next = response ? await this.authenticate(new Headers({ cookie: out.getSetCookie().map((c) => c.split(";")[0]).join("; ") })) : null;
    if (!next) throw new DomainError("internal", "The account was created, but signing in failed. Sign in with it.");
    await this.sessions.replace(current.sessionId, next.sessionId);
    await this.accountCreated(current.user, username);
    return { user: current.user, account: { guest: false, username }, setCookie: out.getSetCookie(), rotated: { from: current.sessionId, to: next.sessionId } };
  }
}

/**
 * The session token in a signed cookie value (`<token>.<base64 HMAC-SHA256 of token>`, as
 * Better Auth signs it through better-call), or null when it is missing or its signature
 * does not match the secret.
 */
export function verifiedToken(value: string | undefined, secret: string): string | null {
  if (!value) return null;
  const dot = value.lastIndexOf(".");
  if (dot < 1) return null;
  const token = value.slice(0, dot);
  // Compared as text: base64 decoding would also accept stray characters after the padding.
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(createHmac("sha256", secret).update(token).digest("base64"));
  return given.length === expected.length && timingSafeEqual(given, expected) ? token : null;
}

/** Sign-in and sign-up start a new session: the old cookie is not sent along. */
function withoutSession(headers: Headers): Headers {
  const copy = new Headers(headers);
  copy.delete("cookie");
  return copy;
}
