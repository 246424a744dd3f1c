import type { IncomingMessage } from "node:http";
import type { UserSummary } from "../contract/model";
import { ConnectionLimits } from "./connection-limits";
import { isAllowedOrigin } from "./origin";
import { RateLimits, scaledBudgets, type BudgetName } from "./rate-limits";
import { clientAddress, clientScheme, compileTrust, parseTrustProxy, type TrustProxy } from "./trust-proxy";

export interface SecurityOptions {
  /** ALLOWED_ORIGINS; empty means the server's own origin only. */
  allowedOrigins?: string[];
  /**
   * TRUST_PROXY: which proxies in front may report the client's address (X-Forwarded-For,
   * read from the right) and scheme (X-Forwarded-Proto). `true` is one hop; a number is that
   * many hops; a list names the proxies' addresses or CIDRs (security/trust-proxy.ts).
   */
  trustProxy?: boolean | number | string | TrustProxy;
  /** Multiplies every rate budget. */
  rateLimitScale?: number;
  /** Uploads per user per minute (before the scale). */
  uploadsPerMinute?: number;
  maxConnectionsPerUser?: number;
  maxConnectionsPerIp?: number;
  /** A connected node-redis client: rate budgets shared by every node. */
  redis?: unknown;
  /** The prefix of the budgets' Redis keys (REDIS_PREFIX). */
  redisPrefix?: string;
  /** Hears every refusal by a spent budget (metrics: `parley_rate_limited_total`). */
  onRateLimited?: (budget: BudgetName) => void;
}

/**
 * What Parley allows whom, and how often: the one place every entry point (Socket.IO, the
 * HTTP routes, later the bot gateway) asks before acting.
 */
export class SecurityPolicy {
  readonly limits: RateLimits;
  readonly connections: ConnectionLimits;
  private readonly allowedOrigins: string[];
  private readonly trust: (addr: string, hop: number) => boolean;

  constructor(options: SecurityOptions = {}) {
    this.allowedOrigins = options.allowedOrigins ?? [];
    const trust = options.trustProxy;
    this.trust = compileTrust(Array.isArray(trust) ? trust : parseTrustProxy(trust));
    this.limits = new RateLimits(scaledBudgets(options.rateLimitScale ?? 1, options.uploadsPerMinute ? { uploadPerUser: options.uploadsPerMinute } : {}), options.redis, options.redisPrefix, options.onRateLimited);
    this.connections = new ConnectionLimits(options.maxConnectionsPerUser, options.maxConnectionsPerIp);
  }

  originAllowed(req: IncomingMessage): boolean {
    return isAllowedOrigin(req, this.allowedOrigins, clientScheme(req, this.trust));
  }

  /**
   * The client's address: the socket's, or, behind trusted proxies, the nearest
   * X-Forwarded-For entry that is not a trusted hop (never what the client wrote itself).
   */
  clientIp(req: IncomingMessage): string {
    return clientAddress(req, this.trust);
  }

  async beforeMessage(user: UserSummary, ip: string): Promise<void> {
    await this.limits.require("messagePerUser", user.id, "messages");
    await this.limits.require("messagePerIp", ip, "messages from your network");
  }

  /** Edits, deletions and reactions: a budget of their own, and the address's message budget. */
  async beforeChange(user: UserSummary, ip: string): Promise<void> {
    await this.limits.require("changePerUser", user.id, "changes");
    await this.limits.require("messagePerIp", ip, "messages from your network");
  }

  /** `@room`: a few per user in ten minutes, on top of the message budget. */
  beforeRoomMention(user: UserSummary): Promise<void> {
    return this.limits.require("roomMentionPerUser", user.id, "@room mentions");
  }

  async beforeSearch(user: UserSummary, ip: string): Promise<void> {
    await this.limits.require("searchPerUser", user.id, "searches");
    await this.limits.require("searchPerIp", ip, "searches from your network");
  }

  /** An invite, a notify level, a block: settings, a budget of their own. */
  beforeSetting(user: UserSummary): Promise<void> {
    return this.limits.require("settingPerUser", user.id, "changes to your settings");
  }

  beforeReadMark(user: UserSummary): Promise<void> {
    return this.limits.require("readMarkPerUser", user.id, "read positions");
  }

  beforeDirectStart(user: UserSummary): Promise<void> {
    return this.limits.require("directStartPerUser", user.id, "new direct conversations this hour");
  }

  /** A file upload (its retry with the same id is counted too: it is one request). */
  beforeUpload(user: UserSummary): Promise<void> {
    return this.limits.require("uploadPerUser", user.id, "uploads");
  }

  beforePushSubscribe(user: UserSummary): Promise<void> {
    return this.limits.require("pushSubscribePerUser", user.id, "new push subscriptions this hour");
  }

  beforeReport(user: UserSummary): Promise<void> {
    return this.limits.require("reportPerUser", user.id, "reports this hour");
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
