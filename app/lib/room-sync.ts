/**
 * Keeps one room's view in step with the server, whatever the connection does:
 * - joins on start and again after every reconnect (rooms are rejoined, presence restored);
 *   a rejoin asks for what came after the last message held without a hole
 *   (`contiguousSeq`), and gets it in the join's answer;
 * - when more than that page was missed, and whenever a message arrives whose seq leaves a
 *   hole, reads every message after the last one held without a hole, page by page, so
 *   the log ends with no duplicates and no holes;
 * - if that catch-up fails, says so (`stale`) and tries again, rather than passing off an
 *   incomplete history as current;
 * - applies edits, deletions and reactions in the room's change order: a rejoin names the
 *   last change held (`changesAfter`) and gets what followed in its answer; a change that
 *   arrives beyond the next one (a broadcast missed) makes it read every change after the
 *   cursor (`message:changes`), so a client back from any absence shows the current text,
 *   the tombstones and the reactions, never stale ones;
 * - jumping far back (a search result, an old reply) shows a window of history around the
 *   message (`around`) instead of loading everything in between: the live log stays as it
 *   is and keeps catching up; the window grows by pages both ways and joins the live log
 *   when it reaches it, or is left for the latest messages (`leaveWindow`).
 *
 * Framework-free over `ChatTransport`; `app/hooks/use-room.ts` adapts it to React.
 */
import type { ChatMessage, MessageChange, ReadState, RoomSummary } from "@/server/contract/model";
import { JOIN_ANSWER_TIMEOUT_MS, LIMITS } from "@/server/contract/limits";
import { applyChanges, changed as changedMessage, contiguousSeq, emptyLog, mergeConfirmed, mergeOlderPage, oldestSeq, replaceChanged, type MessageLog } from "./message-log";
import { Observable } from "./observable";
import type { ChatTransport } from "./transport";

/** `refused`: the room exists for this user but may not be opened (a direct conversation while one blocks the other). */
export type RoomPhase = "joining" | "joined" | "missing" | "refused" | "error" | "deleted" | "removed";

export interface RoomState {
  phase: RoomPhase;
  room: RoomSummary | null;
  log: MessageLog;
  /** A problem to show: the room is missing, or the last request failed. */
  error: string | null;
  /** Messages may be missing since the last reconnect (a catch-up has not completed yet). */
  stale: boolean;
  loadingOlder: boolean;
  /** The user's read position in the room, as the latest join found it. */
  read: ReadState | null;
  /**
   * The first message that was unread when the room was opened (the "New messages" line),
   * or null if nothing was. It stays until the room is left, however far reading goes.
   */
  firstUnread: number | null;
  /**
   * A window of older history shown instead of the live log, around a message jumped to
   * far back; null while the live log is shown. `hasNewer`: messages between it and the
   * live log exist (load them, or leave the window).
   */
  window: { log: MessageLog; hasNewer: boolean } | null;
  loadingNewer: boolean;
  /**
   * What is shown came from the device and no join has answered yet: the view is not
   * current (jumps and the unread line wait for the server's answer).
   */
  fromDevice: boolean;
}

/**
 * How far back a jump loads history page by page into the live log; past it, it opens a
 * window around the message instead (two pages of the largest size).
 */
export const CONTIGUOUS_JUMP = 2 * LIMITS.historyPageMax;

interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const CATCH_UP_PAGE = 200;
export const STALE_MESSAGE = "Some messages you missed could not be loaded yet. Retrying…";

const JOINING: RoomState = { phase: "joining", room: null, log: emptyLog, error: null, stale: false, loadingOlder: false, read: null, firstUnread: null, window: null, loadingNewer: false, fromDevice: false };

/** A room as the device kept it, before the server has answered: what a RoomSync given it shows first. */
export function deviceRoomState(stored: { room: RoomSummary; log: MessageLog }): RoomState {
  return { phase: "joined", room: stored.room, log: stored.log, error: null, stale: true, loadingOlder: false, read: null, firstUnread: null, window: null, loadingNewer: false, fromDevice: true };
}

export class RoomSync extends Observable<RoomState> {
  private readonly unsubscribe: Array<() => void> = [];
  private readonly messagesRun = { running: false, again: false };
  private readonly changesRun = { running: false, again: false };
  /**
   * One pending retry per task (the join, the messages' catch-up, the changes' catch-up):
   * a retry scheduled for one must not cancel another's, or that one would wait for the
   * next reconnect with the view marked stale.
   */
  private readonly retryTimers = new Map<"join" | "messages" | "changes", unknown>();
  private closed = false;

  constructor(
    private readonly transport: ChatTransport,
    private readonly slug: string,
    private readonly options: { retryDelayMs?: number; timers?: Timers; invite?: string; stored?: { room: RoomSummary; log: MessageLog } } = {},
  ) {
    const stored = options.stored;
    // A room kept on the device is shown at once (a warm open, or offline); the first join
    // then catches up from its seq and cseq.
    super(stored ? deviceRoomState(stored) : JOINING);
  }

  start(): this {
    this.unsubscribe.push(
      this.transport.onConnect(() => void this.join()),
      this.transport.subscribe("message:created", (m) => this.onMessage(m)),
      this.transport.subscribe("message:changed", (c) => this.applyChanges([c])),
      this.transport.subscribe("room:updated", (room) => {
        if (room.id === this.get().room?.id) this.update({ room });
      }),
      this.transport.subscribe("room:deleted", ({ roomId }) => this.end(roomId, "deleted", "This room was deleted.")),
      this.transport.subscribe("room:removed", ({ roomId, message }) => this.end(roomId, "removed", message ?? "You were removed from this room.")),
    );
    if (this.transport.isConnected()) void this.join();
    return this;
  }

  close(): void {
    this.closed = true;
    this.cancelRetry();
    for (const u of this.unsubscribe.splice(0)) u();
    const room = this.get().room;
    if (room && this.transport.isConnected()) void this.transport.request("room:leave", { roomId: room.id });
  }

  /** Merges messages learnt elsewhere (the outbox's acknowledgements). */
  merge(messages: readonly ChatMessage[]): void {
    const room = this.get().room;
    const mine = room ? messages.filter((m) => m.roomId === room.id) : [];
    if (mine.length > 0) this.update({ log: mergeConfirmed(this.get().log, mine) });
  }

  /**
   * Applies changes learnt here or elsewhere (a broadcast, the outbox's acknowledgements),
   * in order; a gap before them is filled from the server.
   */
  applyChanges(changes: readonly MessageChange[]): void {
    const room = this.get().room;
    const mine = room ? changes.filter((c) => c.roomId === room.id) : [];
    if (mine.length === 0) return;
    const { log, gap } = applyChanges(this.get().log, mine);
    if (log !== this.get().log) this.update({ log });
    // The window's messages take each change as it comes (each sets state; they come in order).
    const window = this.get().window;
    if (window && mine.some((c) => window.log.confirmed.some((m) => m.id === c.messageId))) {
      const confirmed = window.log.confirmed.map((m) => mine.reduce((acc, c) => (c.messageId === acc.id ? changedMessage(acc, c) : acc), m));
      this.update({ window: { ...window, log: { ...window.log, confirmed } } });
    }
    if (gap) void this.catchUpChanges();
  }

  /**
   * Makes message `seq` shown (jumping to a reply's original, the unread line, a search
   * result). Held by the live log: it is shown. Within CONTIGUOUS_JUMP of the live log's
   * oldest message: older pages are loaded into it, so it stays one unbroken range. Further
   * back: a window of history around it (`around`). Resolves whether it is shown now.
   */
  async loadUntil(seq: number, maxPages = 40): Promise<boolean> {
    const held = (log: MessageLog) => log.confirmed.some((m) => m.seq === seq);
    if (held(this.get().log)) {
      this.leaveWindow();
      return true;
    }
    const window = this.get().window;
    if (window && held(window.log)) return true;
    const oldest = oldestSeq(this.get().log);
    if (oldest !== undefined && this.get().log.hasOlder && oldest - seq > CONTIGUOUS_JUMP) return this.openWindow(seq);
    this.leaveWindow();
    for (let i = 0; i < maxPages; i++) {
      const first = oldestSeq(this.get().log);
      if (first !== undefined && first <= seq) break;
      if (!this.get().log.hasOlder || this.closed) break;
      await this.loadOlder(LIMITS.historyPageMax);
    }
    return held(this.get().log);
  }

  /** Shows the live log again (the latest messages), leaving the window. */
  leaveWindow(): void {
    if (this.get().window) this.update({ window: null, loadingNewer: false });
  }

  /** A window of history around `seq`, joined to the live log at once if it reaches it. */
  private async openWindow(seq: number): Promise<boolean> {
    const room = this.get().room;
    if (!room) return false;
    const ack = await this.transport.request("message:history", { roomId: room.id, around: seq, limit: LIMITS.historyPageMax });
    if (this.closed || !ack.ok) {
      if (!ack.ok) this.update({ error: ack.error.message });
      return false;
    }
    const log: MessageLog = { ...mergeConfirmed(emptyLog, ack.data.messages), hasOlder: ack.data.hasMore };
    this.showWindow(log);
    return log.confirmed.some((m) => m.seq === seq);
  }

  /** Shows `log` as the window, or joins it to the live log when nothing lies between them. */
  private showWindow(log: MessageLog): void {
    const live = this.get().log;
    const newest = log.confirmed.at(-1)?.seq ?? 0;
    const liveOldest = oldestSeq(live);
    if (liveOldest === undefined || newest + 1 >= liveOldest) {
      // Nothing between them: one unbroken log, as far back as the window goes.
      this.update({ window: null, loadingNewer: false, log: { ...mergeConfirmed(live, log.confirmed), hasOlder: log.hasOlder } });
      return;
    }
    this.update({ window: { log, hasNewer: true } });
  }

  /** The window's next page towards the present; joined to the live log when it reaches it. */
  async loadNewer(): Promise<void> {
    const { room, window, loadingNewer } = this.get();
    const after = window?.log.confirmed.at(-1)?.seq;
    if (!room || !window || after === undefined || loadingNewer) return;
    this.update({ loadingNewer: true });
    const ack = await this.transport.request("message:history", { roomId: room.id, after, limit: LIMITS.historyPageMax });
    if (this.closed) return;
    this.update({ loadingNewer: false });
    const current = this.get().window;
    if (!ack.ok) return this.update({ error: ack.error.message });
    if (!current) return;
    this.showWindow({ ...current.log, confirmed: mergeConfirmed(current.log, ack.data.messages).confirmed });
  }

  /** The older page being loaded: a second caller (the unread line, a jump) waits for it. */
  private olderPage: Promise<void> | undefined;

  /** The page before what is shown: the window's while one is, the live log's otherwise. */
  loadOlder(limit?: number): Promise<void> {
    this.olderPage ??= this.fetchOlder(limit).finally(() => (this.olderPage = undefined));
    return this.olderPage;
  }

  private async fetchOlder(limit?: number): Promise<void> {
    const { room, log: live, window, loadingOlder } = this.get();
    const log = window?.log ?? live;
    const before = oldestSeq(log);
    if (!room || !log.hasOlder || before === undefined || loadingOlder) return;
    this.update({ loadingOlder: true });
    const ack = await this.transport.request("message:history", { roomId: room.id, before, ...(limit ? { limit } : {}) });
    if (this.closed) return;
    if (!ack.ok) return this.update({ loadingOlder: false, error: ack.error.message });
    const now = this.get().window;
    if (window && now) this.update({ loadingOlder: false, window: { ...now, log: mergeOlderPage(now.log, ack.data.messages, ack.data.hasMore) } });
    else if (!window) this.update({ loadingOlder: false, log: mergeOlderPage(this.get().log, ack.data.messages, ack.data.hasMore) });
    else this.update({ loadingOlder: false });
  }

  private end(roomId: string, phase: "deleted" | "removed", error: string) {
    if (roomId !== this.get().room?.id) return;
    this.cancelRetry();
    this.update({ phase, error });
  }

  /** `fresh`: the latest page, replacing what is held (a stored room too far behind to catch up page by page). */
  private async join(fresh = false): Promise<void> {
    const phase = this.get().phase;
    if (phase === "deleted" || phase === "removed") return;
    const invite = this.options.invite;
    // Back after a disconnect (or opened from the device): ask for what came after the last
    // message held without a hole, in the join itself (a first join gets the latest page).
    const rejoin = !fresh && this.get().log.confirmed.length > 0;
    // A join waits its turn behind a crowd rather than going to the back of the queue again.
    const ack = await this.transport.request(
      "room:join",
      {
        slug: this.slug,
        ...(invite ? { invite } : {}),
        ...(rejoin ? { after: contiguousSeq(this.get().log), changesAfter: this.get().log.changeCursor } : {}),
      },
      JOIN_ANSWER_TIMEOUT_MS,
    );
    if (this.closed) return;
    if (!ack.ok) {
      // Final answers end the attempt; anything else (a database down, a flood refusal) is retried.
      const final = ack.error.code === "not_found" || ack.error.code === "forbidden";
      if (final) this.update({ phase: ack.error.code === "not_found" ? "missing" : "refused", error: ack.error.message });
      else this.update({ phase: this.get().room ? "joined" : "error", error: ack.error.message, stale: true });
      if (!final) this.scheduleRetry("join", () => this.join());
      return;
    }
    const { room, history, changed, changeCursor, read } = ack.data;
    const held = fresh ? emptyLog : this.get().log;
    const firstFromDevice = this.get().fromDevice;
    if (rejoin && firstFromDevice && history.hasMore) {
      // The device's copy is more than a page behind: the latest page replaces it rather
      // than every message in between being read.
      return this.join(true);
    }
    if (rejoin) {
      // The messages first, then the current copies of those that changed meanwhile, which
      // bring the change cursor up to the server's. When more changed than one answer holds,
      // the changes come page by page instead.
      const merged = mergeConfirmed(held, history.messages);
      const caughtUp = changed && !changed.hasMore ? replaceChanged(merged, changed.messages, changeCursor) : merged;
      const changesBehind = changed?.hasMore ?? false;
      // Opened from the device: the unread line goes where the server says reading stopped.
      const firstUnread = firstFromDevice ? (read.readSeq < read.latestSeq ? read.readSeq + 1 : null) : this.get().firstUnread;
      this.update({ phase: "joined", room, log: caughtUp, error: null, stale: history.hasMore || changesBehind, read, firstUnread, fromDevice: false });
      if (history.hasMore) await this.catchUp();
      if (changesBehind) await this.catchUpChanges();
      return;
    }
    // A first join: the page reflects every change up to the cursor the server read first.
    const log = { ...mergeConfirmed(held, history.messages), hasOlder: history.hasMore, changeCursor: fresh ? changeCursor : Math.max(held.changeCursor, changeCursor) };
    const firstUnread = this.get().firstUnread ?? (read.readSeq < read.latestSeq ? read.readSeq + 1 : null);
    this.update({ phase: "joined", room, log, error: null, stale: false, read, firstUnread, fromDevice: false });
  }

  /** Reads every change after the cursor, page by page, and applies them in order. */
  private catchUpChanges(): Promise<void> {
    return this.pageThrough(this.changesRun, (roomId) =>
      this.transport.request("message:changes", { roomId, after: this.get().log.changeCursor }).then((ack) =>
        ack.ok ? { log: applyChanges(this.get().log, ack.data.changes).log, more: ack.data.hasMore } : null,
      ),
    );
  }

  private onMessage(m: ChatMessage) {
    const { room, log } = this.get();
    if (!room || m.roomId !== room.id) return;
    const next = mergeConfirmed(log, [m]);
    this.update({ log: next });
    if (contiguousSeq(next) < m.seq) void this.catchUp();
  }

  /** Reads every message after the last one held without a hole, page by page. */
  private catchUp(): Promise<void> {
    return this.pageThrough(this.messagesRun, (roomId) =>
      this.transport
        .request("message:history", { roomId, after: contiguousSeq(this.get().log), limit: CATCH_UP_PAGE })
        .then((ack) => (ack.ok ? { log: mergeConfirmed(this.get().log, ack.data.messages), more: ack.data.hasMore } : null)),
    );
  }

  /**
   * One catch-up (of messages or of changes): reads pages until none is left, and again if
   * asked meanwhile (`run.again`); on a failure says the view is stale and retries later.
   * `page` answers the log with that page merged in, and whether more follow, or null.
   */
  private async pageThrough(run: { running: boolean; again: boolean }, page: (roomId: string) => Promise<{ log: MessageLog; more: boolean } | null>): Promise<void> {
    if (run.running) {
      run.again = true;
      return;
    }
    run.running = true;
    try {
      do {
        run.again = false;
        const room = this.get().room;
        if (!room) return;
        for (;;) {
          const next = await page(room.id);
          if (this.closed) return;
          if (!next) {
            this.update({ stale: true, error: STALE_MESSAGE });
            this.scheduleRetry(run === this.messagesRun ? "messages" : "changes", () => this.pageThrough(run, page));
            return;
          }
          this.update({ log: next.log });
          if (!next.more) break;
        }
      } while (run.again);
      // Fresh only once neither catch-up is still going.
      if (!this.messagesRun.running || !this.changesRun.running) this.update({ stale: false, error: null });
    } finally {
      run.running = false;
    }
  }

  private scheduleRetry(key: "join" | "messages" | "changes", task: () => Promise<void>) {
    this.cancelRetry(key);
    const timers = this.options.timers ?? globalThis;
    this.retryTimers.set(
      key,
      timers.setTimeout(() => {
        this.retryTimers.delete(key);
        if (!this.closed && this.transport.isConnected()) void task();
      }, this.options.retryDelayMs ?? 2000),
    );
  }

  /** Cancels one task's pending retry, or every one. */
  private cancelRetry(key?: "join" | "messages" | "changes") {
    const timers = this.options.timers ?? globalThis;
    for (const [k, handle] of [...this.retryTimers]) {
      if (key !== undefined && k !== key) continue;
      timers.clearTimeout(handle);
      this.retryTimers.delete(k);
    }
  }

  private update(change: Partial<RoomState>) {
    this.set({ ...this.get(), ...change });
  }
}
