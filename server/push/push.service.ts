import type { Agent } from "node:https";
import webpush from "web-push";
import type { Logger } from "../logger";
import type { Db } from "../store/prisma";
import type { VapidKeys } from "./vapid";

export interface PushSubscriptionInput {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** What a push shows: the service worker (public/sw.js) turns it into a notification. */
export interface PushPayload {
  title: string;
  body: string;
  /** The message id: a repeat replaces rather than stacks. */
  tag: string;
  /** Where a click goes. */
  url: string;
}

/**
 * Web Push: the browsers' subscriptions (one per browser and user) and sending to them with
 * the `web-push` library, signed with Parley's VAPID key. A subscription the push service
 * says is gone (404 or 410) is deleted; any other failure is logged and the next push tries
 * again.
 */
export class PushService {
  constructor(
    private readonly db: Db,
    private readonly keys: VapidKeys,
    private readonly log: Logger,
    private readonly options: { subject?: string; agent?: Agent; timeoutMs?: number } = {},
  ) {}

  get publicKey(): string {
    return this.keys.publicKey;
  }

  /** Keeps a browser's subscription for the user (a browser that changes user moves with them). */
  async subscribe(userId: string, sub: PushSubscriptionInput): Promise<void> {
    await this.db.pushSubscription.upsert({
      where: { endpoint: sub.endpoint },
      create: { id: crypto.randomUUID(), userId, endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth },
      update: { userId, p256dh: sub.keys.p256dh, auth: sub.keys.auth },
    });
  }

  async unsubscribe(userId: string, endpoint: string): Promise<void> {
    await this.db.pushSubscription.deleteMany({ where: { userId, endpoint } });
  }

  /** Sends to every subscription of these users; resolves with how many went out and how many were pruned. */
  async send(userIds: string[], payload: PushPayload): Promise<{ sent: number; pruned: number }> {
    if (userIds.length === 0) return { sent: 0, pruned: 0 };
    const subs = await this.db.pushSubscription.findMany({ where: { userId: { in: userIds } } });
    let sent = 0;
    let pruned = 0;
    await Promise.all(
      subs.map(async (s) => {
        try {
          await webpush.sendNotification({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, JSON.stringify(payload), {
            vapidDetails: { subject: this.options.subject ?? "mailto:admin@parley.invalid", publicKey: this.keys.publicKey, privateKey: this.keys.privateKey },
            TTL: 3600,
            urgency: "high",
            topic: undefined,
            timeout: this.options.timeoutMs ?? 10_000,
            ...(this.options.agent ? { agent: this.options.agent } : {}),
          });
          sent++;
        } catch (err) {
          const status = (err as { statusCode?: number }).statusCode;
          if (status === 404 || status === 410) {
            await this.db.pushSubscription.deleteMany({ where: { id: s.id } });
            pruned++;
          } else {
            this.log.warn({ err, status, userId: s.userId }, "web push failed");
          }
        }
      }),
    );
    return { sent, pruned };
  }
}
