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
 *   the tombstones and the reactions, never stale ones.
 *
 * Framework-free over `ChatTransport`; `app/hooks/use-room.ts` adapts it to React.
 */
import type { ChatMessage, MessageChange, ReadState, RoomSummary } from "@/server/contract/model";
import { LIMITS } from "@/server/contract/limits";
import { applyChanges, contiguousSeq, emptyLog, mergeConfirmed, mergeOlderPage, oldestSeq, replaceChanged, type MessageLog } from "./message-log";
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
}

interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const CATCH_UP_PAGE = 200;
export const STALE_MESSAGE = "Some messages you missed could not be loaded yet. Retrying…";

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
    private readonly options: { retryDelayMs?: number; timers?: Timers; invite?: string } = {},
  ) {
    super({ phase: "joining", room: null, log: emptyLog, error: null, stale: false, loadingOlder: false, read: null, firstUnread: null });
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
      this.transport.subscribe("room:removed", ({ roomId }) => this.end(roomId, "removed", "You were removed from this room.")),
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
    if (gap) void this.catchUpChanges();
  }

  /**
   * Loads older pages until message `seq` is held (jumping to a reply's original), at most
   * `maxPages` of them. Resolves whether it is held now. The log stays one unbroken range.
   */
  async loadUntil(seq: number, maxPages = 40): Promise<boolean> {
    for (let i = 0; i < maxPages; i++) {
      const oldest = oldestSeq(this.get().log);
      if (oldest !== undefined && oldest <= seq) break;
      if (!this.get().log.hasOlder || this.closed) break;
      // Far back (a search result): the largest pages the server gives.
      await this.loadOlder(LIMITS.historyPageMax);
    }
    return this.get().log.confirmed.some((m) => m.seq === seq);
  }

  /** The older page being loaded: a second caller (the unread line, a jump) waits for it. */
  private olderPage: Promise<void> | undefined;

  loadOlder(limit?: number): Promise<void> {
    this.olderPage ??= this.fetchOlder(limit).finally(() => (this.olderPage = undefined));
    return this.olderPage;
  }

  private async fetchOlder(limit?: number): Promise<void> {
    const { room, log, loadingOlder } = this.get();
    const before = oldestSeq(log);
    if (!room || !log.hasOlder || before === undefined || loadingOlder) return;
    this.update({ loadingOlder: true });
    const ack = await this.transport.request("message:history", { roomId: room.id, before, ...(limit ? { limit } : {}) });
    if (this.closed) return;
    if (ack.ok) this.update({ loadingOlder: false, log: mergeOlderPage(this.get().log, ack.data.messages, ack.data.hasMore) });
    else this.update({ loadingOlder: false, error: ack.error.message });
  }

  private end(roomId: string, phase: "deleted" | "removed", error: string) {
    if (roomId !== this.get().room?.id) return;
    this.cancelRetry();
    this.update({ phase, error });
  }

  private async join(): Promise<void> {
    const phase = this.get().phase;
    if (phase === "deleted" || phase === "removed") return;
    const invite = this.options.invite;
    // Back after a disconnect: ask for what came after the last message held without a
    // hole, in the join itself (a first join gets the latest page).
    const rejoin = this.get().log.confirmed.length > 0;
    const ack = await this.transport.request("room:join", {
      slug: this.slug,
      ...(invite ? { invite } : {}),
      ...(rejoin ? { after: contiguousSeq(this.get().log), changesAfter: this.get().log.changeCursor } : {}),
    });
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
    const held = this.get().log;
    if (rejoin) {
      // The messages first, then the current copies of those that changed meanwhile, which
      // bring the change cursor up to the server's. When more changed than one answer holds,
      // the changes come page by page instead.
      const merged = mergeConfirmed(held, history.messages);
      const caughtUp = changed && !changed.hasMore ? replaceChanged(merged, changed.messages, changeCursor) : merged;
      const changesBehind = changed?.hasMore ?? false;
      this.update({ phase: "joined", room, log: caughtUp, error: null, stale: history.hasMore || changesBehind, read });
      if (history.hasMore) await this.catchUp();
      if (changesBehind) await this.catchUpChanges();
      return;
    }
    // A first join: the page reflects every change up to the cursor the server read first.
    const log = { ...mergeConfirmed(held, history.messages), hasOlder: history.hasMore, changeCursor: Math.max(held.changeCursor, changeCursor) };
    const firstUnread = this.get().firstUnread ?? (read.readSeq < read.latestSeq ? read.readSeq + 1 : null);
    this.update({ phase: "joined", room, log, error: null, stale: false, read, firstUnread });
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
