import type { IncomingMessage } from "node:http";
import type { UserSummary } from "../contract/model";
import { ConnectionLimits } from "./connection-limits";
import { isAllowedOrigin } from "./origin";
import { RateLimits, scaledBudgets } from "./rate-limits";

export interface SecurityOptions {
  /** ALLOWED_ORIGINS; empty means the server's own origin only. */
  allowedOrigins?: string[];
  /** Take the client address from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy?: boolean;
  /** Multiplies every rate budget. */
  rateLimitScale?: number;
  maxConnectionsPerUser?: number;
  maxConnectionsPerIp?: number;
  /** A connected node-redis client: rate budgets shared by every node. */
  redis?: unknown;
  /** The prefix of the budgets' Redis keys (REDIS_PREFIX). */
  redisPrefix?: string;
}

/**
 * What Parley allows whom, and how often: the one place every entry point (Socket.IO, the
 * HTTP routes, later the bot gateway) asks before acting.
 */
export class SecurityPolicy {
  readonly limits: RateLimits;
  readonly connections: ConnectionLimits;
  private readonly allowedOrigins: string[];
  private readonly trustProxy: boolean;

  constructor(options: SecurityOptions = {}) {
    this.allowedOrigins = options.allowedOrigins ?? [];
    this.trustProxy = options.trustProxy ?? false;
    this.limits = new RateLimits(scaledBudgets(options.rateLimitScale ?? 1), options.redis, options.redisPrefix);
    this.connections = new ConnectionLimits(options.maxConnectionsPerUser, options.maxConnectionsPerIp);
  }

  originAllowed(req: IncomingMessage): boolean {
    return isAllowedOrigin(req, this.allowedOrigins);
  }

  /** The client's address: the socket's, or the first X-Forwarded-For hop behind a trusted proxy. */
  clientIp(req: IncomingMessage): string {
    if (this.trustProxy) {
      const forwarded = req.headers["x-forwarded-for"];
      const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
      if (first) return first;
    }
    return req.socket.remoteAddress ?? "unknown";
  }

  async beforeMessage(user: UserSummary, ip: string): Promise<void> {
    await this.limits.require("messagePerUser", user.id, "messages");
    await this.limits.require("messagePerIp", ip, "messages from your network");
  }

  beforeRoomCreate(user: UserSummary): Promise<void> {
    return this.limits.require("roomCreatePerUser", user.id, "new rooms this hour");
  }

  beforeSignIn(ip: string): Promise<void> {
    return this.limits.require("signInPerIp", ip, "sign-ins from your network");
  }

  /** Password guessing: limited per address and per username, whoever is asking. */
  async beforePasswordAttempt(ip: string, username: string): Promise<void> {
    await this.beforeSignIn(ip);
    await this.limits.require("passwordPerUsername", username.trim().toLowerCase(), "sign-in attempts for this username");
  }
}
