import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { ApiTokenSummary, UserSummary } from "../contract/model";
import type { StoredToken, TokenRepository } from "../store/ports";
import { DomainError } from "./errors";


const MAX_TOKENS = 20;
const hash = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * Personal API tokens for bots and scripts. A token is `prl_` + 256 random bits, shown once;
 * the database keeps its SHA-256. Accounts only: a guest has no way back to their tokens.
 */
export class TokenService {
  constructor(private readonly tokens: TokenRepository) {}

  async create(user: UserSummary, rawName: string): Promise<{ token: string; summary: ApiTokenSummary }> {
    const name = rawName.replace(/\s+/g, " ").trim();
    if (name.length === 0 || name.length > 60) throw new DomainError("invalid_payload", "Name the token (1 to 60 characters).");
    if ((await this.tokens.isGuest(user.id)) !== false) throw new DomainError("forbidden", "Create an account first: guests cannot have API tokens.");
    if ((await this.tokens.active(user.id)).length >= MAX_TOKENS) {
      throw new DomainError("invalid_payload", `At most ${MAX_TOKENS} tokens; revoke one first.`);
    }
    const token = `prl_${randomBytes(32).toString("base64url")}`;
    const row = await this.tokens.create({ id: randomUUID(), userId: user.id, name, prefix: token.slice(0, 10), tokenHash: hash(token), createdAt: new Date() });
    return { token, summary: toSummary(row) };
  }

  async list(user: UserSummary): Promise<ApiTokenSummary[]> {
    return (await this.tokens.active(user.id)).map(toSummary);
  }

  async revoke(user: UserSummary, id: string): Promise<void> {
    if (!(await this.tokens.revoke(user.id, id, new Date()))) throw new DomainError("not_found", "No such token.");
  }

  /** The user a token belongs to (and the token's id), or null if it is unknown or revoked. */
  async authenticate(token: string): Promise<{ user: UserSummary; tokenId: string } | null> {
    if (!token.startsWith("prl_") || token.length > 100) return null;
    const used = await this.tokens.use(hash(token), new Date());
    return used && { user: used.user, tokenId: used.id };
  }

  /** Whether a token is still valid (checked periodically for open gateway connections). */
  async stillValid(tokenIds: string[]): Promise<Set<string>> {
    return this.tokens.stillActive(tokenIds);
  }
}

function toSummary(row: StoredToken): ApiTokenSummary {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}
