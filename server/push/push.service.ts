import webpush from "web-push";
import type { Logger } from "../logger";
import type { PushSubscriptionRepository } from "../store/ports";
import { PushEndpointPolicy } from "./endpoint-policy";
import type { VapidKeys } from "./vapid";

export interface PushSubscriptionInput {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** What a push shows: the service worker (public/sw.js) turns it into a notification. */
export interface PushPayload {
  title: string;
  body: string;
  /** One notification per room on a device: a later push for the room replaces it. */
  tag: string;
  /** Where a click goes. */
  url: string;
  /** The message it is about: a deletion withdraws its notification (`close`). */
  messageId: string;
  /** The author's profile picture (a same-origin path), when they have one; Parley's icon otherwise. */
  icon?: string;
}

/** Tells the service worker to close the notification of a deleted message, if it still shows it. */
export interface PushWithdrawal {
  close: { tag: string; messageId: string };
}

/** Who may receive pushes: the user and the session whose browser subscribed. */
export interface PushOwner {
  userId: string;
  sessionId: string;
}

/** Subscriptions one user keeps: a new one past this evicts their oldest. */
export const MAX_SUBSCRIPTIONS_PER_USER = 10;
/** Requests to push services under way at once, from this node. */
export const PUSHES_IN_FLIGHT = 16;
/** Pushes waiting for a place; past this, new ones are dropped (and logged). */
export const PUSH_QUEUE_MAX = 2000;
/** Per recipient and room: the first push goes at once, the rest of this window's in one push at its end. */
export const PUSH_COALESCE_MS = 30_000;
/** How many recent messages remember whom they were pushed to (a deletion withdraws those). */
const PUSHED_REMEMBERED = 5000;

const roomTag = (roomId: string) => `room:${roomId}`;

/**
 * Web Push: the browsers' subscriptions (one per browser, belonging to the session that
 * made it) and sending to them with the `web-push` library, signed with Parley's VAPID key.
 *
 * - Only to the push services' hosts, never to a private address (`PushEndpointPolicy`).
 * - At most `MAX_SUBSCRIPTIONS_PER_USER` per user: a new one evicts the oldest.
 * - Never to a session that ended: sign-out and revocation delete the session and its
 *   subscriptions with it; an expired session's are not sent to.
 * - At most `PUSHES_IN_FLIGHT` requests at once, `PUSH_QUEUE_MAX` waiting.
 * - One notification per recipient and room at a time (`notify`), gathered per
 *   `PUSH_COALESCE_MS`; a deleted message's notification is withdrawn (`withdraw`).
 *
 * A subscription the push service says is gone (404 or 410) is deleted; any other failure
 * is logged and the next push tries again.
 */
export class PushService {
  private readonly policy: PushEndpointPolicy;
  private readonly queue: Array<() => Promise<void>> = [];
  private running = 0;
  private dropped = 0;
  private readonly windows = new Map<string, { more: number; last: PushPayload | null }>();
  /** messageId → the users it was pushed to (insertion order: the oldest go first). */
  private readonly pushed = new Map<string, Set<string>>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly subscriptions: PushSubscriptionRepository,
    private readonly keys: VapidKeys,
    private readonly log: Logger,
    private readonly options: {
      subject?: string;
      endpoints?: PushEndpointPolicy;
      timeoutMs?: number;
      coalesceMs?: number;
      /** Hears what became of each push request (metrics: `parley_push_sent_total`). */
      onOutcome?: (outcome: "sent" | "gone" | "failed" | "dropped") => void;
    } = {},
  ) {
    this.policy = options.endpoints ?? new PushEndpointPolicy();
  }

  get publicKey(): string {
    return this.keys.publicKey;
  }

  /**
   * Keeps a browser's subscription for the session that sends it (a browser that changes
   * user or session moves with it). The same subscription again changes nothing and costs
   * nothing (browsers send it at every connection); a new or changed one spends `budget`
   * first, and its endpoint must pass the endpoint policy.
   */
  async subscribe(owner: PushOwner, sub: PushSubscriptionInput, budget: () => Promise<void>): Promise<void> {
    const endpoint = this.policy.normalise(sub.endpoint);
    const known = await this.subscriptions.byEndpoint(endpoint);
    if (known && known.userId === owner.userId && known.sessionId === owner.sessionId && known.p256dh === sub.keys.p256dh && known.auth === sub.keys.auth) return;
    await budget();
    await this.policy.check(endpoint);
    // The newest MAX_SUBSCRIPTIONS_PER_USER stay.
    await this.subscriptions.save(
      { id: known?.id ?? crypto.randomUUID(), userId: owner.userId, sessionId: owner.sessionId, endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, createdAt: new Date() },
      MAX_SUBSCRIPTIONS_PER_USER,
    );
  }

  async unsubscribe(userId: string, endpoint: string): Promise<void> {
    let normal = endpoint;
    try {
      normal = this.policy.normalise(endpoint);
    } catch {
      // Not an endpoint that could have been stored: nothing to delete but the text as given.
    }
    await this.subscriptions.remove(userId, normal);
  }

  /**
   * A message for `userId` in a room: pushed at once if nothing was pushed to them for the
   * room in the last `PUSH_COALESCE_MS`, else gathered into one push at the window's end
   * ("and 2 more"). Each push replaces the room's notification on the device.
   */
  notify(userId: string, roomId: string, payload: PushPayload): void {
    const key = `${userId}\u0000${roomId}`;
    const open = this.windows.get(key);
    if (open) {
      open.more++;
      open.last = payload;
      return;
    }
    const window = { more: 0, last: null as PushPayload | null };
    this.windows.set(key, window);
    this.deliver(userId, payload);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.windows.delete(key);
      if (window.last) this.deliver(userId, window.more > 1 ? { ...window.last, body: `${window.last.body}\n(and ${window.more - 1} more)` } : window.last);
    }, this.options.coalesceMs ?? PUSH_COALESCE_MS);
    timer.unref();
    this.timers.add(timer);
  }

  /** A message was deleted: the devices it was pushed to close its notification if it still shows. */
  withdraw(roomId: string, messageId: string): void {
    // Gathered for a window's end and not sent yet: it will not be.
    for (const window of this.windows.values()) if (window.last?.messageId === messageId) window.last = null;
    const users = this.pushed.get(messageId);
    if (!users) return;
    this.pushed.delete(messageId);
    const withdrawal: PushWithdrawal = { close: { tag: roomTag(roomId), messageId } };
    for (const userId of users) this.deliver(userId, withdrawal);
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.windows.clear();
    this.policy.agent.destroy();
  }

  /** The tag a room's pushes carry. */
  static tagOf(roomId: string): string {
    return roomTag(roomId);
  }

  private deliver(userId: string, payload: PushPayload | PushWithdrawal): void {
    if ("messageId" in payload) this.remember(payload.messageId, userId);
    this.enqueue(async () => {
      const subs = await this.subscriptions.forUser(userId, new Date());
      await Promise.all(subs.map((s) => this.sendOne(s, payload)));
    });
  }

  private remember(messageId: string, userId: string) {
    let users = this.pushed.get(messageId);
    if (!users) {
      this.pushed.set(messageId, (users = new Set()));
      if (this.pushed.size > PUSHED_REMEMBERED) this.pushed.delete(this.pushed.keys().next().value!);
    }
    users.add(userId);
  }

  private enqueue(job: () => Promise<void>) {
    if (this.queue.length >= PUSH_QUEUE_MAX) {
      this.options.onOutcome?.("dropped");
      if (this.dropped++ % 100 === 0) this.log.warn({ dropped: this.dropped }, "web push queue full: pushes dropped");
      return;
    }
    this.queue.push(job);
    this.pump();
  }

  private pump() {
    while (this.running < PUSHES_IN_FLIGHT && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.running++;
      void job()
        .catch((err: unknown) => this.log.warn({ err }, "web push failed"))
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }

  private async sendOne(s: { id: string; userId: string; endpoint: string; p256dh: string; auth: string }, payload: PushPayload | PushWithdrawal) {
    try {
      await webpush.sendNotification({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, JSON.stringify(payload), {
        vapidDetails: { subject: this.options.subject ?? "mailto:admin@parley.invalid", publicKey: this.keys.publicKey, privateKey: this.keys.privateKey },
        TTL: 3600,
        urgency: "high",
        topic: undefined,
        timeout: this.options.timeoutMs ?? 10_000,
        agent: this.policy.agent,
      });
      this.options.onOutcome?.("sent");
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404 || status === 410) {
        this.options.onOutcome?.("gone");
        await this.subscriptions.removeById(s.id);
      } else {
        this.options.onOutcome?.("failed");
        // The endpoint's host is logged, never the endpoint (it is a bearer capability).
        this.log.warn({ err: (err as Error).message, status, userId: s.userId, host: new URL(s.endpoint).host }, "web push failed");
      }
    }
  }
}
