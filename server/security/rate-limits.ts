import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { FILE_LIMIT_DEFAULTS } from "../contract/files";
import { LIMITS } from "../contract/limits";
import { DomainError } from "../domain/errors";

/**
 * Parley's budgets: `points` actions per `duration` seconds. Per user limits count every
 * socket of that user together; per IP limits catch many accounts behind one address.
 * RATE_LIMIT_SCALE multiplies every budget (a trusted network, or a test run).
 */
export const DEFAULT_BUDGETS = {
  /** Messages from one user, all their sockets together. */
  messagePerUser: { points: LIMITS.messageBudget.points, duration: LIMITS.messageBudget.seconds },
  /** Edits, deletions and reactions from one user, all their connections together. */
  changePerUser: { points: LIMITS.changeBudget.points, duration: LIMITS.changeBudget.seconds },
  /** Messages from one IP address. */
  messagePerIp: { points: 120, duration: 10 },
  /** `@room` (notifies everyone who follows the room) from one user. */
  roomMentionPerUser: { points: 3, duration: 600 },
  /** Searches from one user, all their connections and bots together. */
  searchPerUser: { points: 20, duration: 10 },
  /** Searches from one address: many guests behind one address share it. */
  searchPerIp: { points: 60, duration: 10 },
  /** New or changed Web Push subscriptions from one user per hour (the same one again is free). */
  pushSubscribePerUser: { points: 10, duration: 3600 },
  /** Invites made, notify levels set, people blocked or unblocked: one user's settings per minute. */
  settingPerUser: { points: 30, duration: 60 },
  /** Read positions reported by one user (every tab, a few a second at most each). */
  readMarkPerUser: { points: 100, duration: 10 },
  /** New direct conversations one user starts per hour (writing in existing ones is a message). */
  directStartPerUser: { points: 20, duration: 3600 },
  /** Rooms created by one user per hour. */
  roomCreatePerUser: { points: 10, duration: 3600 },
  /** Reports of messages: a flood of them would bury the moderators' queue. */
  reportPerUser: { points: LIMITS.reportBudget.points, duration: LIMITS.reportBudget.seconds },
  /** Socket handshakes from one IP address. */
  handshakePerIp: { points: 60, duration: 60 },
  /** Sign-ins and sign-ups (guest sessions, accounts, password attempts) from one IP address. */
  signInPerIp: { points: 20, duration: 600 },
  /** Password attempts on one username, from anywhere: slows down guessing. */
  passwordPerUsername: { points: 5, duration: 900 },
  /** Any event from one socket: a flood limit under the specific ones. */
  eventPerSocket: { points: 100, duration: 1 },
  /** File uploads per user per minute (FILE_UPLOADS_PER_MINUTE sets it). */
  uploadPerUser: { points: FILE_LIMIT_DEFAULTS.uploadsPerMinute, duration: 60 },
  /** Refusals one socket may collect before it is disconnected as abusive. */
  refusalPerSocket: { points: 2000, duration: 30 },
} as const;

export type BudgetName = keyof typeof DEFAULT_BUDGETS;
export type Budgets = Record<BudgetName, { points: number; duration: number }>;

export function scaledBudgets(scale = 1, overrides: Partial<Record<BudgetName, number>> = {}): Budgets {
  const out = {} as Budgets;
  for (const [name, b] of Object.entries(DEFAULT_BUDGETS) as Array<[BudgetName, { points: number; duration: number }]>) {
    out[name] = { points: Math.max(1, Math.round((overrides[name] ?? b.points) * scale)), duration: b.duration };
  }
  return out;
}

/** Budgets counted per socket live in this process even when Redis is configured. */
const LOCAL_ONLY: ReadonlySet<BudgetName> = new Set(["eventPerSocket", "refusalPerSocket"]);

/**
 * Named limiters over rate-limiter-flexible: in memory by default; with a Redis client
 * (REDIS_URL), the per-user and per-IP budgets are shared by every node.
 */
export class RateLimits {
  private readonly limiters: Record<BudgetName, RateLimiterAbstract>;

  constructor(
    readonly budgets: Budgets = scaledBudgets(),
    redis?: unknown,
    prefix = "parley",
    private readonly onLimited?: (name: BudgetName) => void,
  ) {
    this.limiters = {} as Record<BudgetName, RateLimiterAbstract>;
    for (const name of Object.keys(budgets) as BudgetName[]) {
      const opts = { keyPrefix: `${prefix}:rl:${name}`, ...budgets[name] };
      this.limiters[name] =
        redis && !LOCAL_ONLY.has(name)
          ? new RateLimiterRedis({ ...opts, storeClient: redis, useRedisPackage: true, insuranceLimiter: new RateLimiterMemory(opts) })
          : new RateLimiterMemory(opts);
    }
  }

  /** Spends one point; resolves with the wait in ms when the budget is spent, else null. */
  async take(name: BudgetName, key: string): Promise<number | null> {
    try {
      await this.limiters[name].consume(key);
      return null;
    } catch (res) {
      if (res instanceof RateLimiterRes) {
        this.onLimited?.(name);
        return Math.max(1, res.msBeforeNext);
      }
      throw res;
    }
  }

  /** Like `take`, but refuses with a `rate_limited` DomainError that says how long to wait. */
  async require(name: BudgetName, key: string, what: string): Promise<void> {
    const waitMs = await this.take(name, key);
    if (waitMs !== null) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new DomainError("rate_limited", `Slow down: too many ${what}. Try again in ${seconds} s.`);
    }
  }
}
