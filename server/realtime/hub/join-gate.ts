import { JOIN_ANSWER_TIMEOUT_MS } from "../../contract/limits";
import { DomainError } from "../../domain/errors";

/** Why a join was answered `unavailable` without being run: its connection closed, or it waited too long. */
export type JoinRefusal = "closed" | "waited";

/** Joins one node runs at once; the rest wait their turn (issue 32, the reconnect storm). */
export const JOIN_CONCURRENCY = 32;
/**
 * A join that waited this long is answered "busy" without being run: the client gives up
 * on a join's answer at `JOIN_ANSWER_TIMEOUT_MS` (60 s), and the margin is for the join's
 * own reads and the answer's way back.
 */
export const JOIN_MAX_WAIT_MS = JOIN_ANSWER_TIMEOUT_MS - 5_000;

/**
 * Admission for joins. A join is several reads in turn; a crowd of them started at once
 * (every client of a node that restarted) would share the database's connections query by
 * query, so that each finishes only when nearly all do, after the clients' timeout, and the
 * retries add to the crowd: no join answered, the node busy with abandoned ones (measured
 * on PostgreSQL + Redis with 19,500 clients: 0 back after three minutes; docs/performance.md,
 * run AH). Here at most `limit` run at once and the rest wait in arrival order, so joins
 * finish at the rate the node can serve them, first come first served; one whose
 * connection closed while it waited is dropped, one that waited past `maxWaitMs` is refused
 * as `unavailable` (the client retries) rather than run for nobody.
 */
export class JoinGate {
  private slots = 0;
  private readonly waiting: Array<() => void> = [];

  private readonly limit: number;
  private readonly maxWaitMs: number;
  private readonly now: () => number;
  private readonly onRefused: (reason: JoinRefusal) => void;

  constructor(
    options: {
      limit?: number;
      maxWaitMs?: number;
      now?: () => number;
      /** Told of each join refused without being run (a metric). */
      onRefused?: (reason: JoinRefusal) => void;
    } = {},
  ) {
    this.limit = options.limit ?? JOIN_CONCURRENCY;
    this.maxWaitMs = options.maxWaitMs ?? JOIN_MAX_WAIT_MS;
    this.now = options.now ?? Date.now;
    this.onRefused = options.onRefused ?? (() => undefined);
  }

  /** Joins waiting for their turn. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Joins running now (at most the limit). */
  get running(): number {
    return this.slots;
  }

  async run<T>(stillWanted: () => boolean, work: () => Promise<T>): Promise<T> {
    if (this.slots < this.limit) this.slots++;
    else {
      const since = this.now();
      // The slot is handed over by the join that ends (`release`), still counted as running.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      if (!stillWanted()) {
        this.release();
        this.onRefused("closed");
        throw new DomainError("unavailable", "The connection closed before the room could be joined.");
      }
      if (this.now() - since > this.maxWaitMs) {
        this.release();
        this.onRefused("waited");
        throw new DomainError("unavailable", "The server is busy; the room is joined again in a moment.");
      }
    }
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.slots--;
  }
}
