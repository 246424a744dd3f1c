import { person, type UserSummary } from "../../contract/model";
import type { HandshakeSessionRow, PushSubscriptionRepository, SessionStore, StoredPushSubscription, StoredToken, TokenRepository } from "../ports";

/** Users and sessions as Better Auth would have written them (tests make them). */
export class MemoryAccountData {
  readonly users = new Map<string, { id: string; name: string; guest: boolean; username: string | null; createdAt?: Date }>();
  readonly sessions = new Map<string, { id: string; token: string; userId: string; expiresAt: Date; updatedAt?: Date }>();
  readonly subscriptions = new Map<string, StoredPushSubscription>();
  /** Each user's avatar now (the file store's: memoryRepositories wires it). */
  avatarOf: (userId: string) => string | undefined = () => undefined;
  /** Forgets a user's avatar (an anonymised guest; memoryRepositories wires it). */
  forgetAvatar?: (userId: string) => void;
}

/** Sessions in process (unit tests); the same contract as the database stores. */
export class MemorySessionStore implements SessionStore {
  constructor(private readonly data: MemoryAccountData) {}

  async byTokens(tokens: readonly string[], now: Date): Promise<HandshakeSessionRow[]> {
    const wanted = new Set(tokens);
    return [...this.data.sessions.values()].flatMap((s) => {
      const user = this.data.users.get(s.userId);
      if (!wanted.has(s.token) || s.expiresAt <= now || !user) return [];
      return [{ id: s.id, token: s.token, user: { id: user.id, name: user.name, image: this.data.avatarOf(user.id) ?? null, isAnonymous: user.guest, username: user.username, displayUsername: user.username } }];
    });
  }

  async live(ids: readonly string[], now: Date): Promise<Set<string>> {
    return new Set(ids.filter((id) => (this.data.sessions.get(id)?.expiresAt ?? now) > now));
  }

  async usernameTaken(username: string): Promise<boolean> {
    return [...this.data.users.values()].some((u) => u.username === username);
  }

  async replace(from: string, to: string): Promise<void> {
    for (const sub of this.data.subscriptions.values()) if (sub.sessionId === from) sub.sessionId = to;
    this.data.sessions.delete(from);
  }

  async endAll(userId: string, except?: string): Promise<number> {
    for (const s of [...this.data.subscriptions.values()]) if (s.userId === userId && s.sessionId !== except) this.data.subscriptions.delete(s.id);
    const mine = [...this.data.sessions.values()].filter((s) => s.userId === userId && s.id !== except);
    for (const s of mine) this.data.sessions.delete(s.id);
    return mine.length;
  }
}

/** API tokens in process (unit tests). */
export class MemoryTokenStore implements TokenRepository {
  private readonly tokens = new Map<string, StoredToken & { tokenHash: string; revokedAt: Date | null }>();

  constructor(private readonly data: MemoryAccountData) {}

  async isGuest(userId: string): Promise<boolean | null> {
    return this.data.users.get(userId)?.guest ?? null;
  }

  async active(userId: string): Promise<StoredToken[]> {
    return [...this.tokens.values()]
      .filter((t) => t.userId === userId && !t.revokedAt)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
      .map(stored);
  }

  async create(token: { id: string; userId: string; name: string; prefix: string; tokenHash: string; createdAt: Date }): Promise<StoredToken> {
    if ([...this.tokens.values()].some((t) => t.tokenHash === token.tokenHash)) throw new Error("token hash already stored");
    const row = { ...token, lastUsedAt: null, revokedAt: null };
    this.tokens.set(token.id, row);
    return stored(row);
  }

  async revoke(userId: string, id: string, at: Date): Promise<boolean> {
    const t = this.tokens.get(id);
    if (!t || t.userId !== userId || t.revokedAt) return false;
    t.revokedAt = at;
    return true;
  }

  async revokeAll(userId: string, at: Date): Promise<number> {
    const mine = [...this.tokens.values()].filter((t) => t.userId === userId && !t.revokedAt);
    for (const t of mine) t.revokedAt = at;
    return mine.length;
  }

  async use(tokenHash: string, at: Date): Promise<{ id: string; user: UserSummary } | null> {
    const t = [...this.tokens.values()].find((x) => x.tokenHash === tokenHash);
    const user = t && this.data.users.get(t.userId);
    if (!t || t.revokedAt || !user) return null;
    t.lastUsedAt = at;
    return { id: t.id, user: person(user.id, user.name, this.data.avatarOf(user.id)) };
  }

  async stillActive(ids: readonly string[]): Promise<Set<string>> {
    return new Set(ids.filter((id) => this.tokens.has(id) && !this.tokens.get(id)!.revokedAt));
  }
}

const stored = (t: StoredToken): StoredToken => ({ id: t.id, userId: t.userId, name: t.name, prefix: t.prefix, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt });

/** Web Push subscriptions in process (unit tests). */
export class MemoryPushSubscriptionStore implements PushSubscriptionRepository {
  constructor(private readonly data: MemoryAccountData) {}

  async byEndpoint(endpoint: string): Promise<StoredPushSubscription | null> {
    const sub = [...this.data.subscriptions.values()].find((s) => s.endpoint === endpoint);
    return sub ? { ...sub } : null;
  }

  async save(sub: StoredPushSubscription, keep: number): Promise<void> {
    const known = [...this.data.subscriptions.values()].find((s) => s.endpoint === sub.endpoint);
    if (known) this.data.subscriptions.delete(known.id);
    this.data.subscriptions.set(known?.id ?? sub.id, { ...sub, id: known?.id ?? sub.id });
    const mine = [...this.data.subscriptions.values()]
      .filter((s) => s.userId === sub.userId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id));
    for (const s of mine.slice(keep)) this.data.subscriptions.delete(s.id);
  }

  async forUser(userId: string, now: Date): Promise<StoredPushSubscription[]> {
    return [...this.data.subscriptions.values()].filter((s) => s.userId === userId && (this.data.sessions.get(s.sessionId)?.expiresAt ?? now) > now).map((s) => ({ ...s }));
  }

  async remove(userId: string, endpoint: string): Promise<void> {
    for (const s of [...this.data.subscriptions.values()]) if (s.userId === userId && s.endpoint === endpoint) this.data.subscriptions.delete(s.id);
  }

  async removeById(id: string): Promise<void> {
    this.data.subscriptions.delete(id);
  }
}
