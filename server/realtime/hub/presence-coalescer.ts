import type { UserSummary } from "../../contract/model";
import type { PublishedRoomEvent } from "../../contract/room-events";
import type { Logger } from "../../logger";

/** How long presence changes in one room are gathered into one list. */
export const PRESENCE_COALESCE_MS = 50;
/** One room's presence lists go out at most this often (a crowd arriving at once). */
export const PRESENCE_MIN_INTERVAL_MS = 250;
/**
 * ...and, in a larger room, at most once per this much time for each person on its last
 * list, up to PRESENCE_MAX_INTERVAL_MS: 100 people, a list every 3 s at most.
 */
export const PRESENCE_MS_PER_PERSON = 30;
export const PRESENCE_MAX_INTERVAL_MS = 5_000;

export interface PresenceTiming {
  delayMs: number;
  /** The least time between two lists of a room. */
  intervalMs: number;
  /** The time between two lists for each person on the last one (default PRESENCE_MS_PER_PERSON). */
  perPersonMs?: number;
  /** The most time between two lists, whatever the room's size (default PRESENCE_MAX_INTERVAL_MS). */
  maxIntervalMs?: number;
}

export interface PresenceCoalescerDeps {
  /** Everyone in the room now (the shared presence store), read when the list goes out. */
  list(roomId: string): Promise<UserSummary[]>;
  publish(event: PublishedRoomEvent): void;
  log: Pick<Logger, "warn">;
  timing?: PresenceTiming;
}

/**
 * A room's presence list changed: it goes out coalesced. Changes within `delayMs` of the
 * first go out as one list, read when it is sent, and a room's lists are at least
 * `intervalMs` apart. A thousand tabs returning at once (a reconnect storm) then cost a few
 * lists per room instead of one per tab, each to every member. (Measured: with 50 ms
 * between lists, a storm of 1,000 sent about 400,000 presence entries.)
 *
 * A list of n people goes to n connections or more: n² entries. The interval after a list
 * grows with its size (`perPersonMs` each, between `intervalMs` and `maxIntervalMs`), so that
 * what a busy room's lists cost grows with its size, not with its square: a small room's
 * changes still show within a quarter of a second, a room of 100 lists at most every 3 s.
 * (Measured, issue 32: in a reconnect storm of 5,000 clients into rooms of 100 on
 * PostgreSQL + Redis, 39 % of the node's CPU was in socket writes, nearly all presence
 * lists, at one list per room about every half second; docs/performance.md, run AH.)
 */
export class PresenceCoalescer {
  private readonly pending = new Set<string>();
  /** When each room's last list went out, and the least time until its next one. */
  private readonly sent = new Map<string, { at: number; gapMs: number }>();
  private readonly timing: Required<PresenceTiming>;

  constructor(private readonly deps: PresenceCoalescerDeps) {
    this.timing = {
      perPersonMs: PRESENCE_MS_PER_PERSON,
      maxIntervalMs: PRESENCE_MAX_INTERVAL_MS,
      ...(deps.timing ?? { delayMs: PRESENCE_COALESCE_MS, intervalMs: PRESENCE_MIN_INTERVAL_MS }),
    };
  }

  /** The least time after a list of `people` until the room's next one. */
  private gapAfter(people: number): number {
    const { intervalMs, perPersonMs, maxIntervalMs } = this.timing;
    return Math.max(intervalMs, Math.min(maxIntervalMs, perPersonMs * people));
  }

  announce(roomId: string): void {
    if (this.pending.has(roomId)) return;
    this.pending.add(roomId);
    const wait = () => {
      const last = this.sent.get(roomId);
      return last === undefined ? 0 : last.at + last.gapMs - Date.now();
    };
    const fire = () => {
      // The last list's size may have lengthened the gap since this was scheduled.
      const left = wait();
      if (left > 0) {
        setTimeout(fire, left).unref();
        return;
      }
      this.pending.delete(roomId);
      const entry = { at: Date.now(), gapMs: this.timing.intervalMs };
      this.sent.set(roomId, entry);
      // Forgotten once its gap has passed: a quiet room's next list goes out after `delayMs`.
      const forget = () =>
        setTimeout(() => {
          if (this.sent.get(roomId) === entry) this.sent.delete(roomId);
        }, entry.gapMs).unref();
      this.deps.list(roomId).then(
        (online) => {
          entry.gapMs = this.gapAfter(online.length);
          forget();
          this.deps.publish({ type: "presence.changed", roomId, online });
        },
        (err: unknown) => {
          forget();
          this.deps.log.warn({ err, roomId }, "presence list failed");
        },
      );
    };
    setTimeout(fire, Math.max(this.timing.delayMs, wait())).unref();
  }
}
