import type { RedisClientType } from "redis";
import { TYPING_TTL_MS } from "../../contract/events";
import { summaryOf, type UserSummary } from "../../contract/model";
import type { TypingStore } from "../ports";
import type { Logger } from "../../logger";

/**
 * Typing shared by every node: per room, a hash of user → { user, until }, the key itself
 * expiring TYPING_TTL_MS after its last write. Like presence, a hint: Redis errors are
 * logged and the live typing:changed broadcasts carry on without it.
 */
export class RedisTypingStore implements TypingStore {
  constructor(
    private readonly redis: RedisClientType,
    private readonly log: Logger,
    private readonly keyPrefix = "parley",
    private readonly ttlMs = TYPING_TTL_MS,
  ) {}

  private key(roomId: string) {
    return `${this.keyPrefix}:typing:{${roomId}}`;
  }

  async start(roomId: string, user: UserSummary): Promise<void> {
    const entry = JSON.stringify({ user: summaryOf(user), until: Date.now() + this.ttlMs });
    await this.redis
      .multi()
      .hSet(this.key(roomId), user.id, entry)
      .pExpire(this.key(roomId), this.ttlMs)
      .exec()
      .catch((err: unknown) => this.log.warn({ err, roomId }, "typing: Redis unreachable"));
  }

  async stop(roomId: string, userId: string): Promise<void> {
    await this.redis.hDel(this.key(roomId), userId).catch((err: unknown) => this.log.warn({ err, roomId }, "typing: Redis unreachable"));
  }

  async list(roomId: string): Promise<UserSummary[]> {
    try {
      const entries = Object.values(await this.redis.hGetAll(this.key(roomId)));
      const now = Date.now();
      return entries.map((json) => JSON.parse(json) as { user: UserSummary; until: number }).filter((e) => e.until > now).map((e) => e.user);
    } catch (err) {
      this.log.warn({ err, roomId }, "typing: Redis unreachable");
      return [];
    }
  }
}
