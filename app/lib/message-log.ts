/**
 * A room's message log on the client, as plain data with pure operations, so the merge rules
 * are unit-tested without React (`message-log.test.ts`).
 *
 * - Confirmed messages are ordered by their server sequence number, never by a clock, and
 *   each seq appears once however many times it arrives (broadcast, ack, history, catch-up).
 * - The user's unacknowledged messages come from the outbox and are shown after the
 *   confirmed ones, in the order they were typed. Once the server's copy is in the log, the
 *   outbox entry with the same (author, clientId) is hidden: a message is never shown twice.
 */
import type { ChatMessage, UserSummary } from "@/server/contract/model";
import type { OutboxEntry } from "./outbox";

export type MessageStatus = "pending" | "sent" | "failed";

export interface MessageLog {
  /** Ascending by seq, each seq once. */
  confirmed: ChatMessage[];
  /** Older history exists on the server before confirmed[0]. */
  hasOlder: boolean;
}

export interface LogItem {
  key: string;
  seq: number | null;
  clientId: string;
  author: UserSummary;
  body: string;
  createdAt: string;
  /** Set on the viewer's own messages only. */
  status?: MessageStatus;
  error?: string;
}

export const emptyLog: MessageLog = { confirmed: [], hasOlder: false };

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
  let seq = confirmed[0]!.seq;
  for (let i = 1; i < confirmed.length && confirmed[i]!.seq === seq + 1; i++) seq++;
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
  return { ...log, confirmed: [...bySeq.values()].sort((a, b) => a.seq - b.seq) };
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
export function logItems(log: MessageLog, selfId: string, outbox: readonly OutboxEntry[] = []): LogItem[] {
  const items: LogItem[] = log.confirmed.map((m) => ({
    key: m.id,
    seq: m.seq,
    clientId: m.clientId,
    author: m.author,
    body: m.body,
    createdAt: m.createdAt,
    status: m.author.id === selfId ? "sent" : undefined,
  }));
  if (outbox.length === 0) return items;
  const held = new Set(log.confirmed.map((m) => key(m.author.id, m.clientId)));
  for (const e of outbox) {
    if (held.has(key(e.author.id, e.clientId))) continue;
    items.push({
      key: `local:${e.clientId}`,
      seq: null,
      clientId: e.clientId,
      author: e.author,
      body: e.body,
      createdAt: e.createdAt,
      status: e.status,
      error: e.error,
    });
  }
  return items;
}
