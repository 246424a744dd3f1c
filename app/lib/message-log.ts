/**
 * A room's message log on the client, as plain data with pure operations, so the merge rules
 * are unit-tested without React (`message-log.test.ts`).
 *
 * - Confirmed messages are ordered by their server sequence number, never by a clock, and
 *   each seq appears once however many times it arrives (broadcast, ack, history, catch-up).
 * - The user's unacknowledged messages come from the outbox and are shown after the
 *   confirmed ones, in the order they were typed. Once the server's copy is in the log, the
 *   outbox entry with the same (author, clientId) is hidden: a message is never shown twice.
 * - Changes (edits, deletions, reactions) are applied in the room's change order (`cseq`),
 *   each once: `changeCursor` is the last one applied, a change at or below it is ignored,
 *   and one beyond the next is left for a catch-up (`applyChanges` says so). A change to a
 *   message not held yet but expected (newer than any held) waits for it in `pending`.
 */
import { quoteOf, type Attachment, type ChatMessage, type MessageChange, type ReactionSummary, type ReplyQuote, type UserSummary } from "@/server/contract/model";
import type { ChangeEntry, MessageEntry, ShownEntry } from "./outbox";

export type MessageStatus = "pending" | "sent" | "failed";

export interface MessageLog {
  /** Ascending by seq, each seq once. */
  confirmed: ChatMessage[];
  /** Older history exists on the server before confirmed[0]. */
  hasOlder: boolean;
  /** The last change (cseq) applied: every change up to it is reflected in `confirmed`. */
  changeCursor: number;
  /** Applied changes to messages that have not arrived yet, applied when they do. */
  pending: MessageChange[];
}

export interface LogItem {
  key: string;
  /** The server's id (confirmed messages only). */
  id?: string;
  seq: number | null;
  clientId: string;
  author: UserSummary;
  body: string;
  createdAt: string;
  editedAt?: string;
  deleted?: true;
  /** Deleted by a moderator, not its author. */
  removed?: true;
  reactions?: ReactionSummary[];
  replyTo?: ReplyQuote;
  /** The people its text mentions, with their current names. */
  mentions?: UserSummary[];
  /** Its files: a sent message's, or a waiting one's (uploading, `PendingAttachment`s without image sizes). */
  attachments?: Attachment[];
  /** Set on the viewer's own messages only. */
  status?: MessageStatus;
  error?: string;
  /** The viewer's changes to it not acknowledged yet are shown already. */
  changing?: boolean;
  /** The viewer's change to it that the server refused: its outbox entry and why. */
  changeFailed?: { clientId: string; error: string };
}

export const emptyLog: MessageLog = { confirmed: [], hasOlder: false, changeCursor: 0, pending: [] };

/** The lowest seq held, or undefined when the log is empty. */
export function oldestSeq(log: MessageLog): number | undefined {
  return log.confirmed[0]?.seq;
}

/**
 * The highest seq up to which the log has no hole, counting from its oldest message: what
 * a catch-up asks to read after. 0 for an empty log.
 */
export function contiguousSeq(log: MessageLog): number {
  const { confirmed } = log;
  if (confirmed.length === 0) return 0;
  // A log that holds the room from its first message (no older page) counts from 0: a
  // first message that never arrived (2 held, not 1) is a hole to fill, not the start.
  const start = log.hasOlder ? 1 : 0;
  let seq = log.hasOlder ? confirmed[0]!.seq : 0;
  for (let i = start; i < confirmed.length && confirmed[i]!.seq === seq + 1; i++) seq++;
  return seq;
}

/**
 * Merges server messages in, whatever their order or overlap with what is held.
 * Returns the same object when nothing changed, so React can skip a render.
 */
export function mergeConfirmed(log: MessageLog, incoming: readonly ChatMessage[]): MessageLog {
  if (incoming.length === 0) return log;
  const bySeq = new Map<number, ChatMessage>();
  for (const m of log.confirmed) bySeq.set(m.seq, m);
  let added = false;
  for (const m of incoming) {
    if (!bySeq.has(m.seq)) {
      bySeq.set(m.seq, m);
      added = true;
    }
  }
  if (!added) return log;
  const merged = { ...log, confirmed: [...bySeq.values()].sort((a, b) => a.seq - b.seq) };
  return log.pending.length > 0 ? settlePending(merged) : merged;
}

/**
 * Applies changes in cseq order from the cursor on, whatever order they came in and however
 * often. Returns the log (the same object when nothing changed) and whether a change was
 * left out because one before it is missing: the caller then catches up from the cursor.
 */
export function applyChanges(log: MessageLog, incoming: readonly MessageChange[]): { log: MessageLog; gap: boolean } {
  const ahead = incoming.filter((c) => c.cseq > log.changeCursor).sort((a, b) => a.cseq - b.cseq);
  if (ahead.length === 0) return { log, gap: false };
  let confirmed = log.confirmed;
  let cursor = log.changeCursor;
  const pending = [...log.pending];
  const newest = confirmed.at(-1)?.seq ?? 0;
  for (const c of ahead) {
    if (c.cseq !== cursor + 1) {
      if (c.cseq === cursor) continue; // the same change twice in one batch
      return { log: { ...log, confirmed, changeCursor: cursor, pending }, gap: true };
    }
    cursor = c.cseq;
    const at = confirmed.findIndex((m) => m.id === c.messageId);
    if (at >= 0) {
      confirmed = confirmed.slice();
      confirmed[at] = changed(confirmed[at]!, c);
      // Replies quote their original as it is now.
      if (c.kind === "edit" || c.kind === "delete") {
        const quote = quoteOf(confirmed[at]!);
        confirmed = confirmed.map((m) => (m.replyTo?.id === c.messageId ? { ...m, replyTo: quote } : m));
      }
    } else if (c.messageSeq > newest) {
      pending.push(c); // its message is on its way (a broadcast or a catch-up page)
    }
    // Otherwise the message is older than anything held: a page that loads it later reads
    // its current state from the server.
  }
  return { log: { ...log, confirmed, changeCursor: cursor, pending }, gap: false };
}

/** A message with one change applied. */
export function changed(m: ChatMessage, c: MessageChange): ChatMessage {
  switch (c.kind) {
    case "edit": {
      const { mentions: _before, ...rest } = m;
      return { ...rest, body: c.body ?? m.body, editedAt: c.createdAt, ...(c.mentions ? { mentions: c.mentions } : {}) };
    }
    case "delete": {
      const { reactions: _gone, attachments: _files, ...rest } = m;
      return { ...rest, body: "", deleted: true, ...(c.actor.id !== m.author.id ? { removed: true as const } : {}) };
    }
    case "react": {
      const reactions = (m.reactions ?? []).map((r) => ({ ...r, users: [...r.users] }));
      let entry = reactions.find((r) => r.emoji === c.emoji);
      if (!entry) reactions.push((entry = { emoji: c.emoji!, users: [] }));
      if (!entry.users.some((u) => u.id === c.actor.id)) entry.users.push(c.actor);
      return { ...m, reactions };
    }
    case "unreact": {
      const reactions = (m.reactions ?? [])
        .map((r) => (r.emoji === c.emoji ? { ...r, users: r.users.filter((u) => u.id !== c.actor.id) } : r))
        .filter((r) => r.users.length > 0);
      const { reactions: _old, ...rest } = m;
      return reactions.length > 0 ? { ...rest, reactions } : rest;
    }
  }
}

/** Applies pending changes to the messages that have arrived since. */
function settlePending(log: MessageLog): MessageLog {
  const byId = new Map(log.confirmed.map((m, i) => [m.id, i] as const));
  const confirmed = log.confirmed.slice();
  const pending: MessageChange[] = [];
  for (const c of log.pending) {
    const at = byId.get(c.messageId);
    if (at === undefined) pending.push(c);
    else confirmed[at] = changed(confirmed[at]!, c);
  }
  return { ...log, confirmed, pending };
}

/**
 * Replaces held copies with the server's current ones (a rejoin's `changed`: the messages
 * that changes touched while the client was away) and moves the change cursor to `cursor`:
 * the copies reflect every change up to it. Copies of messages not held are ignored (a page
 * that loads them later reads them as they are).
 */
export function replaceChanged(log: MessageLog, current: readonly ChatMessage[], cursor: number): MessageLog {
  const byId = new Map(current.map((m) => [m.id, m] as const));
  const confirmed = log.confirmed.map((m) => byId.get(m.id) ?? m);
  const quotes = new Map(current.map((m) => [m.id, quoteOf(m)] as const));
  const requoted = confirmed.map((m) => (m.replyTo && quotes.has(m.replyTo.id) ? { ...m, replyTo: quotes.get(m.replyTo.id)! } : m));
  return { ...log, confirmed: requoted, changeCursor: Math.max(log.changeCursor, cursor), pending: log.pending.filter((c) => c.cseq > cursor) };
}

/** Adds an older page (from `message:history` with `before`) and records whether more exist. */
export function mergeOlderPage(log: MessageLog, page: readonly ChatMessage[], hasMore: boolean): MessageLog {
  return { ...mergeConfirmed(log, page), hasOlder: hasMore };
}

const key = (authorId: string, clientId: string) => `${authorId}\u0000${clientId}`;

/**
 * What to render, oldest first: confirmed messages by seq, then the viewer's outbox entries
 * for this room that the log does not hold yet, in typing order.
 */
export function logItems(log: MessageLog, selfId: string, outbox: readonly ShownEntry[] = []): LogItem[] {
  const ops = outbox.filter((e): e is ChangeEntry => e.kind === "change");
  const messages = ops.length === outbox.length ? [] : outbox.filter((e): e is MessageEntry => e.kind === "message");
  const confirmed = ops.length === 0 ? log.confirmed : log.confirmed.map((m) => withOps(m, ops));
  const items: LogItem[] = confirmed.map((m) => ({
    key: m.id,
    id: m.id,
    seq: m.seq,
    clientId: m.clientId,
    author: m.author,
    body: m.body,
    createdAt: m.createdAt,
    ...(m.editedAt ? { editedAt: m.editedAt } : {}),
    ...(m.deleted ? { deleted: true as const } : {}),
    ...(m.removed ? { removed: true as const } : {}),
    ...(m.reactions ? { reactions: m.reactions } : {}),
    ...(m.replyTo ? { replyTo: m.replyTo } : {}),
    ...(m.mentions ? { mentions: m.mentions } : {}),
    ...(m.attachments ? { attachments: m.attachments } : {}),
    status: m.author.id === selfId ? "sent" : undefined,
    ...overlayState(m, ops),
  }));
  if (messages.length === 0) return items;
  const held = new Set(log.confirmed.map((m) => key(m.author.id, m.clientId)));
  for (const e of messages) {
    if (held.has(key(e.author.id, e.clientId))) continue;
    items.push({
      key: `local:${e.clientId}`,
      seq: null,
      clientId: e.clientId,
      author: e.author,
      body: e.body,
      createdAt: e.createdAt,
      ...(e.replyTo ? { replyTo: e.replyTo } : {}),
      ...(e.attachments ? { attachments: e.attachments } : {}),
      status: e.status,
      error: e.error,
    });
  }
  return items;
}

/** The viewer's pending changes to a confirmed message, shown before the server confirms them. */
function withOps(m: ChatMessage, ops: readonly ChangeEntry[]): ChatMessage {
  let shown = m;
  for (const e of ops) {
    if (e.status !== "pending" || !targets(e, m)) continue;
    shown = changed(shown, {
      roomId: m.roomId,
      cseq: 0,
      messageId: m.id,
      messageSeq: m.seq,
      actor: e.author,
      clientChangeId: e.clientId,
      kind: e.op.kind,
      body: e.body,
      emoji: e.op.emoji,
      createdAt: e.createdAt,
    });
  }
  return shown;
}

function targets(e: ChangeEntry, m: ChatMessage): boolean {
  return e.op.messageId === m.id || (e.op.targetClientId === m.clientId && e.author.id === m.author.id);
}

function overlayState(m: ChatMessage, ops: readonly ChangeEntry[]): Pick<LogItem, "changing" | "changeFailed"> {
  const mine = ops.filter((e) => targets(e, m));
  if (mine.length === 0) return {};
  const failed = mine.find((e) => e.status === "failed");
  return {
    ...(mine.some((e) => e.status === "pending") ? { changing: true } : {}),
    ...(failed ? { changeFailed: { clientId: failed.clientId, error: failed.error ?? "Refused." } } : {}),
  };
}
