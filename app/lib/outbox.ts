/**
 * The outbox: every message the user typed that the server has not acknowledged yet.
 *
 * - An entry is written to storage (IndexedDB in the browser) before the first send, so it
 *   survives a reload, a closed tab and a dead network; it leaves storage only when the
 *   server has acknowledged it, which the server does only after committing it.
 * - Entries are sent one at a time, in the order they were typed: the next is sent only once
 *   the previous one is acknowledged or refused. A lost acknowledgement is retried with the
 *   same clientId, which the server stores once, so nothing is sent twice and nothing
 *   overtakes an earlier message.
 * - A refusal (too long, no access, rate-limited) turns the entry `failed` with the reason;
 *   the ones after it carry on. The user may retry it (same clientId) or discard it.
 * - Only the leader tab sends; the others write to the shared storage and tell it so. The
 *   server's dedup is the safety net should two tabs ever both send.
 * - Changes (an edit, a deletion, a reaction) are operations of their own in the same queue,
 *   in order after the message they touch, each with its own id (`clientChangeId`), so one
 *   made offline goes out once on reconnect. Editing a message that is still waiting
 *   rewrites it; deleting one discards it. A change to the message being sent right now
 *   waits for its acknowledgement, which gives it the message's server id.
 * - Read positions ("read up to seq in this room") are entries too, so that reading done
 *   offline reaches the server on reconnect. They are not shown, they do not count against
 *   the message pace, a later one for a room replaces one still waiting, and one the server
 *   refuses (the room is gone) is dropped: a read position has nothing to retry.
 *
 * Framework-free over `ChatTransport` and `OutboxStorage`; `app/hooks` adapts it to React.
 */
import { v7 as uuidv7 } from "uuid";
import { LIMITS } from "@/server/contract/limits";
import type { Attachment } from "@/server/contract/files";
import type { ChatMessage, MessageChange, MessageChangeKind, ReadState, ReplyQuote, UserSummary } from "@/server/contract/model";
import { Emitter } from "./emitter";
import { Observable } from "./observable";
import type { ChatTransport } from "./transport";

interface EntryBase {
  /** A message's clientId, a change's clientChangeId, or a read position's own id. */
  clientId: string;
  roomId: string;
  author: UserSummary;
  createdAt: string;
  /** Typing order across tabs: creation time in ms plus a fraction that breaks ties. */
  order: number;
  status: "pending" | "failed";
  error?: string;
}

/** A message the user wrote (a reply, with `replyTo`; with files, `attachments`). */
export interface MessageEntry extends EntryBase {
  kind: "message";
  body: string;
  /** A reply's quote of its original (sent as its id). */
  replyTo?: ReplyQuote;
  /** Its files, uploaded apart (uploads.ts) and sent as their ids once all are on the server. */
  attachments?: PendingAttachment[];
}

/** A file of a message not sent yet, as it is shown. */
export type PendingAttachment = Pick<Attachment, "id" | "name" | "type" | "size">;

/** What the outbox asks of the uploads (uploads.ts): whether a message's files are on the server. */
export interface OutboxFiles {
  readiness(ids: readonly string[]): Promise<{ ready: Attachment[] } | { waiting: true } | { refused: string }>;
  /** The message went (or was dropped): its files leave the device. */
  release(ids: readonly string[]): Promise<void>;
  /** Told when an upload finishes or is refused. */
  onSettled(listener: () => void): () => void;
}

/** An edit (`body` is the new text), a deletion or a reaction to a message. */
export interface ChangeEntry extends EntryBase {
  kind: "change";
  body: string;
  op: OutboxOp;
}

/** A read position: the room read up to `read.seq`. Not shown, not paced, dropped if refused. */
export interface ReadEntry extends EntryBase {
  kind: "read";
  read: { seq: number };
}

/** What the outbox holds, one kind per request it makes (`message:send`, a change, `read:mark`). */
export type OutboxEntry = MessageEntry | ChangeEntry | ReadEntry;

/** The entries the user sees in a room: messages and changes (not read positions). */
export type ShownEntry = MessageEntry | ChangeEntry;

/** Whether an entry is a message or a change the user sees in the room (not a read position). */
export const isShown = (e: OutboxEntry): e is ShownEntry => e.kind !== "read";

/**
 * An entry as storage holds it: entries stored before entries had a `kind` (an outbox written
 * offline by the previous version) get theirs from their fields, so they still go out.
 */
export function upgradeEntry(stored: OutboxEntry | (Omit<EntryBase, never> & { kind?: undefined; body?: string; op?: OutboxOp; read?: { seq: number }; replyTo?: ReplyQuote })): OutboxEntry {
  if (stored.kind) return stored;
  const { kind: _none, body = "", op, read, replyTo, ...base } = stored;
  if (read) return { ...base, kind: "read", read };
  if (op) return { ...base, kind: "change", body, op };
  return { ...base, kind: "message", body, ...(replyTo ? { replyTo } : {}) };
}

/**
 * A change waiting to be sent. `messageId` is the message's server id; a change to a
 * message of this outbox not acknowledged yet names it by `targetClientId` until its
 * acknowledgement gives the id.
 */
export interface OutboxOp {
  kind: MessageChangeKind;
  messageId?: string;
  targetClientId?: string;
  emoji?: string;
}

/** The message a change is about: a confirmed one (id) or one of this outbox (clientId). */
export interface ChangeTarget {
  roomId: string;
  messageId?: string;
  clientId: string;
}

export interface OutboxStorage {
  load(): Promise<OutboxEntry[]>;
  put(entry: OutboxEntry): Promise<void>;
  delete(clientId: string): Promise<void>;
}

/** Tells the other tabs of this browser that the stored outbox changed. */
export interface OutboxSync {
  publish(): void;
  subscribe(listener: () => void): () => void;
}

interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface OutboxOptions {
  author: UserSummary;
  transport: ChatTransport;
  storage: OutboxStorage;
  sync?: OutboxSync;
  /** The uploads a message's files wait for (absent: messages carry no files). */
  files?: OutboxFiles;
  /** Whether this tab starts as the sender (see `setLeader`). */
  leader?: boolean;
  ackTimeoutMs?: number;
  /** Delay before retrying after the n-th consecutive transient failure (n from 1). */
  retryDelay?: (attempt: number) => number;
  timers?: Timers;
  newId?: () => string;
  now?: () => number;
  /**
   * Sends at most this many messages per window, so that a backlog written offline drains
   * within the server's budget instead of being refused as rate-limited. Defaults to the
   * server's per-user budget less a margin for the user's other devices.
   */
  pace?: { points: number; windowMs: number };
}

/** Refusals worth retrying unchanged: the server or the network failed, not the message. */
const TRANSIENT = new Set(["timeout", "disconnected", "unavailable", "internal"]);

export const defaultRetryDelay = (attempt: number) =>
  Math.min(30_000, 1000 * 2 ** (attempt - 1)) * (0.5 + Math.random() * 0.5);

export class Outbox extends Observable<OutboxEntry[]> {
  /** A message the server acknowledged (its stored copy, with seq). */
  readonly delivered = new Emitter<ChatMessage>();
  /** A change the server acknowledged (with its cseq). */
  readonly changed = new Emitter<MessageChange>();
  /** A read position the server acknowledged. */
  readonly readMoved = new Emitter<ReadState>();
  /** The entry being sent now: it may no longer be rewritten or discarded. */
  private inFlight: string | null = null;

  private leader: boolean;
  private flushing = false;
  private again = false;
  private attempts = 0;
  private retryTimer: unknown = null;
  private ties = 0;
  private closed = false;
  /** When recent sends went out, for pacing. */
  private readonly sentAt: number[] = [];
  private readonly unsubscribe: Array<() => void> = [];
  private readonly o: Required<Omit<OutboxOptions, "sync" | "leader" | "files">> & Pick<OutboxOptions, "sync" | "files">;

  constructor(options: OutboxOptions) {
    super([]);
    this.leader = options.leader ?? true;
    this.o = {
      ackTimeoutMs: 10_000,
      retryDelay: defaultRetryDelay,
      timers: globalThis,
      // Time-ordered, so that a sender's messages land at the end of the server's
      // (author, clientId) index rather than on a random page of it (docs/protocol.md).
      newId: () => uuidv7(),
      now: () => Date.now(),
      pace: { points: LIMITS.messageBudget.points - 5, windowMs: LIMITS.messageBudget.seconds * 1000 },
      ...options,
    };
  }

  /** Loads what storage holds and starts sending when connected. */
  async start(): Promise<void> {
    this.unsubscribe.push(
      this.o.transport.onConnect(() => {
        this.attempts = 0;
        this.cancelRetry();
        void this.flush();
      }),
    );
    if (this.o.sync) this.unsubscribe.push(this.o.sync.subscribe(() => void this.reload()));
    if (this.o.files) this.unsubscribe.push(this.o.files.onSettled(() => void this.flush()));
    await this.reload();
  }

  close(): void {
    this.closed = true;
    this.cancelRetry();
    for (const u of this.unsubscribe.splice(0)) u();
  }

  /**
   * Queues a message (a reply, with `replyTo`; files attached and uploading, `attachments`):
   * stored first, then sent in turn. Resolves with its entry.
   */
  async add(roomId: string, body: string, replyTo?: ReplyQuote, attachments?: PendingAttachment[]): Promise<OutboxEntry> {
    const now = this.o.now();
    const entry: MessageEntry = {
      kind: "message",
      clientId: this.o.newId(),
      roomId,
      author: this.o.author,
      body,
      createdAt: new Date(now).toISOString(),
      order: now + (this.ties++ % 1000) / 1000,
      status: "pending",
      ...(replyTo ? { replyTo } : {}),
      ...(attachments?.length ? { attachments } : {}),
    };
    // Stored before it is shown or sent: what the user sees pending survives a reload.
    await this.o.storage.put(entry);
    this.set(sortEntries([...this.get(), entry]));
    this.o.sync?.publish();
    void this.flush();
    return entry;
  }

  /**
   * Edits a message: a waiting one is rewritten in place; a sent one (or the one being sent)
   * gets an edit queued after it.
   */
  async edit(target: ChangeTarget, body: string): Promise<void> {
    const waiting = this.waitingMessage(target.clientId);
    if (waiting) {
      const rewritten: MessageEntry = { ...waiting, body, status: "pending", error: undefined };
      await this.o.storage.put(rewritten);
      this.replace(rewritten);
      this.o.sync?.publish();
      void this.flush();
      return;
    }
    await this.queueOp(target, { kind: "edit" }, body);
  }

  /** Deletes a message: a waiting one is discarded; a sent one gets a deletion queued. */
  async remove(target: ChangeTarget): Promise<void> {
    const waiting = this.waitingMessage(target.clientId);
    if (waiting) {
      await this.drop(waiting.clientId);
      return;
    }
    await this.queueOp(target, { kind: "delete" });
  }

  /** Adds (or, with `add` false, removes) the user's reaction with `emoji`. */
  async react(target: ChangeTarget, emoji: string, add: boolean): Promise<void> {
    await this.queueOp(target, { kind: add ? "react" : "unreact", emoji });
  }

  /**
   * The room was read up to `seq`: sent in turn, after what the user wrote before. One that
   * is still waiting for the room is replaced by a later one, never by an earlier one.
   */
  async read(roomId: string, seq: number): Promise<void> {
    const waiting = this.get().find((e): e is ReadEntry => e.kind === "read" && e.roomId === roomId && e.clientId !== this.inFlight);
    if (waiting && waiting.read.seq >= seq) return;
    const now = this.o.now();
    const entry: ReadEntry = waiting
      ? { ...waiting, read: { seq } }
      : {
          kind: "read",
          clientId: this.o.newId(),
          roomId,
          author: this.o.author,
          createdAt: new Date(now).toISOString(),
          order: now + (this.ties++ % 1000) / 1000,
          status: "pending",
          read: { seq },
        };
    await this.o.storage.put(entry);
    this.set(sortEntries(waiting ? this.get().map((e) => (e.clientId === entry.clientId ? entry : e)) : [...this.get(), entry]));
    this.o.sync?.publish();
    void this.flush();
  }

  /** A message of this outbox that has not started to be sent, or failed. */
  private waitingMessage(clientId: string): MessageEntry | undefined {
    return this.get().find((e): e is MessageEntry => e.kind === "message" && e.clientId === clientId && e.clientId !== this.inFlight);
  }

  private async queueOp(target: ChangeTarget, op: Omit<OutboxOp, "messageId" | "targetClientId">, body = ""): Promise<void> {
    const now = this.o.now();
    const entry: ChangeEntry = {
      kind: "change",
      clientId: this.o.newId(),
      roomId: target.roomId,
      author: this.o.author,
      body,
      createdAt: new Date(now).toISOString(),
      order: now + (this.ties++ % 1000) / 1000,
      status: "pending",
      op: target.messageId ? { ...op, messageId: target.messageId } : { ...op, targetClientId: target.clientId },
    };
    await this.o.storage.put(entry);
    this.set(sortEntries([...this.get(), entry]));
    this.o.sync?.publish();
    void this.flush();
  }

  /** A message was acknowledged: changes queued for it by clientId learn its server id. */
  private async resolveTargets(message: ChatMessage): Promise<void> {
    for (const e of this.get()) {
      if (e.kind !== "change" || e.op.targetClientId !== message.clientId) continue;
      const resolved: ChangeEntry = { ...e, op: { ...e.op, messageId: message.id, targetClientId: undefined } };
      await this.o.storage.put(resolved);
      this.replace(resolved);
    }
  }

  /** Sends a failed entry again, under the same clientId. */
  async retry(clientId: string): Promise<void> {
    const entry = this.get().find((e) => e.clientId === clientId);
    if (!entry || entry.status !== "failed") return;
    const again: OutboxEntry = { ...entry, status: "pending", error: undefined };
    await this.o.storage.put(again);
    this.replace(again);
    this.o.sync?.publish();
    this.attempts = 0;
    void this.flush();
  }

  /** Drops a failed entry for good. */
  async discard(clientId: string): Promise<void> {
    const entry = this.get().find((e) => e.clientId === clientId);
    if (!entry || entry.status !== "failed") return;
    await this.drop(clientId);
  }

  /** Removes an entry, and the changes queued for it (a message that will not be sent). */
  private async drop(clientId: string): Promise<void> {
    const gone = this.get().filter((e) => e.clientId === clientId || (e.kind === "change" && e.op.targetClientId === clientId));
    for (const e of gone) await this.o.storage.delete(e.clientId);
    this.set(this.get().filter((e) => !gone.includes(e)));
    this.o.sync?.publish();
    // A message that will not be sent takes its files off the device.
    const files = gone.flatMap((e) => (e.kind === "message" ? (e.attachments ?? []).map((a) => a.id) : []));
    if (files.length > 0) await this.o.files?.release(files);
  }

  /** Becoming the leader (another tab closed) means taking over the sending. */
  setLeader(leader: boolean): void {
    this.leader = leader;
    if (leader) void this.reload();
  }

  isLeader(): boolean {
    return this.leader;
  }

  /** Re-reads storage (another tab changed it) and sends what is due. */
  async reload(): Promise<void> {
    const stored = sortEntries((await this.o.storage.load()).map(upgradeEntry));
    if (this.closed) return;
    this.set(stored);
    void this.flush();
  }

  /** Sends pending entries in order, one at a time, while this tab leads and is connected. */
  async flush(): Promise<void> {
    if (this.flushing) {
      this.again = true;
      return;
    }
    this.flushing = true;
    try {
      while (!this.closed && this.leader && this.retryTimer === null && this.o.transport.isConnected()) {
        const head = this.get().find((e) => e.status === "pending");
        if (!head) break;
        // Read positions are not messages: they do not count against the server's message budget.
        const wait = head.kind === "read" ? 0 : this.paceWait();
        if (wait > 0) {
          // Under the budget the server enforces: send the rest when the window moves on.
          this.scheduleRetry(wait);
          break;
        }
        if (head.kind === "change" && !head.op.messageId) {
          // Its message failed or was discarded: there is nothing left to change.
          const orphan: ChangeEntry = { ...head, status: "failed", error: "The message this change was for was not sent." };
          await this.o.storage.put(orphan);
          this.replace(orphan);
          this.o.sync?.publish();
          continue;
        }
        let attachments: string[] | undefined;
        if (head.kind === "message" && head.attachments?.length) {
          // Its files first: the message (and what follows it) waits for their uploads.
          const ids = head.attachments.map((a) => a.id);
          const files = this.o.files ? await this.o.files.readiness(ids) : { refused: "Files cannot be sent from here." };
          if (this.closed) return;
          if ("waiting" in files) break; // flushed again when an upload settles
          if ("refused" in files) {
            const failed: MessageEntry = { ...head, status: "failed", error: files.refused };
            await this.o.storage.put(failed);
            this.replace(failed);
            this.o.sync?.publish();
            continue;
          }
          attachments = ids;
        }
        if (head.kind !== "read") this.sentAt.push(this.o.now());
        this.inFlight = head.clientId;
        const ack = await this.send(head, attachments).finally(() => (this.inFlight = null));
        if (this.closed) return;
        if (ack.ok) {
          this.attempts = 0;
          await this.o.storage.delete(head.clientId);
          this.set(this.get().filter((e) => e.clientId !== head.clientId));
          await ack.acknowledged();
        } else if (TRANSIENT.has(ack.error.code)) {
          // Keep the head at the head: nothing after it may overtake it.
          this.attempts++;
          this.scheduleRetry(this.o.retryDelay(this.attempts));
          break;
        } else if (head.kind === "read") {
          // Refused (the room is gone, or no longer the user's): nothing to show or retry.
          await this.o.storage.delete(head.clientId);
          this.set(this.get().filter((e) => e.clientId !== head.clientId));
          this.o.sync?.publish();
        } else {
          const failed: OutboxEntry = { ...head, status: "failed", error: ack.error.message };
          await this.o.storage.put(failed);
          this.replace(failed);
          this.o.sync?.publish();
        }
      }
    } finally {
      this.flushing = false;
    }
    if (this.again) {
      this.again = false;
      void this.flush();
    }
  }

  /**
   * One entry's request, and what its acknowledgement does once the entry has left storage:
   * one case per kind. A new kind of entry fails the type check here until it is handled.
   */
  private async send(e: OutboxEntry, attachments?: string[]): Promise<Sent> {
    const { transport, ackTimeoutMs } = this.o;
    switch (e.kind) {
      case "message": {
        const reply = e.replyTo ? { replyTo: e.replyTo.id } : {};
        const files = attachments ? { attachments } : {};
        const ack = await transport.request("message:send", { roomId: e.roomId, clientId: e.clientId, body: e.body, ...reply, ...files }, ackTimeoutMs);
        if (!ack.ok) return ack;
        return {
          ok: true,
          acknowledged: async () => {
            if (attachments) await this.o.files?.release(attachments);
            // Changes queued for it by clientId learn its server id.
            await this.resolveTargets(ack.data.message);
            this.o.sync?.publish();
            this.delivered.emit(ack.data.message);
          },
        };
      }
      case "change": {
        const ack = await this.sendChange(e);
        if (!ack.ok) return ack;
        return {
          ok: true,
          acknowledged: () => {
            this.o.sync?.publish();
            if (ack.data.change) this.changed.emit(ack.data.change);
          },
        };
      }
      case "read": {
        const ack = await transport.request("read:mark", { roomId: e.roomId, seq: e.read.seq }, ackTimeoutMs);
        if (!ack.ok) return ack;
        return {
          ok: true,
          acknowledged: () => {
            this.o.sync?.publish();
            this.readMoved.emit(ack.data);
          },
        };
      }
      default:
        return unhandled(e);
    }
  }

  /** A change's request by its kind. */
  private sendChange(e: ChangeEntry) {
    const { transport, ackTimeoutMs } = this.o;
    const ref = { roomId: e.roomId, messageId: e.op.messageId!, clientChangeId: e.clientId };
    switch (e.op.kind) {
      case "edit":
        return transport.request("message:edit", { ...ref, body: e.body }, ackTimeoutMs);
      case "delete":
        return transport.request("message:delete", ref, ackTimeoutMs);
      case "react":
        return transport.request("reaction:add", { ...ref, emoji: e.op.emoji! }, ackTimeoutMs);
      case "unreact":
        return transport.request("reaction:remove", { ...ref, emoji: e.op.emoji! }, ackTimeoutMs);
    }
  }

  private replace(entry: OutboxEntry) {
    this.set(this.get().map((e) => (e.clientId === entry.clientId ? entry : e)));
  }

  /** How long until another send fits in the pace window (0: now). */
  private paceWait(): number {
    const { points, windowMs } = this.o.pace;
    const now = this.o.now();
    while (this.sentAt.length > 0 && this.sentAt[0]! <= now - windowMs) this.sentAt.shift();
    return this.sentAt.length < points ? 0 : this.sentAt[0]! + windowMs - now;
  }

  private scheduleRetry(delayMs: number) {
    this.cancelRetry();
    this.retryTimer = this.o.timers.setTimeout(() => {
      this.retryTimer = null;
      void this.flush();
    }, delayMs);
  }

  private cancelRetry() {
    if (this.retryTimer !== null) this.o.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}

/** What sending an entry came to: acknowledged (with what that does), or the refusal. */
type Sent = { ok: true; acknowledged(): void | Promise<void> } | { ok: false; error: { code: string; message: string } };

function unhandled(entry: never): never {
  throw new Error(`an outbox entry of an unknown kind: ${JSON.stringify(entry)}`);
}

export function sortEntries(entries: OutboxEntry[]): OutboxEntry[] {
  return [...entries].sort((a, b) => a.order - b.order || a.clientId.localeCompare(b.clientId));
}

/** Storage in memory: for tests, and for browsers without IndexedDB (private modes). */
export function memoryOutboxStorage(): OutboxStorage {
  const entries = new Map<string, OutboxEntry>();
  return {
    load: async () => [...entries.values()].map((e) => ({ ...e })),
    put: async (e) => void entries.set(e.clientId, { ...e }),
    delete: async (id) => void entries.delete(id),
  };
}
