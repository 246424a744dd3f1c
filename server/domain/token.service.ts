import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { ApiTokenSummary, UserSummary } from "../contract/model";
import type { Db } from "../store/prisma";
import { DomainError } from "./errors";


const MAX_TOKENS = 20;
const hash = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * Personal API tokens for bots and scripts. A token is `prl_` + 256 random bits, shown once;
 * the database keeps its SHA-256. Accounts only: a guest has no way back to their tokens.
 */
export class TokenService {
  constructor(private readonly db: Db) {}

  async create(user: UserSummary, rawName: string): Promise<{ token: string; summary: ApiTokenSummary }> {
    const name = rawName.replace(/\s+/g, " ").trim();
    if (name.length === 0 || name.length > 60) throw new DomainError("invalid_payload", "Name the token (1 to 60 characters).");
    const owner = await this.db.user.findUnique({ where: { id: user.id }, select: { isAnonymous: true } });
    if (!owner || owner.isAnonymous) throw new DomainError("forbidden", "Create an account first: guests cannot have API tokens.");
    if ((await this.db.apiToken.count({ where: { userId: user.id, revokedAt: null } })) >= MAX_TOKENS) {
      throw new DomainError("invalid_payload", `At most ${MAX_TOKENS} tokens; revoke one first.`);
    }
    const token = `prl_${randomBytes(32).toString("base64url")}`;
    const row = await this.db.apiToken.create({
      data: { id: randomUUID(), userId: user.id, name, prefix: token.slice(0, 10), tokenHash: hash(token) },
    });
    return { token, summary: toSummary(row) };
  }

  async list(user: UserSummary): Promise<ApiTokenSummary[]> {
    const rows = await this.db.apiToken.findMany({ where: { userId: user.id, revokedAt: null }, orderBy: { createdAt: "asc" } });
    return rows.map(toSummary);
  }

  async revoke(user: UserSummary, id: string): Promise<void> {
    const { count } = await this.db.apiToken.updateMany({ where: { id, userId: user.id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) throw new DomainError("not_found", "No such token.");
  }

  /** The user a token belongs to (and the token's id), or null if it is unknown or revoked. */
  async authenticate(token: string): Promise<{ user: UserSummary; tokenId: string } | null> {
    if (!token.startsWith("prl_") || token.length > 100) return null;
    const row = await this.db.apiToken.findUnique({
      where: { tokenHash: hash(token) },
      select: { id: true, revokedAt: true, user: { select: { id: true, name: true } } },
    });
    if (!row || row.revokedAt) return null;
    await this.db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
    return { user: { id: row.user.id, name: row.user.name }, tokenId: row.id };
  }

  /** Whether a token is still valid (checked periodically for open gateway connections). */
  async stillValid(tokenIds: string[]): Promise<Set<string>> {
    const rows = await this.db.apiToken.findMany({ where: { id: { in: tokenIds }, revokedAt: null }, select: { id: true } });
    return new Set(rows.map((r) => r.id));
  }
}

function toSummary(row: { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null }): ApiTokenSummary {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}
