import type { Outbox } from "./outbox";

interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** How often one room's read position goes to the server while messages keep arriving. */
export const READ_REPORT_INTERVAL_MS = 500;

/**
 * Reports how far the user has read each room, through the outbox, at most once per
 * `intervalMs` per room: the first position at once, then the latest one at the end of the
 * interval. A viewer at the bottom of a busy room reads every message as it arrives; without
 * this each would cost the server a write and every tab of the user an event.
 */
export class ReadReporter {
  private readonly rooms = new Map<string, { timer: unknown; pending: number | null }>();

  constructor(
    private readonly outbox: Pick<Outbox, "read">,
    private readonly intervalMs = READ_REPORT_INTERVAL_MS,
    private readonly timers: Timers = globalThis,
  ) {}

  report(roomId: string, seq: number): void {
    const open = this.rooms.get(roomId);
    if (open) {
      open.pending = Math.max(open.pending ?? 0, seq);
      return;
    }
    void this.outbox.read(roomId, seq);
    const window = { timer: null as unknown, pending: null as number | null };
    const tick = () => {
      if (window.pending === null) {
        this.rooms.delete(roomId);
        return;
      }
      void this.outbox.read(roomId, window.pending);
      window.pending = null;
      window.timer = this.timers.setTimeout(tick, this.intervalMs);
    };
    window.timer = this.timers.setTimeout(tick, this.intervalMs);
    this.rooms.set(roomId, window);
  }

  /** Sends what is waiting now (the tab is closing). */
  flush(): void {
    for (const [roomId, window] of this.rooms) {
      this.timers.clearTimeout(window.timer);
      if (window.pending !== null) void this.outbox.read(roomId, window.pending);
    }
    this.rooms.clear();
  }
}
