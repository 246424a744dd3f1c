import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { UserSummary } from "../contract/model";
import { displayNameSchema } from "../contract/schemas";
import type { SessionRepository } from "../store/repositories";
import { DomainError } from "./errors";

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface IssuedSession {
  /** The secret for the cookie. Never stored: the database keeps its SHA-256 only. */
  token: string;
  user: UserSummary;
  sessionId: string;
  expiresAt: Date;
}

export interface AuthenticatedSession {
  user: UserSummary;
  sessionId: string;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * Guest sessions. A session row points at a user; accounts later attach credentials to the
 * same user, so what a guest wrote stays theirs.
 */
export class SessionService {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async startGuest(rawDisplayName: unknown): Promise<IssuedSession> {
    const parsed = displayNameSchema.safeParse({ displayName: rawDisplayName });
    if (!parsed.success) {
      throw new DomainError("invalid_payload", parsed.error.issues[0]?.message ?? "Invalid display name");
    }
    const token = randomBytes(32).toString("base64url");
    const user = { id: randomUUID(), name: parsed.data.displayName.replace(/\s+/g, " ") };
    const sessionId = randomUUID();
    const expiresAt = new Date(this.now().getTime() + SESSION_TTL_MS);
    await this.sessions.createGuest({ user, sessionId, tokenHash: hashToken(token), expiresAt });
    return { token, user, sessionId, expiresAt };
  }

  /** The session for a cookie token, or null if unknown or expired. */
  async authenticate(token: string | undefined): Promise<AuthenticatedSession | null> {
    if (!token || token.length > 200) return null;
    const found = await this.sessions.findByTokenHash(hashToken(token));
    if (!found || found.expiresAt.getTime() <= this.now().getTime()) return null;
    return { user: found.user, sessionId: found.sessionId };
  }

  end(sessionId: string): Promise<void> {
    return this.sessions.delete(sessionId);
  }
}
